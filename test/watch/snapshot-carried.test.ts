// What a snapshot carries ready-made (src/watch/snapshot.ts, docs/decisions.md 27): the
// first-sight gate's filters and every stemming language's stem filter, loaded as views, must
// answer every word exactly as the gate built from the compiled index's strings and the filter
// the compiled index files on its first item in the language, on random vocabularies of every
// script with the words at the gate's edges; and a damaged gate is refused at load even under a
// valid checksum. Seeded: a failure reproduces.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, type WatchIndex, type WatchSpec } from '../../src/watch'
import { FirstSightGate } from '../../src/watch/first-sight-gate'
import { firstSightParts, firstSightSources, type Presearcher } from '../../src/watch/presearcher'
import { SnapshotError, buildIndexSnapshot, loadIndexSnapshot } from '../../src/watch/snapshot'
import { STEM_LANGUAGES } from '../../src/watch/stem'
import { transliterationKey } from '../../src/watch/transliterate'
import { prng } from '../support/prng'

/** Letters (or syllables) of each vocabulary: every script and reader rule the gate serves. */
const ALPHABETS: string[][] = [
  [...'abcdefghijklmnopqrstuvwxyz'],
  [...'aeiouhjwxykpsczt', 'kh', 'ph', 'ye', 'ss', 'tt', 'tch', 'ou', 'sch', 'tsch'],
  [...'абвгдежзийклмнопрстуфхцчшщъыьэюя'],
  [...'абвгґдеєжзиіїйклмнопрстуўфхцчшщьюя'],
  [...'αβγδεζηθικλμνξοπρστυφχψω', ...'東京都大阪'],
  [...'abkмнoе', 'ch', 'щ', 'yo', 'au', 'iv', 'ov', 'ts'],
]
/** Endings that inflect a word on the item side, and first letters that lengthen it. */
const ENDINGS = ['a', 'e', 'u', 'om', 'ami', 's', 'es', 'ing', 'ов', 'ами', 'у', 'ой', 'і', 'ement']
const HEADS = ['a', 'b', 'м', 'н']

function words(random: () => number, size: number): string[] {
  const out: string[] = []
  for (const letters of ALPHABETS) {
    for (let k = 0; k < size; k++) {
      let w = ''
      const n = 2 + Math.floor(random() * 7)
      for (let i = 0; i < n; i++) w += letters[Math.floor(random() * letters.length)]
      out.push(w)
    }
  }
  return out
}

/** Watches on the vocabulary: terms, `*` wildcards, `?` patterns, stemmed and transliterated. */
function watchesOf(vocabulary: string[], random: () => number): WatchSpec[] {
  return vocabulary.map((word, i) => {
    const chars = [...word]
    const r = random()
    let query = word
    if (r < 0.2 && chars.length > 3) query = `${chars.slice(0, 3).join('')}*`
    else if (r < 0.3 && chars.length > 2) {
      chars[1 + Math.floor(random() * (chars.length - 1))] = '?'
      query = chars.join('')
    }
    const options = { stem: random() < 0.5, transliterate: random() < 0.5 }
    return { id: `w${i}`, query, options }
  })
}

/** Item words at the gate's edges: each word, inflected, cut, lengthened, and as its key. */
function edgeWords(vocabulary: string[], random: () => number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  return vocabulary.flatMap((word) => {
    const chars = [...word]
    const key = transliterationKey(word)
    return [
      word,
      word + pick(ENDINGS),
      chars.slice(0, -1).join(''),
      chars.slice(0, -1).join('') + pick([...'aeiouxмн']),
      pick(HEADS) + word,
      key,
      key + pick(ENDINGS),
    ].filter((w) => w !== '')
  })
}

const presearcherOf = (index: WatchIndex) =>
  (index as unknown as { presearcher: Presearcher }).presearcher
const units = (w: string) => Uint16Array.from(w, (c) => c.charCodeAt(0))

