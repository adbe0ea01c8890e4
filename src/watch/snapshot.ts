// A compiled watch index as bytes: what compiling derived for every watch (its query tree, each
// word's transliteration key, cross-script and reading keys, German spelling, each wildcard's
// pieces and key prefix), the presearcher's tables as its lookups read them (presearcher.ts's
// PresearchTables: its first-sight gate's filters as words, and every stemming language's stem
// tables and stem filter, filed ahead, docs/decisions.md 27) and the stems of the stemmed watch
// words (handed to stem.ts's carryStems), written once when the configuration changes, so that a
// fresh isolate takes views of typed arrays instead of parsing, compiling and filing every
// query. Loading does only what every tick needs: a watch's tree, id and leaf owners are
// decoded when first asked for (a tick evaluates only the watches the presearcher selects).
// Versioned (the configuration's version, SNAPSHOT_CODE_VERSION, the tables' hashes) and
// checksummed: a snapshot that does not say exactly what it is for is refused (SnapshotError),
// never trusted.
// Not responsible for storing or fetching snapshots (src/store/config-object.ts, config.ts).
// Changing what compile.ts derives, how presearcher.ts files (its tables' layout included) or
// what the stemmers answer (a new @orama/stemmers) needs a new code version.
// Pure: no env, no clock.
// Layout (little-endian, as every Workers host): docs/query-language.md, "In a fresh isolate".

import {
  compileQuery,
  newLeaf,
  wildcardNode,
  wordMatcher,
  type CompiledNode,
  type CompiledQuery,
  type CrossForms,
  type WordMatcher,
} from './compile'
import {
  TABLES,
  TERM_TABLES,
  buildPresearcher,
  fileWatches,
  tableHashes,
  tableByTerm,
  tableIsSound,
  tableLength,
  type LeafOwner,
  type PresearchTables,
  type StemTables,
} from './presearcher'
import { type MetaField, type TextField } from './query-parser'
import { QueryError } from './query-error'
import { readerRules } from './reader-rules'
import { STEM_LANGUAGES, carryStems, hasStemmer } from './stem'
import { indexFromSnapshot, type WatchIndex, type WatchSpec } from './index'

/**
 * What compiling and filing derive from a query, as this code does it. Raise it with any change
 * to what compile.ts or the query parser produce for the same query, or to how presearcher.ts
 * files it (test/watch/snapshot.test.ts pins the bytes of a fixed watch set, so such a change
 * fails there until this is raised): a snapshot written by other code is then refused and
 * rebuilt, never read as if it were ours.
 */
export const SNAPSHOT_CODE_VERSION = 11

/** The reader rules that change what compiling derives, folded into the code version. */
const rulesBits = (): number =>
  (readerRules.crossScriptStems ? 1 : 0) |
  (readerRules.readings ? 2 : 0) |
  (readerRules.crossSpellings ? 4 : 0)

/** "FWSN" read as a little-endian integer: the first word of every snapshot. */
const MAGIC = 0x4e535746
/** Header words: magic, code version, rules, configuration version, checksum, counts. */
const HEADER = 11
const H_MAGIC = 0
const H_CODE = 1
const H_RULES = 2
const H_CONFIG = 3
const H_CHECKSUM = 4
const H_WATCHES = 5
const H_INTS = 6
const H_STRINGS = 7
const H_UTF8 = 8
const H_OWNERS = 9
/** presearcher.ts's tableHashes when the snapshot was written: its tables are keyed by them. */
const H_HASHES = 10

/** Node codes in the tree encoding. */
const N_WORDS = 0
const N_WILDCARD = 1
const N_META = 2
const N_AND = 3
const N_OR = 4
const N_NOT = 5
const N_NEAR = 6

/** Word flags: the stem option, and whether cross forms follow. */
const W_STEM = 1
const W_CROSS = 2
/** Watch flags: its options. */
const Q_STEM = 1
const Q_TRANSLITERATE = 2

/** Stands for null where a string id is expected. */
const NONE = -1

