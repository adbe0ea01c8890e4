// The watch index snapshot (src/watch/snapshot.ts): an index loaded from its bytes must match
// exactly as the index compiled from the same watches, on the property test's random watches and
// items; a snapshot of another configuration version, of other code or with damaged bytes is
// refused with a SnapshotError saying why, never loaded and never a crash of another kind.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, matchItem, type WatchIndex, type WatchSpec } from '../../src/watch'
import {
  SNAPSHOT_CODE_VERSION,
  SnapshotError,
  buildIndexSnapshot,
  loadIndexSnapshot,
  snapshotConfigVersion,
} from '../../src/watch/snapshot'
import { stemmerRunCount } from '../../src/watch/stem'
import { prng } from '../support/prng'
import { generator } from './property-generators'

/** Byte offset of the code version in the header (src/watch/snapshot.ts, H_CODE). */
const CODE_VERSION_OFFSET = 4
/** Header words and table layout, as src/watch/snapshot.ts and presearcher.ts write them. */
const HEADER = 11
const H_CHECKSUM = 4
const H_WATCHES = 5
const H_STRINGS = 7
const H_HASHES = 10
const TABLE_HEADER = 7
const T_ENTRIES = 1
const T_FILTER = 6

function wordsOf(bytes: Uint8Array): Int32Array {
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
}

/** Where the table of where each watch's tree starts begins (after the strings and the ids). */
function treesAt(words: Int32Array): number {
  return HEADER + words[H_STRINGS]! + words[H_WATCHES]!
}

/**
 * Writes the checksum of damaged words as snapshot.ts computes it (FNV-1a's prime, a word at a
 * time, the checksum's own word left out), so that only the body's own checks can refuse them.
 */
function reseal(words: Int32Array): void {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < words.length; i++) {
    if (i !== H_CHECKSUM) h = Math.imul(h ^ words[i]!, 0x01000193)
  }
  words[H_CHECKSUM] = h ^ (h >>> 15)
}