describe('what a snapshot carries ready-made', () => {
  it.each([1, 2])(
    'a loaded gate and stem filters answer every word as the compiled index (seed %i)',
    (seed) => {
      const random = prng(seed * 104_729)
      const vocabulary = words(random, 250)
      const watches = watchesOf(vocabulary, random)
      const compiled = presearcherOf(compileWatchIndex(watches))
      const loaded = firstSightParts(
        presearcherOf(loadIndexSnapshot(buildIndexSnapshot(watches, 3), 3)),
      )!
      // The gate built from the compiled index's strings, not from words.
      const reference = new FirstSightGate(firstSightSources(compiled)!)
      const filters = firstSightParts(compiled)!
      const items = edgeWords(vocabulary, random)
      let mayTerm = 0
      let mayStem = 0
      for (const lang of [...STEM_LANGUAGES, undefined]) {
        const stems = lang === undefined ? undefined : filters.stemFilter(lang)
        const carried = lang === undefined ? undefined : loaded.stemFilter(lang)
        for (const w of items) {
          if (stems) expect(carried!.mayStart(w), `${lang} ${w}`).toBe(stems.mayStart(w))
          const u = units(w)
          const expected = reference.check(u, 0, u.length, 3, lang, stems)
          expect(loaded.gate.check(u, 0, u.length, 3, lang, carried), `${lang} ${w}`).toBe(expected)
          mayTerm += expected & 1
          mayStem += (expected >> 1) & 1
        }
      }
      // Words both let through and turned away, on both sides of the gate.
      const asked = items.length * (STEM_LANGUAGES.length + 1)
      expect(mayTerm).toBeGreaterThan(asked / 10)
      expect(mayTerm).toBeLessThan(asked)
      expect(mayStem).toBeGreaterThan(asked / 10)
      expect(mayStem).toBeLessThan(asked)
    },
    60_000,
  )

  // `gate` is where the gate's words start (its flags), after their count.
  it.each([
    ['its flags', (_: Int32Array, gate: number) => gate],
    ['its main filter’s shift', (_: Int32Array, gate: number) => gate + 2],
    ['its main filter’s word count', (_: Int32Array, gate: number) => gate + 1],
    // The filter of cross key bases follows the gate, counted: its first word is its shift.
    ['the cross key bases’ shift', (w: Int32Array, gate: number) => gate + w[gate - 1]! + 1],
  ])('refuses a snapshot whose gate has %s damaged, under a valid checksum', (_, where) => {
    const bytes = buildIndexSnapshot(
      [{ id: 'w', query: 'belgorod OR missil*', options: { transliterate: true } }],
      7,
    )
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    // The gate's words follow the trees, the presearcher's flags and four counted lists.
    let at = words[HEADER + words[H_STRINGS]! + 2 * words[H_WATCHES]!]!
    at += 1
    for (let list = 0; list < 4; list++) at += 1 + words[at]!
    // `at` holds the gate's count; its flags follow, then the main filter's count and words.
    // This watch set has cross key bases to damage (a Latin word, transliterated).
    expect(words[at + 1 + words[at]!]).toBeGreaterThan(0)
    const damaged = where(words, at + 1)
    words[damaged] = words[damaged]! + 99
    reseal(words)
    let thrown: unknown
    try {
      loadIndexSnapshot(bytes, 7)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SnapshotError)
    expect((thrown as SnapshotError).reason).toBe('corrupt')
  })
})

/** Header words, as src/watch/snapshot.ts writes them. */
const HEADER = 11
const H_CHECKSUM = 4
const H_WATCHES = 5
const H_STRINGS = 7

/** The checksum of damaged words, as snapshot.ts computes it (test/watch/snapshot.test.ts). */
function reseal(words: Int32Array): void {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < words.length; i++) {
    if (i !== H_CHECKSUM) h = Math.imul(h ^ words[i]!, 0x01000193)
  }
  words[H_CHECKSUM] = h ^ (h >>> 15)
}