/** A snapshot that cannot be used: another version, another code, damaged bytes. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError'
  constructor(
    message: string,
    /** Why, in one word, for counters and logs: `version`, `code` or `corrupt`. */
    readonly reason: 'version' | 'code' | 'corrupt',
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Compiles `watches` (as compileWatchIndex does) and writes the result as a snapshot. */
export function buildIndexSnapshot(watches: WatchSpec[], configVersion: number): Uint8Array {
  const compiled: Array<{ id: string; query: CompiledQuery }> = []
  const errors: Array<{ watchId: string; error: QueryError }> = []
  for (const watch of watches) {
    try {
      compiled.push({ id: watch.id, query: compileQuery(watch.query, watch.options) })
    } catch (error) {
      if (!(error instanceof QueryError)) throw error
      errors.push({ watchId: watch.id, error })
    }
  }
  return encode(compiled, errors, configVersion)
}

/** The configuration version a snapshot says it was built from, or null if it is not one. */
export function snapshotConfigVersion(bytes: Uint8Array): number | null {
  if (bytes.byteLength < HEADER * 4 || bytes.byteOffset % 4 !== 0) return null
  const header = new Int32Array(bytes.buffer, bytes.byteOffset, HEADER)
  return header[H_MAGIC] === MAGIC ? header[H_CONFIG]! : null
}

/**
 * The index a snapshot holds, checked: it must be for `configVersion`, from this code and these
 * reader rules, and its checksum must hold. Throws SnapshotError otherwise. Each watch's query
 * tree is decoded when the watch is first evaluated (a malformed one then throws SnapshotError
 * from matchItem: only a bug in this file can write one that passes the checksum).
 */
export function loadIndexSnapshot(bytes: Uint8Array, configVersion: number): WatchIndex {
  // An RPC answer may hand over a view at any offset: copied once to read it as Int32.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  if (aligned.byteLength < HEADER * 4 || aligned.byteLength % 4 !== 0) {
    throw new SnapshotError(`snapshot of ${bytes.byteLength} bytes is cut short`, 'corrupt')
  }
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4)
  if (words[H_MAGIC] !== MAGIC) throw new SnapshotError('not a watch snapshot', 'corrupt')
  if (
    words[H_CODE] !== SNAPSHOT_CODE_VERSION ||
    words[H_RULES] !== rulesBits() ||
    words[H_HASHES] !== tableHashes()
  ) {
    throw new SnapshotError(
      `snapshot from code version ${words[H_CODE]} (rules ${words[H_RULES]}, hashes ` +
        `${words[H_HASHES]}), this code is ${SNAPSHOT_CODE_VERSION} (rules ${rulesBits()}, ` +
        `hashes ${tableHashes()})`,
      'code',
    )
  }
  if (words[H_CONFIG] !== configVersion) {
    throw new SnapshotError(
      `snapshot of configuration version ${words[H_CONFIG]}, not ${configVersion}`,
      'version',
    )
  }
  const ints = words[H_INTS]!
  const utf8 = words[H_UTF8]!
  if (ints < 0 || utf8 < 0 || (HEADER + ints) * 4 + padded(utf8) !== aligned.byteLength) {
    throw new SnapshotError('snapshot sizes do not add up', 'corrupt')
  }
  if (checksum(words) !== words[H_CHECKSUM]) {
    throw new SnapshotError('snapshot checksum does not match its bytes', 'corrupt')
  }
  try {
    return decode(words, aligned.subarray((HEADER + ints) * 4, (HEADER + ints) * 4 + utf8))
  } catch (cause) {
    // A checksum collision or a bug in this file: refused like damaged bytes, never half-used.
    throw new SnapshotError('snapshot does not decode', 'corrupt', { cause })
  }
}

const padded = (n: number): number => (n + 3) & ~3

/**
 * A 32-bit multiply-xor hash (FNV-1a's prime, a word at a time) of every word but the checksum
 * itself: it catches damaged or truncated bytes, not forgery (the bytes never leave our storage).
 */
function checksum(words: Int32Array): number {
  let h = fold(0x811c9dc5 | 0, words, 0, H_CHECKSUM)
  // Four words a step: a new isolate runs this loop once a load, before V8 optimises it.
  const n = words.length
  let i = H_CHECKSUM + 1
  for (; i + 4 <= n; i += 4) {
    h = Math.imul(h ^ words[i]!, FNV_PRIME)
    h = Math.imul(h ^ words[i + 1]!, FNV_PRIME)
    h = Math.imul(h ^ words[i + 2]!, FNV_PRIME)
    h = Math.imul(h ^ words[i + 3]!, FNV_PRIME)
  }
  // The last words through the loop the header took: code every load has run. A loop of its
  // own, never run by the warm-up's snapshots, threw the optimised checksum away on a real one.
  h = fold(h, words, i, n)
  return h ^ (h >>> 15)
}