function refusal(bytes: Uint8Array, version: number): SnapshotError {
  let thrown: unknown
  try {
    loadIndexSnapshot(bytes, version)
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(SnapshotError)
  return thrown as SnapshotError
}

describe('watch index snapshot', () => {
  it.each([1, 2, 3])(
    'loads an index that matches as the compiled one, explanations included (seed %i)',
    (seed) => {
      const gen = generator(prng(seed))
      const watches = Array.from({ length: 300 }, (_, i) => gen.watch(i))
      const items = Array.from({ length: 200 }, () => gen.item())
      const compiled = compileWatchIndex(watches)
      const bytes = buildIndexSnapshot(watches, 41)
      const loaded = loadIndexSnapshot(bytes, 41)
      expect(snapshotConfigVersion(bytes)).toBe(41)
      expect(loaded.size).toBe(compiled.size)
      const errorsOf = (index: typeof compiled) =>
        index.errors.map(({ watchId, error }) => [watchId, error.message, error.position])
      expect(errorsOf(loaded)).toEqual(errorsOf(compiled))
      let matches = 0
      for (const item of items) {
        const expected = matchItem(compiled, item)
        expect(matchItem(loaded, item)).toEqual(expected)
        matches += expected.length
      }
      // The generated set must exercise matching, not only non-matching.
      expect(matches).toBeGreaterThan(items.length)
    },
    60_000,
  )

  it.each([4, 5])(
    'decodes a watch on its first candidacy, in any order, as the compiled one (seed %i)',
    (seed) => {
      const gen = generator(prng(seed))
      const watches = Array.from({ length: 300 }, (_, i) => gen.watch(i))
      const items = Array.from({ length: 120 }, () => gen.item())
      const compiled = compileWatchIndex(watches)
      const expected = items.map((item) => matchItem(compiled, item))
      const bytes = buildIndexSnapshot(watches, 2)
      // One index sees a few items first, another the same items in reverse: each decodes the
      // trees of its own candidates, in its own order, and neither may change a match.
      const forward = loadIndexSnapshot(bytes, 2)
      const backward = loadIndexSnapshot(bytes, 2)
      expect(decoded(forward)).toBe(0)
      expect(matchItem(forward, items[0]!)).toEqual(expected[0])
      const afterOne = decoded(forward)
      expect(afterOne).toBeGreaterThan(0)
      expect(afterOne).toBeLessThan(forward.size)
      const reversed = items.map((_, k) => items.length - 1 - k)
      for (const k of reversed) expect(matchItem(backward, items[k]!)).toEqual(expected[k])
      for (const [k, item] of items.entries()) expect(matchItem(forward, item)).toEqual(expected[k])
      expect(expected.flat().length).toBeGreaterThan(items.length)
    },
    60_000,
  )

  it('round-trips queries of every script, and an empty watch list', () => {
    const watches: WatchSpec[] = [
      { id: 'é', query: '"armes de facture belge" NEAR/5 Бельгия', options: { stem: true } },
      { id: '東京', query: 'title:東京都 OR Αθήνα* OR bel?orod', options: { transliterate: true } },
      { id: 'emoji 🚀', query: 'site:example.com -"🚀 launch"' },
      { id: 'bad', query: 'a AND (' },
    ]
    const item = {
      title: 'Des armes de facture belge à Белгород, Бельгия',
      summary: '東京都',
      content: '',
      url: 'https://www.example.com/x',
      categories: [],
      feedId: 'f',
      feedTags: [],
    }
    const loaded = loadIndexSnapshot(buildIndexSnapshot(watches, 3), 3)
    expect(matchItem(loaded, item)).toEqual(matchItem(compileWatchIndex(watches), item))
    expect(matchItem(loaded, item).length).toBeGreaterThan(0)
    expect(loaded.errors.map((e) => e.watchId)).toEqual(['bad'])
    expect(loadIndexSnapshot(buildIndexSnapshot([], 0), 0).size).toBe(0)
  })

  it('carries the stems of its stemmed words: filing them runs no stemmer', () => {
    // Words this isolate has never stemmed (the stem memos would answer otherwise).
    const fresh = (tag: string) =>
      Array.from({ length: 40 }, (_, i) => `${tag}${i.toString(36)}ements`)
    const item = (words: string[]) => ({
      title: words.slice(0, 3).join(' '),
      summary: '',
      content: words.join(' '),
      lang: 'fr',
      categories: [],
      feedId: 'f',
      feedTags: [],
    })
    const watches = (words: string[]): WatchSpec[] =>
      words.map((w, i) => ({ id: `w${i}`, query: w, options: { stem: true } }))
    const runs = (index: ReturnType<typeof compileWatchIndex>, words: string[]) => {
      const before = stemmerRunCount()
      const matched = matchItem(index, item(words)).length
      return { matched, stemmerRuns: stemmerRunCount() - before }
    }
    const compiledWords = fresh('qzc')
    const compiled = runs(compileWatchIndex(watches(compiledWords)), compiledWords)
    const loadedWords = fresh('qzl')
    const snapshot = buildIndexSnapshot(watches(loadedWords), 7)
    const loaded = runs(loadIndexSnapshot(snapshot, 7), loadedWords)
    // Both find the 3 title words and the content's; the compiled index stems its 40 words
    // when the first French item comes, the loaded one looks them up.
    expect(loaded.matched).toBe(compiled.matched)
    expect(loaded.matched).toBe(40)
    expect(compiled.stemmerRuns).toBeGreaterThanOrEqual(40)
    expect(loaded.stemmerRuns).toBe(0)
  })

  it('refuses a snapshot of another configuration version', () => {
    const bytes = buildIndexSnapshot([{ id: 'w', query: 'belgorod' }], 7)
    const error = refusal(bytes, 8)
    expect(error.reason).toBe('version')
    expect(error.message).toMatch(/configuration version 7, not 8/)
  })

  it('refuses a snapshot written by another code version', () => {
    const bytes = buildIndexSnapshot([{ id: 'w', query: 'belgorod' }], 7)
    new DataView(bytes.buffer).setInt32(CODE_VERSION_OFFSET, SNAPSHOT_CODE_VERSION + 1, true)
    expect(refusal(bytes, 7).reason).toBe('code')
  })

  it('refuses a snapshot whose tables are keyed by hashes this code does not compute', () => {
    const bytes = buildIndexSnapshot([{ id: 'w', query: 'belgorod' }], 7)
    const words = wordsOf(bytes)
    words[H_HASHES] = words[H_HASHES]! ^ 1
    expect(refusal(bytes, 7).reason).toBe('code')
  })

  it('refuses a presearch table that filing cannot have written, even under a valid checksum', () => {
    const bytes = buildIndexSnapshot([{ id: 'w', query: 'belgorod OR kursk' }], 7)
    const words = wordsOf(bytes)
    // The first table (by term) follows the trees and the presearcher's flags, four lists, the
    // gate's words and the filter of cross key bases (each counted).
    let at = words[treesAt(words) + words[H_WATCHES]!]!
    at += 1
    for (let list = 0; list < 6; list++) at += 1 + words[at]!
    const slots = at + TABLE_HEADER + words[at + T_FILTER]!
    // An empty slot made to name an entry the table does not have.
    let slot = slots
    while (words[slot + 1] !== -1 && slot < words.length) slot += 2
    words[slot + 1] = words[at + T_ENTRIES]! + 3
    reseal(words)
    const error = refusal(bytes, 7)
    expect(error.reason).toBe('corrupt')
    expect(String((error.cause as Error).message)).toMatch(/table terms is not sound/)
  })

  it('throws SnapshotError when a tree that does not decode is first evaluated', () => {
    const watches: WatchSpec[] = [
      { id: 'a', query: 'belgorod' },
      { id: 'b', query: 'kursk' },
    ]
    const bytes = buildIndexSnapshot(watches, 7)
    const words = wordsOf(bytes)
    // Watch b's tree starts with an unknown node code.
    words[words[treesAt(words) + 1]!] = 99
    reseal(words)
    const loaded = loadIndexSnapshot(bytes, 7)
    const item = (title: string) => ({
      title,
      summary: '',
      content: '',
      categories: [],
      feedId: 'f',
      feedTags: [],
    })
    expect(matchItem(loaded, item('Belgorod')).map((m) => m.watchId)).toEqual(['a'])
    expect(() => matchItem(loaded, item('Kursk'))).toThrow(SnapshotError)
  })

  it.each([
    ['a byte flipped in the string table', (b: Uint8Array) => (b[b.length - 2]! ^= 0x20)],
    ['a byte flipped in a query tree', (b: Uint8Array) => (b[60]! ^= 1)],
    ['a count in the header changed', (b: Uint8Array) => (b[20]! += 1)],
  ])('detects %s as damage', (_, damage) => {
    const bytes = buildIndexSnapshot(
      [
        { id: 'w1', query: 'belgorod AND (belge OR belgique)' },
        { id: 'w2', query: 'missile* NEAR/3 drone', options: { stem: true } },
      ],
      7,
    )
    damage(bytes)
    expect(refusal(bytes, 7).reason).toBe('corrupt')
  })

  it.each([
    ['cut short', (b: Uint8Array) => b.subarray(0, b.length - 4)],
    ['cut inside its header', (b: Uint8Array) => b.subarray(0, 10)],
    ['empty', () => new Uint8Array(0)],
    ['not a snapshot', (b: Uint8Array) => new TextEncoder().encode('x'.repeat(b.length))],
    ['at an odd offset in its buffer', (b: Uint8Array) => copyAt(b, 1)],
  ])('refuses bytes %s, or reads them when they are whole', (name, change) => {
    const bytes = buildIndexSnapshot([{ id: 'w', query: 'belgorod' }], 7)
    const changed = change(bytes)
    if (name === 'at an odd offset in its buffer') {
      // An RPC answer may start anywhere in its buffer: whole bytes still load.
      expect(loadIndexSnapshot(changed, 7).size).toBe(1)
      return
    }
    expect(refusal(changed, 7).reason).toBe('corrupt')
  })

  it('refuses random damage anywhere, never throwing anything but SnapshotError', () => {
    const gen = generator(prng(9))
    const watches = Array.from({ length: 50 }, (_, i) => gen.watch(i))
    const whole = buildIndexSnapshot(watches, 5)
    const random = prng(10)
    for (let k = 0; k < 300; k++) {
      const bytes = whole.slice()
      const at = Math.floor(random() * bytes.length)
      bytes[at] = bytes[at]! ^ (1 + Math.floor(random() * 255))
      expect(refusal(bytes, 5).reason).toMatch(/^(corrupt|code|version)$/)
    }
  })

  // What compiling derives and how the presearcher files it are in the bytes: a change to the
  // parser, compile.ts or presearcher.ts's filing changes them for this fixed set. Then
  // SNAPSHOT_CODE_VERSION must be raised (so stored snapshots of the old code are refused, not
  // trusted), and these figures updated with it.
  it('pins the bytes of a fixed watch set to the code version', () => {
    const watches: WatchSpec[] = [
      { id: 'a', query: 'belgorod AND (belge OR "armes de facture belge")' },
      { id: 'b', query: 'title:missile* NEAR/3 drone -football', options: { stem: true } },
      { id: 'c', query: 'Kharkiv OR Харків OR bel?orod', options: { transliterate: true } },
      { id: 'd', query: 'München site:example.com lang:de feed:press' },
    ]
    const bytes = buildIndexSnapshot(watches, 1)
    const words = new Int32Array(bytes.buffer, 0, bytes.byteLength / 4)
    expect({ code: SNAPSHOT_CODE_VERSION, bytes: bytes.byteLength, checksum: words[4] }).toEqual({
      code: 11,
      bytes: PINNED_BYTES,
      checksum: PINNED_CHECKSUM,
    })
  })
})

/** The fixed set's snapshot under SNAPSHOT_CODE_VERSION 11: its length and its checksum word. */
const PINNED_BYTES = 9216
const PINNED_CHECKSUM = 1934216482

/** How many watches of a loaded index have had their query tree decoded (index.ts's roots). */
function decoded(index: WatchIndex): number {
  return (index as unknown as { roots: unknown[] }).roots.filter((root) => root !== undefined)
    .length
}

function copyAt(bytes: Uint8Array, offset: number): Uint8Array {
  const buffer = new Uint8Array(bytes.byteLength + offset)
  buffer.set(bytes, offset)
  return buffer.subarray(offset)
}