/** h folded with words[from, to), a word at a time. */
function fold(h: number, words: Int32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ words[i]!, FNV_PRIME)
  return h
}
const FNV_PRIME = 0x01000193

// Writing.

class Writer {
  ints: number[] = []
  strings: string[] = []
  /**
   * Where each leaf owner's record starts in the trees, by the owner's number, and whether it
   * is a wildcard (a word's record does not say so by its first int).
   */
  ownerStarts: Array<{ at: number; wildcard: boolean }> = []
  private ids = new Map<string, number>()

  constructor(
    /** The leaf owners' numbers (presearcher.ts's LeafOwner), as filing gave them. */
    readonly owners: Map<LeafOwner, number>,
  ) {}

  int(n: number): void {
    this.ints.push(n)
  }

  str(s: string | null): void {
    this.int(s === null ? NONE : this.id(s))
  }

  /** The string table's id of `s`, which is added if new. */
  id(s: string): number {
    let id = this.ids.get(s)
    if (id === undefined) {
      id = this.strings.length
      this.strings.push(s)
      this.ids.set(s, id)
    }
    return id
  }

  list(values: readonly string[]): void {
    this.int(values.length)
    for (const v of values) this.str(v)
  }

  ints32(values: Int32Array): void {
    this.int(values.length)
    for (const v of values) this.int(v)
  }

  /** Writes the number of `owner`, whose record started at `at`. */
  owner(owner: LeafOwner, at: number): void {
    const k = this.owners.get(owner)
    if (k === undefined) throw new Error('a leaf owner that filing did not number')
    this.int(k)
    this.ownerStarts[k] = { at, wildcard: 'type' in owner }
  }
}

/**
 * The body, after the header: the string table's lengths; each watch's id; where each watch's
 * tree starts (one more: where the trees end); where each leaf owner starts; the trees; the
 * presearcher's tables (presearcher.ts's PresearchTables); the queries that did not compile;
 * the carried stems.
 */
function encode(
  compiled: Array<{ id: string; query: CompiledQuery }>,
  errors: Array<{ watchId: string; error: QueryError }>,
  configVersion: number,
): Uint8Array {
  const queries = compiled.map((c) => c.query)
  // Filed first, with the snapshot's string ids: the tables are stored as filing made them.
  const strings = new Writer(new Map())
  // Every stemming language's tables filed ahead: a fresh isolate's first item in a language
  // then looks its stems up instead of filing them (docs/decisions.md 27).
  const { tables, owners } = fileWatches(queries, (s) => strings.id(s), STEM_LANGUAGES)
  const w = new Writer(new Map(owners.map((owner, k) => [owner, k])))
  for (const s of strings.strings) w.id(s)
  const ids = compiled.map(({ id }) => w.id(id))
  const treeStarts: number[] = []
  for (const query of queries) {
    treeStarts.push(w.ints.length)
    writeNode(w, query.root)
  }
  treeStarts.push(w.ints.length)
  if (w.ownerStarts.length !== owners.length) throw new Error('a leaf owner not written')
  const trees = w.ints
  w.ints = []
  writeTables(w, tables)
  w.int(errors.length)
  for (const { watchId, error } of errors) {
    w.str(watchId)
    w.str(error.query)
    w.str(error.message)
    w.int(error.position)
  }
  // The string table: each string's length (UTF-16 units), then all of them as one UTF-8 run.
  const lengths = w.strings.map((s) => s.length)
  // Offsets in the body are word indices from the start of the snapshot.
  const treesAt = HEADER + lengths.length + ids.length + treeStarts.length + owners.length
  const body = [
    ...lengths,
    ...ids,
    ...treeStarts.map((at) => at + treesAt),
    // Twice the start, plus one for a wildcard.
    ...w.ownerStarts.map(({ at, wildcard }) => (at + treesAt) * 2 + (wildcard ? 1 : 0)),
    ...trees,
    ...w.ints,
  ]
  const utf8 = new TextEncoder().encode(w.strings.join(''))
  const bytes = new Uint8Array((HEADER + body.length) * 4 + padded(utf8.byteLength))
  const words = new Int32Array(bytes.buffer, 0, HEADER + body.length)
  words[H_MAGIC] = MAGIC
  words[H_CODE] = SNAPSHOT_CODE_VERSION
  words[H_RULES] = rulesBits()
  words[H_CONFIG] = configVersion
  words[H_WATCHES] = compiled.length
  words[H_INTS] = body.length
  words[H_STRINGS] = w.strings.length
  words[H_UTF8] = utf8.byteLength
  words[H_OWNERS] = owners.length
  words[H_HASHES] = tableHashes()
  words.set(body, HEADER)
  bytes.set(utf8, (HEADER + body.length) * 4)
  words[H_CHECKSUM] = checksum(new Int32Array(bytes.buffer))
  return bytes
}

/** Table flags: what the options of the watches ask the presearcher for. */
const P_STEM = 1
const P_TRANSLITERATE = 2

/**
 * The presearcher's tables: flags, four lists, the gate's words and the filter of cross key
 * bases (each counted; 0: none), each table's segment, the stemmed terms (counted), then per
 * language filed ahead: its name, the stems of those terms (presearcher.ts's StemTables.codes:
 * nearly every stem is its term cut short, a length with no string of its own), its stem
 * buckets' and stem leaves' segments and its stem filter (counted).
 */
function writeTables(w: Writer, tables: PresearchTables): void {
  w.int((tables.stem ? P_STEM : 0) | (tables.transliterate ? P_TRANSLITERATE : 0))
  w.ints32(tables.always)
  w.ints32(tables.unprefixed)
  w.ints32(tables.stemOf)
  w.ints32(tables.stemLeafOf)
  w.ints32(tables.gate)
  w.ints32(tables.crossBases ?? new Int32Array(0))
  for (const segment of tables.tables) for (const v of segment) w.int(v)
  w.ints32(tables.stemTerms)
  w.int(tables.stemLanguages.length)
  for (const carried of tables.stemLanguages) {
    w.str(carried.lang)
    for (const v of carried.codes) w.int(v)
    for (const v of carried.buckets) w.int(v)
    for (const v of carried.leaves) w.int(v)
    w.ints32(carried.filter ?? new Int32Array(0))
  }
}

function writeNode(w: Writer, node: CompiledNode): void {
  switch (node.type) {
    case 'words':
      w.int(N_WORDS)
      w.str(node.fields.join(','))
      w.str(node.text)
      w.int(node.words.length)
      for (const word of node.words) writeWord(w, word)
      return
    case 'wildcard': {
      const at = w.ints.length
      w.int(N_WILDCARD)
      w.str(node.fields.join(','))
      w.str(node.text)
      w.list(node.pieces)
      w.int(node.star ? 1 : 0)
      w.str(node.keyPrefix)
      w.owner(node, at)
      return
    }
    case 'meta':
      w.int(N_META)
      w.str(node.field)
      w.str(node.value)
      w.str(node.text)
      return
    case 'and':
    case 'or':
      w.int(node.type === 'and' ? N_AND : N_OR)
      w.int(node.children.length)
      for (const child of node.children) writeNode(w, child)
      return
    case 'not':
      w.int(N_NOT)
      writeNode(w, node.child)
      return
    case 'near':
      w.int(N_NEAR)
      w.int(node.distance)
      w.int(node.ordered ? 1 : 0)
      w.str(node.fields.join(','))
      writeNode(w, node.left)
      writeNode(w, node.right)
      return
  }
}

/** A word: term, key, German spelling, flags, its owner number if it has leaves, cross forms. */
function writeWord(w: Writer, word: WordMatcher): void {
  const at = w.ints.length
  w.str(word.term)
  w.str(word.key)
  w.str(word.german?.term ?? null)
  w.int((word.stemLeaf !== null ? W_STEM : 0) | (word.cross !== null ? W_CROSS : 0))
  if (word.stemLeaf !== null || word.keyLeaf !== null) w.owner(word, at)
  if (word.cross !== null) {
    w.int(word.cross.script)
    w.list(word.cross.keys)
    w.list(word.cross.readings)
  }
}

// Reading.

/** The string table, each string cut from the decoded run when first asked for. */
class StringTable {
  private readonly cut: Array<string | undefined>

  constructor(
    private readonly all: string,
    /** Where each string starts in `all`, and (one more) where the last ends. */
    private readonly starts: Int32Array,
  ) {
    this.cut = new Array<string | undefined>(starts.length - 1).fill(undefined)
  }

  get(id: number): string {
    const s = this.cut[id]
    if (s !== undefined) return s
    if (!(id >= 0 && id < this.cut.length)) throw new RangeError(`no string ${id}`)
    return (this.cut[id] = this.all.slice(this.starts[id], this.starts[id + 1]))
  }
}

/**
 * Reads the body of a checked snapshot (see encode for its order): the string table's bounds,
 * views of the presearcher's tables (each checked), the errors and the carried stems. Watch
 * ids, query trees and leaf owners are decoded when first asked for.
 */
function decode(words: Int32Array, utf8: Uint8Array): WatchIndex {
  const count = words[H_STRINGS]!
  const watches = words[H_WATCHES]!
  const ownerCount = words[H_OWNERS]!
  const end = HEADER + words[H_INTS]!
  const all = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(utf8)
  if (!(count >= 0 && watches >= 0 && ownerCount >= 0 && HEADER + count <= end)) {
    throw new RangeError('snapshot counts do not fit its body')
  }
  const starts = new Int32Array(count + 1)
  let offset = 0
  for (let k = 0; k < count; k++) {
    starts[k] = offset
    offset += words[HEADER + k]!
  }
  starts[count] = offset
  if (offset !== all.length) throw new RangeError('string table does not cover the strings')
  const strings = new StringTable(all, starts)
  const idsAt = HEADER + count
  const treesAt = idsAt + watches
  const ownersAt = treesAt + watches + 1
  const dataAt = ownersAt + ownerCount
  if (dataAt > end) throw new RangeError('snapshot tables run past its end')
  const trees = words.subarray(treesAt, treesAt + watches + 1)
  const treesEnd = trees[watches]!
  if (!(treesEnd <= end && (watches > 0 || treesEnd === dataAt))) {
    throw new RangeError('trees run past the end')
  }
  for (let k = 0; k < watches; k++) {
    if (!(trees[k]! >= dataAt && trees[k]! < trees[k + 1]!)) {
      throw new RangeError(`tree ${k} out of range`)
    }
  }
  for (let k = 0; k < ownerCount; k++) {
    const at = words[ownersAt + k]! >>> 1
    if (!(at >= dataAt && at < treesEnd)) throw new RangeError(`owner ${k} out of range`)
  }
  const r = new Reader(words, treesEnd, end, strings, new Map(), null)
  const tables = readTables(r, watches, ownerCount, starts)
  const errors: Array<{ watchId: string; error: QueryError }> = []
  const errorCount = int(r)
  for (let k = 0; k < errorCount; k++) {
    const watchId = str(r)
    const query = str(r)
    const message = str(r)
    const position = int(r)
    const suffix = ` at ${position}`
    const reason = message.endsWith(suffix) ? message.slice(0, -suffix.length) : message
    errors.push({ watchId, error: new QueryError(reason, position, query) })
  }
  if (r.at !== r.end) throw new RangeError(`snapshot body ends at ${r.at}, not ${r.end}`)

  // Leaf owners, decoded when the presearcher or a tree first asks for one.
  const owners: Array<LeafOwner | undefined> = new Array<LeafOwner | undefined>(ownerCount)
  const owner = (k: number): LeafOwner => {
    const found = owners[k]
    if (found !== undefined) return found
    if (!(k >= 0 && k < ownerCount)) throw new RangeError(`no leaf owner ${k}`)
    const start = words[ownersAt + k]!
    const reader = new Reader(words, start >>> 1, treesEnd, strings, r.fields, null)
    let decoded: LeafOwner
    if ((start & 1) === 1) {
      const node = readNode(reader)
      if (node.type !== 'wildcard') throw new RangeError(`leaf owner ${k} is not a wildcard`)
      decoded = node
    } else {
      decoded = readWord(reader)
    }
    return (owners[k] = decoded)
  }
  const presearcher = buildPresearcher({ tables, strings, owner, owners: ownerCount })
  const index = indexFromSnapshot(
    watches,
    {
      id: (watch) => strings.get(words[idsAt + watch]!),
      root: (watch) => {
        const tree = new Reader(words, trees[watch]!, trees[watch + 1]!, strings, r.fields, owner)
        try {
          const root = readNode(tree)
          if (tree.at !== tree.end) throw new RangeError(`tree ${watch} ends early`)
          return root
        } catch (cause) {
          throw new SnapshotError(`snapshot tree ${watch} does not decode`, 'corrupt', { cause })
        }
      },
    },
    presearcher,
    errors,
  )
  let terms: string[] | undefined
  const termsOf = () => (terms ??= Array.from(tables.stemTerms, (id) => strings.get(id)))
  const stems = new Map(tables.stemLanguages.map((carried) => [carried.lang, carried.codes]))
  carryStems({
    // Strings only when a language's first item comes (stem.ts).
    get terms() {
      return termsOf()
    },
    stems: (lang) => {
      const codes = stems.get(lang)
      const all = termsOf()
      return (
        codes &&
        Array.from(codes, (code, i) =>
          code >= 0 ? all[i]!.slice(0, code) : strings.get(-code - 1),
        )
      )
    },
  })
  return index
}

/** The presearcher's tables (writeTables), as views of the snapshot's words, each checked. */
function readTables(
  r: Reader,
  watches: number,
  owners: number,
  /** Where each string starts in the decoded run (one more: where the last ends). */
  stringStarts: Int32Array,
): PresearchTables {
  const strings = stringStarts.length - 1
  const flags = int(r)
  const leaves = owners * 2
  /** A counted list whose value k must be below limit(k). */
  const ints = (limit: (k: number) => number): Int32Array => {
    const n = int(r)
    if (!(n >= 0 && r.at + n <= r.end)) throw new RangeError(`a list of ${n} runs past the end`)
    const view = r.words.subarray(r.at, r.at + n)
    r.at += n
    for (let k = 0; k < n; k++) {
      if (!(view[k]! >= 0 && view[k]! < limit(k))) throw new RangeError(`list value out of range`)
    }
    return view
  }
  const always = ints(() => watches)
  const unprefixed = ints(() => leaves)
  // Pairs of a string id and a watch (a leaf).
  const stemOf = ints((k) => (k % 2 === 0 ? strings : watches))
  const stemLeafOf = ints((k) => (k % 2 === 0 ? strings : leaves))
  /** A counted run of filter words (any values): their own constructors check them. */
  const filterWords = (): Int32Array => {
    const n = int(r)
    if (!(n >= 0 && r.at + n <= r.end)) throw new RangeError(`filter of ${n} runs past the end`)
    const view = r.words.subarray(r.at, r.at + n)
    r.at += n
    return view
  }
  // Read by FirstSightGate's and PrefixFilter's constructors when the presearcher is built.
  const gate = filterWords()
  const crossBases = filterWords()
  /** The next table segment, checked: keyed by term or not, ids below `ids`, values below `bound`. */
  const segment = (name: string, byTerm: boolean, ids: number, bound: number): Int32Array => {
    const length = tableLength(r.words, r.at)
    if (r.at + length > r.end) throw new RangeError(`table ${name} runs past the end`)
    const view = r.words.subarray(r.at, r.at + length)
    r.at += length
    if (tableByTerm(view) !== byTerm || !tableIsSound(view, ids, bound)) {
      throw new RangeError(`table ${name} is not sound`)
    }
    return view
  }
  const segments = TABLES.map((name, k) =>
    segment(name, k < TERM_TABLES, strings, name.endsWith('Leaves') ? leaves : watches),
  )
  const stemTerms = ints(() => strings)
  const terms = stemTerms.length
  const languages = int(r)
  const stemLanguages: StemTables[] = []
  for (let k = 0; k < languages; k++) {
    const lang = str(r)
    if (!hasStemmer(lang) || stemLanguages.some((c) => c.lang === lang)) {
      throw new RangeError(`stems of ${lang} are not ours`)
    }
    const codes = r.words.subarray(r.at, r.at + terms)
    r.at += terms
    if (r.at > r.end) throw new RangeError(`stems of ${lang} run past the end`)
    for (let i = 0; i < terms; i++) {
      const code = codes[i]!
      const term = stemTerms[i]!
      const length = stringStarts[term + 1]! - stringStarts[term]!
      if (!(code >= 0 ? code <= length : -code - 1 < strings)) {
        throw new RangeError(`stem ${i} of ${lang} out of range`)
      }
    }
    const buckets = segment(`stems of ${lang}`, true, terms, watches)
    const leafTable = segment(`stem leaves of ${lang}`, true, terms, leaves)
    const filter = filterWords()
    stemLanguages.push({
      lang,
      codes,
      buckets,
      leaves: leafTable,
      filter: filter.length > 0 ? filter : null,
    })
  }
  return {
    size: watches,
    stem: (flags & P_STEM) !== 0,
    transliterate: (flags & P_TRANSLITERATE) !== 0,
    always,
    unprefixed,
    stemOf,
    stemLeafOf,
    gate,
    crossBases: crossBases.length > 0 ? crossBases : null,
    tables: segments,
    stemTerms,
    stemLanguages,
  }
}

/** A place in a snapshot's words, read from `at` up to `end` (a class: one shape for all). */
class Reader {
  constructor(
    readonly words: Int32Array,
    public at: number,
    readonly end: number,
    readonly strings: StringTable,
    /** Field lists by their string id, shared by every node that names the same fields. */
    readonly fields: Map<number, TextField[]>,
    /** The leaf owner of a number, for a tree's words and wildcards (null: decoding an owner). */
    readonly owner: ((k: number) => LeafOwner) | null,
  ) {}
}

function int(r: Reader): number {
  if (r.at >= r.end) throw new RangeError(`snapshot body read past its end at ${r.at}`)
  return r.words[r.at++]!
}

function str(r: Reader): string {
  return r.strings.get(int(r))
}

function strOrNull(r: Reader): string | null {
  return r.words[r.at] === NONE ? (r.at++, null) : str(r)
}

function list(r: Reader): string[] {
  const n = int(r)
  const out: string[] = []
  for (let k = 0; k < n; k++) out.push(str(r))
  return out
}

/** The leaf owner numbered by the next int, or null while decoding an owner itself. */
function owner(r: Reader): LeafOwner | null {
  const k = int(r)
  return r.owner === null ? null : r.owner(k)
}

function fields(r: Reader): TextField[] {
  const id = int(r)
  let found = r.fields.get(id)
  if (found === undefined) {
    const joined = r.strings.get(id)
    found = joined === '' ? [] : (joined.split(',') as TextField[])
    r.fields.set(id, found)
  }
  return found
}

function readNode(r: Reader): CompiledNode {
  const code = int(r)
  switch (code) {
    case N_WORDS: {
      const f = fields(r)
      const text = str(r)
      const n = int(r)
      const matchers: WordMatcher[] = []
      for (let k = 0; k < n; k++) matchers.push(readWord(r))
      return { type: 'words', fields: f, words: matchers, text }
    }
    case N_WILDCARD: {
      const start = r.at - 1
      const f = fields(r)
      const text = str(r)
      const pieces = list(r)
      const star = int(r) === 1
      const keyPrefix = strOrNull(r)
      const filed = owner(r)
      if (filed !== null) {
        if (!('type' in filed)) throw new RangeError(`a word filed for the wildcard at ${start}`)
        return filed
      }
      const keyLeaf = keyPrefix !== null ? newLeaf() : null
      return wildcardNode(f, pieces, star, text, keyPrefix, newLeaf(), keyLeaf)
    }
    case N_META: {
      const field = str(r) as MetaField
      const value = str(r)
      return { type: 'meta', field, value, text: str(r) }
    }
    case N_AND:
    case N_OR: {
      const n = int(r)
      const children: CompiledNode[] = []
      for (let k = 0; k < n; k++) children.push(readNode(r))
      return { type: code === N_AND ? 'and' : 'or', children }
    }
    case N_NOT:
      return { type: 'not', child: readNode(r) }
    case N_NEAR: {
      const distance = int(r)
      const ordered = int(r) === 1
      const f = fields(r)
      const left = readNode(r)
      const right = readNode(r)
      return { type: 'near', left, right, distance, ordered, fields: f }
    }
    default:
      throw new RangeError(`unknown node code ${code} at ${r.at - 1}`)
  }
}

function readWord(r: Reader): WordMatcher {
  const start = r.at
  const term = str(r)
  const key = strOrNull(r)
  const german = strOrNull(r)
  const flags = int(r)
  const stem = (flags & W_STEM) !== 0
  const filed = stem || key !== null ? owner(r) : null
  if (filed !== null) {
    // Decoded already: its cross forms are skipped, not read again.
    if ((flags & W_CROSS) !== 0) {
      r.at++
      const keys = int(r)
      r.at += keys
      const readings = int(r)
      r.at += readings
    }
    if ('type' in filed) throw new RangeError(`a wildcard filed for the word at ${start}`)
    return filed
  }
  let cross: CrossForms | null = null
  if ((flags & W_CROSS) !== 0) {
    const script = int(r)
    const keys = list(r)
    cross = { keys, script, readings: list(r) }
  }
  const keyLeaf = key !== null ? newLeaf() : null
  return wordMatcher(term, key, cross, german, stem ? newLeaf() : null, keyLeaf)
}
