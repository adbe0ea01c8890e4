// The many-watch index: each watch is filed under the presearch keys compile.ts extracted (terms
// any matching item must contain; for an OR, each branch's terms; for a wildcard, a bucket of its
// literal prefix, cut to 10 characters); watches with no such key (pure negations) sit in an
// always-evaluated bucket. An item's distinct terms then select the candidate watches, and only those are
// evaluated, so matching cost follows the item's vocabulary, not the number of watches.
// It also binds each item to the index's leaves (compile.ts): the query words and wildcards that
// match item words other than by equal terms (stems, transliteration keys, patterns) are filed
// too, and each item word, as it is looked at, joins the leaves it matches, so evaluation reads
// a leaf's words instead of searching the item.
// What is filed lives in typed tables (fileWatches, PresearchTables: open-addressed slots over
// string ids, lists of watch and leaf numbers), read in place, so that a snapshot stores them as
// they are and a fresh isolate loads them as views (snapshot.ts, docs/decisions.md 25).
// Not responsible for what a match means (evaluate.ts): a candidate that does not match is fine,
// a matching watch that is not a candidate is a bug (the property test hunts for those).
// Reference: Lucene Monitor (TermFilteredPresearcher, QueryIndex).

import {
  PREFIX_BUCKET_LENGTH,
  presearchKeys,
  type CompiledNode,
  type CompiledQuery,
  type PresearchKey,
  type WordMatcher,
} from './compile'
import type { PreparedItem } from './item'
import { STEM_LANGUAGES, computeStem, hasStemmer, stemEndings, stemWord } from './stem'
import { PrefixFilter, prefixFilters } from './prefix-filter'
import {
  FirstSightGate,
  STEM_MEMO_MAY,
  TERM_MEMO_MAY,
  type GateSources,
  type SizedPattern,
} from './first-sight-gate'
import { scratchFor } from './buffers'
import { termHash } from './tokenize'
import { readerRules } from './reader-rules'
import {
  SCRIPT_CYRILLIC,
  SCRIPT_LATIN,
  SCRIPT_OTHER,
  computeTransliterationKey,
  crossKey,
  crossKeyBaseLength,
  crossLetters,
  crossStemLanguage,
  readingKeyOrNull,
  scriptOf,
} from './transliterate'
import {
  MEMO_JOINS,
  MEMO_SELECTS,
  ROW,
  STEM_MEMO,
  TERM_MEMO,
  lexicon,
  type Leaf,
  type Word,
} from './word'

export interface Presearcher {
  /**
   * Binds `item` to the index's leaves (an item must be bound before any of the index's
   * queries is evaluated against it, and matched before the next item is prepared) and
   * returns the indices (into the compiled watch list) of the watches worth evaluating,
   * ascending.
   */
  bind(item: PreparedItem): Int32Array
}

/** A wildcard's leaf as filed: the words it takes start with `prefix` and pass `test`. */
interface PatternLeaf {
  leaf: Leaf
  prefix: string
  test: ((term: string) => boolean) | null
}

/**
 * Keys live in separate tables per kind (term, stem per language, transliteration key, prefix,
 * metadata) so the item side looks up its own term strings, whose hashes are known already,
 * instead of building a prefixed string per lookup.
 */
interface Buckets {
  terms: TermBuckets<number>
  /** Stem buckets per language, filed on first use from stemOf (see stemBuckets). */
  stems: Map<string, TermBuckets<number>>
  /** `stemOf` keys: pairs of the term's string id and the watch, in watch order. */
  stemOf: Int32Array
  keys: TermBuckets<number>
  /** Wildcards by their (cut) literal prefix; hash collisions only add candidates. */
  prefixes: PrefixBuckets<number>
  /** `?` patterns without `*`, by prefix, suffix and term length together (sizedHash). */
  sized: SizedBuckets<number>
  keyPrefixes: PrefixBuckets<number>
  /** `site:`, `lang:` and `feed:` values, as `field:value`. */
  meta: TermBuckets<number>
  /**
   * Leaves of stemmed query words: pairs of the term's string id and the leaf's number, filed
   * per language on first use (stemLeaves).
   */
  stemLeafOf: Int32Array
  stemLeaves: Map<string, TermBuckets<Leaf>>
  /** Per language, what an item word must start with to have a stem filed here (stemFilter). */
  stemFilters: Map<string, PrefixFilter | null>
  /** Leaves of transliterated query words, by key. */
  keyLeaves: TermBuckets<Leaf>
  /**
   * Across scripts (compile.ts's crossKey): the watches and leaves of Latin (Cyrillic) query
   * words by the key of their stem, which Cyrillic (Latin) item words look up by theirs.
   */
  crossFromLatin: CrossBuckets
  crossFromCyrillic: CrossBuckets
  /** `*` wildcard leaves by their literal prefix (cut), and those without a prefix. */
  patternLeaves: PrefixBuckets<PatternLeaf>
  /** `?` wildcard leaves (no `*`) by prefix, suffix and length, as `sized`. */
  sizedLeaves: SizedBuckets<PatternLeaf>
  unprefixedLeaves: PatternLeaf[]
  /** Transliterated wildcards' leaves by their key prefix (cut). */
  keyPatternLeaves: PrefixBuckets<PatternLeaf>
  /** The strings the tables' string ids stand for. */
  strings: Strings
  /** The leaf numbered `id` (leafOf). */
  leafAt: (id: number) => Leaf
}

interface CrossBuckets {
  watches: TermBuckets<number>
  leaves: TermBuckets<Leaf>
  /** What the key of a word of the other script must start with to have its cross key filed. */
  bases: PrefixFilter | null
}

/** The stem memo's language number for an item whose language has no stemmer. */
const NO_STEM_LANGUAGE = 15

/** A wildcard of a query tree. */
export type WildcardNode = Extract<CompiledNode, { type: 'wildcard' }>

/**
 * A query word with leaves (the stem option, a transliteration key) or a wildcard: what the
 * presearcher files leaves of. Numbered in the order filing meets them in the watches' trees;
 * the leaves of owner k are numbered 2k (a word's stem leaf, a wildcard's own) and 2k + 1 (the
 * key leaf).
 */
export type LeafOwner = WordMatcher | WildcardNode

/** Strings by the ids the tables hold (a snapshot's string table, or filing's own). */
export interface Strings {
  get(id: number): string
}

/**
 * The presearcher's tables in the form its lookups read: typed arrays only, with strings as
 * ids, so that a snapshot stores them as they are and loading one is a view per table
 * (snapshot.ts). Filed by fileWatches; read by buildPresearcher.
 */
export interface PresearchTables {
  /** Watches, and whether some has the stem option (the transliterate option). */
  size: number
  stem: boolean
  transliterate: boolean
  /** Watches with no presearch key: evaluated for every item. */
  always: Int32Array
  /** `*` wildcard leaves without a literal prefix, by their number. */
  unprefixed: Int32Array
  /** Buckets.stemOf and Buckets.stemLeafOf. */
  stemOf: Int32Array
  stemLeafOf: Int32Array
  /**
   * The first-sight gate (first-sight-gate.ts), built when filing, as its words; and the filter
   * of the bases of Latin query words' cross keys (PrefixFilter's words, crossBases), which the
   * gate and memoStem read, or null when no Latin query word has one.
   */
  gate: Int32Array
  crossBases: Int32Array | null
  /** One segment per table (TableBuilder.segment's layout), in TABLES order. */
  tables: Int32Array[]
  /** The string ids of the stemmed query words (stemOf's and stemLeafOf's), once each. */
  stemTerms: Int32Array
  /**
   * Per language filed already (a snapshot files every language with a stemmer; compiling
   * none, each is filed when its first item comes): what stemBuckets, stemLeaves and stemFilter
   * would file then.
   */
  stemLanguages: StemTables[]
}

/** A language's stem tables, filed ahead (fileStems). */
export interface StemTables {
  lang: string
  /**
   * The stem of each of stemTerms: its length when it is the term cut short (nearly every
   * stem), else -(string id + 1). The tables' term ids are numbers into stemTerms.
   */
  codes: Int32Array
  /** The stem buckets' and stem leaves' segments (TableBuilder.segment, keyed by term). */
  buckets: Int32Array
  leaves: Int32Array
  /** stemFilter's words (PrefixFilter), or null when the language's stemmer has no endings. */
  filter: Int32Array | null
}

/** The tables of a PresearchTables, in the order its `tables` holds them. */
export const TABLES = [
  'terms',
  'keys',
  'meta',
  'crossLatinWatches',
  'crossCyrillicWatches',
  'keyLeaves',
  'crossLatinLeaves',
  'crossCyrillicLeaves',
  'prefixes',
  'keyPrefixes',
  'patternLeaves',
  'keyPatternLeaves',
  'sized',
  'sizedLeaves',
] as const
/** The first TERM_TABLES tables are keyed by term, the others by a hash of prefixes. */
export const TERM_TABLES = 8

/** What buildPresearcher reads: compiled queries, or tables filed already with their owners. */
export interface FiledIndex {
  tables: PresearchTables
  strings: Strings
  /** The leaf owner numbered `k` (a loaded snapshot decodes it when first asked for). */
  owner: (k: number) => LeafOwner
  /** How many leaf owners there are (k < owners). */
  owners: number
}

/**
 * Files the watches of `source`: compiled queries (in watch order), whose trees are walked for
 * their keys and leaves (fileWatches), or tables filed already, as a snapshot carries them,
 * whose trees need not be built.
 */
export function buildPresearcher(source: CompiledQuery[] | FiledIndex): Presearcher {
  let filed: FiledIndex
  let sources: GateSources | undefined
  if (Array.isArray(source)) {
    const strings: string[] = []
    const ids = new Map<string, number>()
    const intern = (s: string) => {
      let id = ids.get(s)
      if (id === undefined) ids.set(s, (id = strings.push(s) - 1))
      return id
    }
    const filing = fileWatches(source, intern)
    const { tables, owners } = filing
    sources = filing.sources
    filed = {
      tables,
      strings: { get: (id) => strings[id]! },
      owner: (k) => owners[k]!,
      owners: owners.length,
    }
  } else {
    filed = source
  }
  const { tables, strings } = filed
  const leafAt = leafNumbering(filed.owner, filed.owners)
  const patternAt = patternNumbering(filed.owner, filed.owners)
  const table = (name: (typeof TABLES)[number]) => tables.tables[TABLES.indexOf(name)]!
  const watchesBy = (name: (typeof TABLES)[number]) =>
    new TermBuckets<number>(table(name), strings, watchAt)
  const leavesBy = (name: (typeof TABLES)[number]) =>
    new TermBuckets<Leaf>(table(name), strings, leafAt)
  const bases = tables.crossBases !== null ? new PrefixFilter(tables.crossBases) : null
  const b: Buckets = {
    crossFromLatin: {
      watches: watchesBy('crossLatinWatches'),
      leaves: leavesBy('crossLatinLeaves'),
      bases,
    },
    crossFromCyrillic: {
      watches: watchesBy('crossCyrillicWatches'),
      leaves: leavesBy('crossCyrillicLeaves'),
      bases: null,
    },
    terms: watchesBy('terms'),
    stems: new Map(),
    stemOf: tables.stemOf,
    keys: watchesBy('keys'),
    prefixes: new PrefixBuckets(table('prefixes'), watchAt),
    sized: new SizedBuckets(table('sized'), watchAt),
    keyPrefixes: new PrefixBuckets(table('keyPrefixes'), watchAt),
    meta: watchesBy('meta'),
    stemLeafOf: tables.stemLeafOf,
    stemLeaves: new Map(),
    stemFilters: new Map(),
    keyLeaves: leavesBy('keyLeaves'),
    patternLeaves: new PrefixBuckets(table('patternLeaves'), patternAt),
    sizedLeaves: new SizedBuckets(table('sizedLeaves'), patternAt),
    unprefixedLeaves: Array.from(tables.unprefixed, patternAt),
    keyPatternLeaves: new PrefixBuckets(table('keyPatternLeaves'), patternAt),
    strings,
    leafAt,
  }
  for (const carried of tables.stemLanguages) {
    const stems = stemStrings(tables.stemTerms, carried.codes, strings)
    b.stems.set(carried.lang, new TermBuckets(carried.buckets, stems, watchAt))
    b.stemLeaves.set(carried.lang, new TermBuckets(carried.leaves, stems, leafAt))
    b.stemFilters.set(carried.lang, carried.filter && new PrefixFilter(carried.filter))
  }
  // Filed with the tables: a word's first sight needs it from the first item on.
  const gate = new FirstSightGate(tables.gate, bases)
  const always = Array.from(tables.always)
  const needsStem = tables.stem
  const needsKeys = tables.transliterate
  const seen = new Uint8Array(tables.size)
  // What one word selects never changes for this index: memoised on the Word (word.ts), since
  // news vocabulary repeats from item to item, with the index's number in the word's row to
  // say for which index the memo holds. Words hold that number and the leaves they join, not
  // the index, so a replaced index's maps are not kept alive by them.
  const self = {} as Presearcher
  const id = nextPresearcherId()

  /** Memoises on `word` the watches it selects through its term, prefixes and transliteration key. */
  const memoTerm = (word: Word): number => {
    const term = word.term
    found.length = 0
    push(found, b.terms.get(term, word.hash))
    // A word's prefix hashes serve the wildcard buckets and leaves alike: computed once.
    const n = prefixHashes(term, termPrefixes)
    b.prefixes.collect(termPrefixes, n, found)
    b.sized.collect(term, n, found)
    let keyN = 0
    if (needsKeys) {
      const key = word.translit()
      push(found, b.keys.get(key))
      if (key !== term) push(found, b.terms.get(key))
      keyN = prefixHashes(key, keyPrefixes)
      b.keyPrefixes.collect(keyPrefixes, keyN, found)
    }
    word.selected = joined(found)
    word.leaves = termLeaves(b, word, n, needsKeys ? keyN : -1)
    const memo = id * 4 + memoFlags(word.selected, word.leaves)
    lexicon.rows[word.id * ROW + TERM_MEMO] = memo
    return memo
  }

  /**
   * Memoises on `word` the watches it selects, and the leaves it joins, through its stem in
   * `lang` (the item's language with a stemmer, if stemming watches exist) and, if
   * transliterating watches exist, through the key of its stem across scripts.
   */
  const memoStem = (word: Word, lang: string | undefined, key: number): number => {
    const term = word.term
    let selected: readonly number[] = NO_WATCHES
    let leaves: readonly Leaf[] = NO_LEAVES
    // The stemmer runs only for a word that may have a stem filed here (most words of an item
    // cannot): skipping it finds nothing less.
    const filtered = prefixFilters.on
    if (
      needsStem &&
      lang !== undefined &&
      (!filtered || stemFilter(b, lang)?.mayStart(term) !== false)
    ) {
      const stem = word.stem(lang)
      const viaStem = stemBuckets(b, lang).get(stem)
      const viaTerm = stem !== term ? b.terms.get(stem) : undefined
      selected = viaStem && viaTerm ? viaStem.concat(viaTerm) : (viaStem ?? viaTerm ?? NO_WATCHES)
      leaves = stemLeaves(b, lang).get(stem) ?? NO_LEAVES
    }
    const script = needsKeys ? scriptOf(term) : SCRIPT_OTHER
    // A Latin word of a French or German item, read as those languages write Russian names.
    let reading: string | undefined
    if (script === SCRIPT_LATIN && lang !== undefined && readerRules.readings) {
      reading = readingKeyOrNull(term, lang) ?? undefined
      if (reading === word.translit()) reading = undefined
    }
    if (reading !== undefined) {
      const h = termHash(reading)
      const watches = concat(b.keys.get(reading, h), b.terms.get(reading, h))
      if (watches) selected = selected.length === 0 ? watches : selected.concat(watches)
      const joins = b.keyLeaves.get(reading, h)
      if (joins) leaves = leaves.length === 0 ? joins : leaves.concat(joins)
    }
    const other = script === SCRIPT_CYRILLIC ? b.crossFromLatin : b.crossFromCyrillic
    // A Cyrillic word is stemmed for its cross key only if its key may lead to one filed.
    if (
      script !== SCRIPT_OTHER &&
      other.watches.size + other.leaves.size > 0 &&
      (script !== SCRIPT_CYRILLIC ||
        !filtered ||
        crossBases(other).mayStart(crossLetters(word.translit())))
    ) {
      const crossLang = crossStemLanguage(term, script, lang)
      const own = reading ?? word.translit()
      const cross = crossKey(
        crossLang !== undefined ? computeTransliterationKey(word.stem(crossLang)) : own,
      )
      // A Cyrillic word is also compared by its own key (transliterate.ts's queryCrossKeys).
      const second = crossLang !== undefined ? crossKey(own) : cross
      for (const k of second === cross ? [cross] : [cross, second]) {
        const h = termHash(k)
        if (!other.watches.mayHold(h) && !other.leaves.mayHold(h)) continue
        const watches = other.watches.get(k, h)
        if (watches) selected = selected.length === 0 ? watches : selected.concat(watches)
        const joins = other.leaves.get(k, h)
        if (joins) {
          // A leaf filed under both keys is joined once.
          const fresh = leaves.length === 0 ? joins : joins.filter((l) => !leaves.includes(l))
          if (fresh.length > 0) leaves = leaves.length === 0 ? fresh : leaves.concat(fresh)
        }
      }
    }
    word.stemSelected = selected
    word.stemLeaves = leaves
    const memo = key * 4 + memoFlags(word.stemSelected, word.stemLeaves)
    lexicon.rows[word.id * ROW + STEM_MEMO] = memo
    return memo
  }

  self.bind = (item) => {
    const out: number[] = []
    const add = (list: readonly number[]) => {
      for (let j = 0; j < list.length; j++) {
        const i = list[j]!
        if (seen[i] === 0) {
          seen[i] = 1
          out.push(i)
        }
      }
    }
    const lang = needsStem || needsKeys ? item.stemLang : undefined
    // The stem memo's key: this index and the language (fewer than 16 have a stemmer); 0 when
    // no word needs one.
    const stemming = (needsStem && lang !== undefined) || needsKeys
    const stemKey = stemming
      ? id * 16 + (lang !== undefined ? STEM_LANGUAGES.indexOf(lang) : NO_STEM_LANGUAGE)
      : 0
    const stamp = item.stamp
    const rows = lexicon.rows
    const ids = item.words
    // A word this index has not memoised yet goes through the gate first, which reads its units
    // in the lexicon: most reach nothing, and get an empty memo without a Word or a lookup.
    const g = gate
    const stems =
      needsStem && lang !== undefined && prefixFilters.on ? stemFilter(b, lang) : undefined
    // Most words select nothing and join no leaf: their row says so, and their Word is not read.
    // The others are listed first and their memos touched in a loop of its own, so that the CPU
    // overlaps those cache misses (see Lexicon.findAll).
    busy = scratchFor(busy, ids.length * 2)
    let n = 0
    for (let k = 0; k < ids.length; k++) {
      const w = ids[k]!
      const r = w * ROW
      let memo = rows[r + TERM_MEMO]!
      let stemMemo = stemming ? rows[r + STEM_MEMO]! : 0
      const ask =
        (memo >>> 2 !== id ? TERM_MEMO_MAY : 0) |
        (stemming && stemMemo >>> 2 !== stemKey ? STEM_MEMO_MAY : 0)
      if (ask !== 0) {
        const units = lexicon.unitsOf(w)
        const may = g.check(units, lexicon.unitsStart, lexicon.lengthOf(w), ask, lang, stems)
        if ((ask & TERM_MEMO_MAY) !== 0) {
          if ((may & TERM_MEMO_MAY) !== 0) memo = memoTerm(lexicon.word(w))
          else rows[r + TERM_MEMO] = memo = id * 4
        }
        if ((ask & STEM_MEMO_MAY) !== 0) {
          if ((may & STEM_MEMO_MAY) !== 0) stemMemo = memoStem(lexicon.word(w), lang, stemKey)
          else rows[r + STEM_MEMO] = stemMemo = stemKey * 4
        }
      }
      if (((memo | stemMemo) & (MEMO_SELECTS | MEMO_JOINS)) !== 0) {
        busy[n++] = ids[k]!
        busy[n++] = (memo & 3) | ((stemMemo & 3) << 2)
      }
    }
    let touched = 0
    for (let k = 0; k < n; k += 2) {
      const word = lexicon.word(busy[k]!)
      touched ^= word.selected.length ^ word.stemSelected.length
    }
    touches = touched
    for (let k = 0; k < n; k += 2) {
      const word = lexicon.word(busy[k]!)
      const flags = busy[k + 1]!
      if ((flags & MEMO_SELECTS) !== 0) add(word.selected)
      if ((flags & MEMO_JOINS) !== 0) join(word.leaves, busy[k]!, stamp)
      if (((flags >> 2) & MEMO_SELECTS) !== 0) add(word.stemSelected)
      if (((flags >> 2) & MEMO_JOINS) !== 0) join(word.stemLeaves, busy[k]!, stamp)
    }
    if (b.meta.size > 0) {
      const addMeta = (list: number[] | undefined) => list && add(list)
      for (const lang of item.langs) addMeta(b.meta.get(`lang:${lang}`))
      addMeta(b.meta.get(`feed:${item.feedId}`))
      for (const tag of item.feedTags) addMeta(b.meta.get(`feed:${tag}`))
      let host = item.host
      while (host !== '') {
        addMeta(b.meta.get(`site:${host}`))
        const dot = host.indexOf('.')
        host = dot < 0 ? '' : host.slice(dot + 1)
      }
    }
    add(always)
    for (const i of out) seen[i] = 0
    // A typed array sorts numbers natively, without a comparator call per comparison.
    return new Int32Array(out).sort()
  }
  parts.set(self, {
    sources,
    gate,
    stemFilter: (lang) => (needsStem ? stemFilter(b, lang) : undefined),
  })
  return self
}

/**
 * For tests: what the first-sight gate (first-sight-gate.ts) of a compiled presearcher was
 * built from (a gate missing one string must lose a word), the gate a presearcher reads
 * (a loaded one must answer as a compiled one) and its stem filter in a language.
 */
export function firstSightSources(presearcher: Presearcher): GateSources | undefined {
  return parts.get(presearcher)?.sources
}

export function firstSightParts(presearcher: Presearcher): FirstSightParts | undefined {
  return parts.get(presearcher)
}

interface FirstSightParts {
  sources: GateSources | undefined
  gate: FirstSightGate
  stemFilter(lang: string): PrefixFilter | null | undefined
}

const parts = new WeakMap<Presearcher, FirstSightParts>()

/**
 * The stems of `terms` in a language (StemTables.codes), by their number, each cut once (in a
 * list sized ahead, as byLeafNumber says why).
 */
function stemStrings(terms: Int32Array, codes: Int32Array, strings: Strings): Strings {
  const cut = new Array<string | undefined>(terms.length).fill(undefined)
  return {
    get(i) {
      let stem = cut[i]
      if (stem === undefined) {
        const code = codes[i]!
        stem = code >= 0 ? strings.get(terms[i]!).slice(0, code) : strings.get(-code - 1)
        cut[i] = stem
      }
      return stem
    },
  }
}

/** Scratch: the lists of watches (or leaves) found for one word, before they are joined. */
const found: Array<readonly number[]> = []
const foundLeaves: Array<readonly PatternLeaf[]> = []

function push<T>(into: Array<readonly T[]>, list: readonly T[] | undefined): void {
  if (list !== undefined) into.push(list)
}

/** The lists found, as one: a shared empty list, the one list itself, or their concatenation. */
function joined(lists: Array<readonly number[]>): readonly number[] {
  if (lists.length === 0) return NO_WATCHES
  if (lists.length === 1) return lists[0]!
  const out: number[] = []
  for (const list of lists) for (let j = 0; j < list.length; j++) out.push(list[j]!)
  return out
}

/** Both lists, or the one that exists, or undefined. */
function concat(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  return a && b ? a.concat(b) : (a ?? b)
}

function memoFlags(selected: readonly number[], leaves: readonly Leaf[]): number {
  return (selected.length !== 0 ? MEMO_SELECTS : 0) | (leaves.length !== 0 ? MEMO_JOINS : 0)
}

/**
 * Presearchers built in this isolate, numbered for the memos in the lexicon's rows, where the
 * number times 16 (a language), times 4 (flags) must stay below 2^31: past that, the memos are
 * forgotten and the numbering starts again.
 */
let presearchers = 0
const MAX_PRESEARCHERS = 1 << 25

function nextPresearcherId(): number {
  if (++presearchers === MAX_PRESEARCHERS) {
    presearchers = 1
    const rows = lexicon.rows
    for (let r = 0; r < rows.length; r += ROW) rows[r + TERM_MEMO] = rows[r + STEM_MEMO] = 0
  }
  return presearchers
}

/** bind's words with a memo that is not empty, each followed by its memo flags. */
let busy: Int32Array = new Int32Array(1024)
/** What bind read to bring memos into the cache (kept, so the reads are made). */
let touches = 0

const NO_WATCHES: number[] = []
const NO_LEAVES: Leaf[] = []

/** Adds the word `id` to each of `leaves` for the item numbered `stamp`. */
function join(leaves: readonly Leaf[], id: number, stamp: number): void {
  for (let k = 0; k < leaves.length; k++) {
    const leaf = leaves[k]!
    if (leaf.stamp !== stamp) {
      leaf.stamp = stamp
      leaf.ids = [id]
    } else if (leaf.ids[leaf.ids.length - 1] !== id) {
      leaf.ids.push(id)
    }
  }
}

/**
 * The leaves `word` joins through its term and transliteration key (not its stem), given the
 * prefix hashes of both (prefixHashes into termPrefixes and keyPrefixes; keyN -1 without keys).
 */
function termLeaves(b: Buckets, word: Word, n: number, keyN: number): readonly Leaf[] {
  const term = word.term
  foundLeaves.length = 0
  b.patternLeaves.collect(termPrefixes, n, foundLeaves)
  b.sizedLeaves.collect(term, n, foundLeaves)
  push(foundLeaves, b.unprefixedLeaves)
  let out = taken(foundLeaves, term, undefined)
  if (keyN >= 0) {
    const key = word.translit()
    const byKey = b.keyLeaves.get(key)
    if (byKey) out = out ? out.concat(byKey) : byKey.slice()
    foundLeaves.length = 0
    b.keyPatternLeaves.collect(keyPrefixes, keyN, foundLeaves)
    out = taken(foundLeaves, key, out)
  }
  return out ?? NO_LEAVES
}

/** Adds to `out` the leaves of `lists` whose pattern `term` fits; the result (undefined: none). */
function taken(
  lists: Array<readonly PatternLeaf[]>,
  term: string,
  out: Leaf[] | undefined,
): Leaf[] | undefined {
  for (const entries of lists) {
    for (const { leaf, prefix, test } of entries) {
      if (!term.startsWith(prefix) || (test && !test(term))) continue
      if (out) out.push(leaf)
      else out = [leaf]
    }
  }
  return out
}

/**
 * What an item word of `lang` must start with for its stem to be one filed here: each filed
 * stem less an ending of stem.ts's STEM_ENDINGS that it ends with; null when `lang`'s stemmer
 * has no such list. Filed with the stem buckets (fileStems).
 */
function stemFilter(b: Buckets, lang: string): PrefixFilter | null {
  fileStems(b, lang)
  return b.stemFilters.get(lang) ?? null
}

/**
 * What the transliteration key of a word of the other script must start with for its cross
 * key to be one filed in `cross` (transliterate.ts's crossKeyBaseLength).
 */
function crossBases(cross: CrossBuckets): PrefixFilter {
  if (cross.bases) return cross.bases
  return (cross.bases = crossBaseFilter([...cross.watches.terms(), ...cross.leaves.terms()]))
}

/** A filter of the bases of `keys` (cross keys: crossBases). */
function crossBaseFilter(keys: readonly string[]): PrefixFilter {
  const bases = new PrefixFilter(keys.length)
  for (const key of keys) bases.file(key, crossKeyBaseLength(key))
  return bases
}

/** The stem leaves of `lang` by stem (fileStems). */
function stemLeaves(b: Buckets, lang: string): TermBuckets<Leaf> {
  fileStems(b, lang)
  return b.stemLeaves.get(lang)!
}

/**
 * The stem buckets of `lang`: each stemOf term under its stem in `lang` (not when the stem is the
 * term itself: the item side also looks stems up among plain terms). See fileStems.
 */
function stemBuckets(b: Buckets, lang: string): TermBuckets<number> {
  if (!hasStemmer(lang)) return NO_STEMS
  fileStems(b, lang)
  return b.stems.get(lang)!
}

/**
 * Files `lang`'s stem buckets, stem leaves and stem filter, unless filed already (a snapshot
 * carries every language's: fileWatches with its languages). An index compiled in this
 * isolate files a language when its first item comes, so it costs no stemming for languages
 * its items are not written in.
 */
function fileStems(b: Buckets, lang: string): void {
  if (b.stems.has(lang)) return
  const strings: string[] = []
  const filed = stemSegments(
    b.stemOf,
    b.stemLeafOf,
    (id) => b.strings.get(id),
    (id) => stemWord(b.strings.get(id), lang),
    lang,
    (s) => strings.push(s) - 1,
  )
  const own: Strings = { get: (id) => strings[id]! }
  b.stems.set(lang, new TermBuckets(filed.buckets, own, watchAt))
  b.stemLeaves.set(lang, new TermBuckets(filed.leaves, own, b.leafAt))
  b.stemFilters.set(lang, filed.filter)
}

/**
 * A language's stem tables from the pairs of stemOf (term id, watch) and stemLeafOf (term id,
 * leaf): the buckets (a watch under its term's stem, when the stem differs from the term), the
 * leaves by stem, and the filter of stem bases (stemFilter). `stem` gives a term id's stem;
 * `intern` the tables' ids of stems.
 */
function stemSegments(
  stemOf: Int32Array,
  stemLeafOf: Int32Array,
  term: (id: number) => string,
  stem: (id: number) => string,
  lang: string,
  intern: (stem: string) => number,
): { buckets: Int32Array; leaves: Int32Array; filter: PrefixFilter | null } {
  const buckets = new TableBuilder(true)
  for (let k = 0; k < stemOf.length; k += 2) {
    const s = stem(stemOf[k]!)
    if (s !== term(stemOf[k]!)) buckets.file(s, stemOf[k + 1]!)
  }
  const leaves = new TableBuilder(true)
  for (let k = 0; k < stemLeafOf.length; k += 2)
    leaves.file(stem(stemLeafOf[k]!), stemLeafOf[k + 1]!)
  const endings = stemEndings(lang)
  let filter: PrefixFilter | null = null
  if (endings !== undefined) {
    // Room for two bases a term, as before (the pairs hold two ints a term).
    filter = new PrefixFilter(stemOf.length + stemLeafOf.length)
    for (const pairs of [stemOf, stemLeafOf]) {
      for (let k = 0; k < pairs.length; k += 2) {
        const s = stem(pairs[k]!)
        for (const ending of endings) {
          if (s.endsWith(ending)) filter.file(s, s.length - ending.length)
        }
      }
    }
  }
  return { buckets: buckets.segment(intern), leaves: leaves.segment(intern), filter }
}

/**
 * `lang`'s stem tables filed ahead, as a snapshot carries them (StemTables): the stems of
 * `terms` computed by the stemmer itself, the tables keyed by term numbers into `terms`.
 */
function fileStemLanguage(
  terms: Int32Array,
  stemOf: Int32Array,
  stemLeafOf: Int32Array,
  termOf: ReadonlyMap<number, string>,
  lang: string,
  intern: (s: string) => number,
): StemTables {
  const text = (id: number) => termOf.get(id)!
  const numbers = new Map<number, number>()
  terms.forEach((id, i) => numbers.set(id, i))
  const stems = Array.from(terms, (id) => computeStem(text(id), lang))
  const codes = new Int32Array(terms.length)
  const byStem = new Map<string, number>()
  stems.forEach((stem, i) => {
    const term = text(terms[i]!)
    codes[i] = term.startsWith(stem) ? stem.length : -intern(stem) - 1
    if (!byStem.has(stem)) byStem.set(stem, i)
  })
  const filed = stemSegments(
    stemOf,
    stemLeafOf,
    text,
    (id) => stems[numbers.get(id)!]!,
    lang,
    (stem) => byStem.get(stem)!,
  )
  return { lang, codes, ...filed, filter: filed.filter?.words() ?? null }
}

/** A watch's number, as its posting lists hold it. */
const watchAt = (id: number): number => id

/**
 * A list for what leaf number `id` (of `owners` leaf owners: two numbers each) stands for, made on
 * first use. Sized ahead: written first at a number in the thousands, an empty array turns into
 * a dictionary, and V8 then threw away the optimised code of the matcher's hottest functions
 * ("dependent prototype chain changed") on a new isolate's first `?` pattern at 10,000 watches,
 * as no warm-up index is large enough to do it before (docs/decisions.md, 31).
 */
function byLeafNumber<T>(owners: number): Array<T | undefined> {
  return new Array<T | undefined>(2 * owners).fill(undefined)
}

/** The leaves of the owners `owner` gives, by number (LeafOwner), each looked up once. */
function leafNumbering(owner: (k: number) => LeafOwner, owners: number): (id: number) => Leaf {
  const leaves = byLeafNumber<Leaf>(owners)
  return (id) => {
    const found = leaves[id]
    if (found !== undefined) return found
    const o = owner(id >>> 1)
    const leaf = (id & 1) === 1 ? o.keyLeaf : 'type' in o ? o.leaf : o.stemLeaf
    if (leaf === null) throw new RangeError(`leaf ${id} is not filed`)
    return (leaves[id] = leaf)
  }
}

/** The pattern leaves of the wildcards `owner` gives, by their leaf's number, each made once. */
function patternNumbering(
  owner: (k: number) => LeafOwner,
  owners: number,
): (id: number) => PatternLeaf {
  const patterns = byLeafNumber<PatternLeaf>(owners)
  return (id) => {
    const found = patterns[id]
    if (found !== undefined) return found
    const o = owner(id >>> 1)
    if (!('type' in o)) throw new RangeError(`leaf ${id} is not a wildcard's`)
    const pattern =
      (id & 1) === 0
        ? { leaf: o.leaf, prefix: o.prefix, test: o.test }
        : { leaf: o.keyLeaf!, prefix: o.keyPrefix!, test: null }
    if (pattern.leaf === null || pattern.prefix === null) {
      throw new RangeError(`wildcard leaf ${id} is not filed`)
    }
    return (patterns[id] = pattern)
  }
}

/** The tables while filing: keys to lists of numbers (watches, leaves), then a table each. */
interface Filing {
  tables: Record<(typeof TABLES)[number], TableBuilder>
  stemOf: number[]
  stemLeafOf: number[]
  unprefixed: number[]
  owners: LeafOwner[]
  intern: (s: string) => number
  /** The stemmed terms by their string id (fileStemLanguage stems them). */
  termOf: Map<number, string>
}

/** The string id of a stemmed term, which is kept by it. */
function stemTermId(f: Filing, term: string): number {
  const id = f.intern(term)
  f.termOf.set(id, term)
  return id
}

/**
 * Files compiled queries (in watch order): walks each tree for its leaves and its presearch
 * keys (compile.ts's presearchKeys). `intern` gives the string ids the tables hold (a
 * snapshot's string table when snapshot.ts files for one). Returns the tables and the leaf
 * owners in their numbering.
 */
export function fileWatches(
  queries: readonly CompiledQuery[],
  intern: (s: string) => number,
  stemLanguages: readonly string[] = [],
): { tables: PresearchTables; owners: LeafOwner[]; sources: GateSources } {
  const tables = {} as Filing['tables']
  TABLES.forEach((name, k) => (tables[name] = new TableBuilder(k < TERM_TABLES)))
  const f: Filing = {
    tables,
    stemOf: [],
    stemLeafOf: [],
    unprefixed: [],
    owners: [],
    intern,
    termOf: new Map(),
  }
  const always: number[] = []
  let stem = false
  let transliterate = false
  queries.forEach((q, i) => {
    if (q.options.stem) stem = true
    if (q.options.transliterate) transliterate = true
    fileLeaves(f, q.root)
    const keys = presearchKeys(q.root)?.keys ?? null
    if (!keys) always.push(i)
    else for (const key of keys) fileKey(f, key, i)
  })
  const sources = gateSources(tables, f.unprefixed.length > 0, transliterate)
  const stemOf = Int32Array.from(f.stemOf)
  const stemLeafOf = Int32Array.from(f.stemLeafOf)
  const stemTerms = new Set<number>()
  for (const pairs of [stemOf, stemLeafOf]) {
    for (let k = 0; k < pairs.length; k += 2) stemTerms.add(pairs[k]!)
  }
  const terms = Int32Array.from(stemTerms)
  const segments = TABLES.map((name) => tables[name].segment(intern))
  return {
    tables: {
      size: queries.length,
      stem,
      transliterate,
      always: Int32Array.from(always),
      unprefixed: Int32Array.from(f.unprefixed),
      stemOf,
      stemLeafOf,
      gate: new FirstSightGate(sources).words(),
      crossBases: sources.crossBases?.words() ?? null,
      tables: segments,
      stemTerms: terms,
      stemLanguages: stem
        ? stemLanguages
            .filter((lang) => hasStemmer(lang))
            .map((lang) => fileStemLanguage(terms, stemOf, stemLeafOf, f.termOf, lang, intern))
        : [],
    },
    owners: f.owners,
    sources,
  }
}

/**
 * The strings the tables are looked up by: everything memoTerm and memoStem look an item word's
 * forms up in, for the first-sight gate (first-sight-gate.ts).
 */
function gateSources(tables: Filing['tables'], open: boolean, keys: boolean): GateSources {
  const starts = new Set<string>()
  for (const name of ['prefixes', 'patternLeaves', 'keyPrefixes', 'keyPatternLeaves'] as const) {
    for (const start of tables[name].starts) starts.add(start)
  }
  const seen = new Set<string>()
  const sized: SizedPattern[] = []
  for (const pattern of [...tables.sized.sized, ...tables.sizedLeaves.sized]) {
    const key = `${pattern.prefix}\u0000${pattern.suffix}\u0000${pattern.length}`
    if (seen.has(key)) continue
    seen.add(key)
    sized.push(pattern)
  }
  const crossFromLatin = [...tables.crossLatinWatches.terms(), ...tables.crossLatinLeaves.terms()]
  return {
    exact: [...tables.terms.terms(), ...tables.keys.terms(), ...tables.keyLeaves.terms()],
    starts: [...starts],
    sized,
    open,
    keys,
    crossFromCyrillic: [
      ...tables.crossCyrillicWatches.terms(),
      ...tables.crossCyrillicLeaves.terms(),
    ],
    crossFromLatin,
    crossBases: crossFromLatin.length > 0 ? crossBaseFilter(crossFromLatin) : null,
  }
}

/** The number of the next owner's first leaf (LeafOwner), `owner` being numbered with it. */
function own(f: Filing, owner: LeafOwner): number {
  return (f.owners.push(owner) - 1) * 2
}

/** Files the leaves of a query: every stemmed or transliterated word and every wildcard. */
function fileLeaves(f: Filing, node: CompiledNode): void {
  switch (node.type) {
    case 'words':
      for (const word of node.words) fileWordLeaves(f, word)
      return
    case 'wildcard': {
      const leaf = own(f, node)
      const t = f.tables
      // A `?` pattern has lengths: only words of those lengths, starting and ending as it does,
      // are tested against it (on the bench, words met for the first time tested a dozen
      // patterns sharing their first three letters).
      if (node.lengths) {
        for (const length of node.lengths) {
          t.sizedLeaves.fileSized(node.prefix, node.suffix, length, leaf)
        }
      } else if (node.prefix === '') f.unprefixed.push(leaf)
      else t.patternLeaves.fileUnder(node.prefix, leaf)
      if (node.keyLeaf && node.keyPrefix !== null) {
        t.keyPatternLeaves.fileUnder(node.keyPrefix, leaf + 1)
      }
      return
    }
    case 'and':
    case 'or':
      for (const child of node.children) fileLeaves(f, child)
      return
    case 'not':
      return fileLeaves(f, node.child)
    case 'near':
      fileLeaves(f, node.left)
      return fileLeaves(f, node.right)
    case 'meta':
      return
  }
}

function fileWordLeaves(f: Filing, word: WordMatcher): void {
  if (word.stemLeaf === null && word.keyLeaf === null) return
  const leaf = own(f, word)
  const t = f.tables
  if (word.stemLeaf) f.stemLeafOf.push(stemTermId(f, word.term), leaf)
  if (word.keyLeaf && word.key !== null) t.keyLeaves.file(word.key, leaf + 1)
  if (word.keyLeaf && word.cross) {
    for (const reading of word.cross.readings) t.keyLeaves.file(reading, leaf + 1)
    const cross = word.cross.script === SCRIPT_LATIN ? t.crossLatinLeaves : t.crossCyrillicLeaves
    for (const key of word.cross.keys) cross.file(key, leaf + 1)
  }
}

function fileKey(f: Filing, key: PresearchKey, watch: number): void {
  const t = f.tables
  switch (key.kind) {
    case 'term':
      return t.terms.file(key.value, watch)
    case 'stemOf':
      f.stemOf.push(stemTermId(f, key.value), watch)
      return
    case 'translit':
      return t.keys.file(key.value, watch)
    case 'crossLatin':
      return t.crossLatinWatches.file(key.value, watch)
    case 'crossCyrillic':
      return t.crossCyrillicWatches.file(key.value, watch)
    case 'prefix':
      return t.prefixes.fileUnder(key.value, watch)
    case 'sized':
      return t.sized.fileSized(key.value, key.suffix, key.length, watch)
    case 'keyPrefix':
      return t.keyPrefixes.fileUnder(key.value, watch)
    case 'meta':
      return t.meta.file(key.value, watch)
  }
}

/**
 * A number standing for a string of up to PREFIX_BUCKET_LENGTH characters: a polynomial over
 * its code units, mixed with its length. Equal strings hash equal; unequal ones rarely collide,
 * and a collision only adds a candidate (or a pattern test). The same polynomial read from the
 * left gives all prefix hashes of a word in one pass (prefixHashes), and from the right all its
 * suffix hashes (suffixHashes), without slicing.
 */
function prefixHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return withLength(h, s.length)
}

function withLength(h: number, length: number): number {
  return (h ^ Math.imul(length + 1, 0x9e3779b1)) | 0
}

/** Scratch for the prefix hashes of the word being looked at, and of its transliteration key. */
const termPrefixes = new Int32Array(PREFIX_BUCKET_LENGTH + 1)
const keyPrefixes = new Int32Array(PREFIX_BUCKET_LENGTH + 1)
const termSuffixes = new Int32Array(PREFIX_BUCKET_LENGTH + 1)

/** out[k] = prefixHash of the first k characters, k from 0 to the returned n (≤ the cut). */
function prefixHashes(s: string, out: Int32Array): number {
  const n = Math.min(s.length, PREFIX_BUCKET_LENGTH)
  let h = 0
  out[0] = withLength(0, 0)
  for (let k = 1; k <= n; k++) {
    h = (Math.imul(h, 31) + s.charCodeAt(k - 1)) | 0
    out[k] = withLength(h, k)
  }
  return n
}

/** 31^k for the suffix polynomial: a character added on the left weighs 31^(length - 1). */
const POWERS_OF_31 = Int32Array.from({ length: PREFIX_BUCKET_LENGTH + 1 }, (_, k) => {
  let p = 1
  for (let i = 0; i < k; i++) p = Math.imul(p, 31)
  return p
})

/** out[k] = prefixHash of the last k characters, k from 0 to n. */
function suffixHashes(s: string, n: number, out: Int32Array): void {
  let h = 0
  out[0] = withLength(0, 0)
  for (let k = 1; k <= n; k++) {
    h = (Math.imul(s.charCodeAt(s.length - k), POWERS_OF_31[k - 1]!) + h) | 0
    out[k] = withLength(h, k)
  }
}

function sizedHash(prefix: number, suffix: number, length: number): number {
  return (Math.imul(prefix, 0x9e3779b1) + Math.imul(suffix, 0x85ebca6b) + length) | 0
}

/**
 * A table's segment: this header, then a bit filter, the slots, (keyed by term) the term ids,
 * where each list starts, and the lists.
 */
const TABLE_HEADER = 7
const T_CAPACITY = 0
const T_ENTRIES = 1
const T_POSTINGS = 2
/** PrefixBuckets: the prefix lengths in use; SizedBuckets: those and the suffix lengths. */
const T_LENGTHS = 3
const T_SUFFIX_LENGTHS = 4
/** 1 when the table is keyed by term (its term ids follow the slots). */
const T_BY_TERM = 5
/** Words of the bit filter. */
const T_FILTER = 6

/**
 * Filter bits per key: a word looks up its term, stems and keys and up to 30 prefix and suffix
 * hashes on its first sight, nearly all absent, and one bit in a filter of a few KB (in the CPU
 * cache) answers those without probing the slots (in a profile of a fresh isolate's first 100
 * items, probing the slots for each of them took about twice as long as the filter).
 */
const FILTER_BITS_PER_KEY = 16
const MIN_FILTER_WORDS = 32

/** Where the parts of the table segment starting at `at` in `words` start, from its header. */
function layout(words: Int32Array, at: number) {
  const capacity = words[at + T_CAPACITY]!
  const entries = words[at + T_ENTRIES]!
  const postings = words[at + T_POSTINGS]!
  const byTerm = words[at + T_BY_TERM] === 1
  const filter = words[at + T_FILTER]!
  const slots = TABLE_HEADER + filter
  const terms = slots + 2 * capacity
  const starts = terms + (byTerm ? entries : 0)
  const lists = starts + entries + 1
  return { capacity, entries, postings, byTerm, filter, slots, terms, starts, lists }
}

/** The number of Int32s of the table segment that starts at `at` in `words` (snapshot.ts). */
export function tableLength(words: Int32Array, at: number): number {
  const t = layout(words, at)
  const byTerm = words[at + T_BY_TERM]
  if (
    !(t.capacity >= 2 && (t.capacity & (t.capacity - 1)) === 0 && t.capacity <= 1 << 28) ||
    !(t.entries >= 0 && t.entries * 2 <= t.capacity && t.postings >= 0) ||
    !(byTerm === 0 || byTerm === 1) ||
    !(t.filter > 0 && (t.filter & (t.filter - 1)) === 0) ||
    t.filter > 1 << 24
  ) {
    throw new RangeError(`table header at ${at} is not one`)
  }
  return t.lists + t.postings
}

/** Whether a table segment is keyed by term (TermBuckets) rather than by a hash. */
export function tableByTerm(segment: Int32Array): boolean {
  return segment[T_BY_TERM] === 1
}

/**
 * Whether a table segment (tableLength long) holds only what this code writes: entries and
 * list bounds in range, term ids below `strings`, list values below `values`. A snapshot's
 * tables pass it before use, so a damaged one is refused at load, never read at random.
 */
export function tableIsSound(segment: Int32Array, strings: number, values: number): boolean {
  const t = layout(segment, 0)
  let used = 0
  for (let s = 0; s < t.capacity; s++) {
    const entry = segment[t.slots + 2 * s + 1]!
    if (entry < -1 || entry >= t.entries) return false
    if (entry >= 0) used++
  }
  if (used !== t.entries) return false
  for (let at = t.terms; at < t.starts; at++) {
    if (!(segment[at]! >= 0 && segment[at]! < strings)) return false
  }
  let previous = 0
  for (let at = t.starts; at < t.lists; at++) {
    if (segment[at]! < previous) return false
    previous = segment[at]!
  }
  if (previous !== t.postings) return false
  for (let at = t.lists; at < t.lists + t.postings; at++) {
    if (!(segment[at]! >= 0 && segment[at]! < values)) return false
  }
  return true
}

/** A hash's bits mixed (termHash's low bits follow a short term's last letters closely). */
function filterHash(h: number): number {
  const m = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  return m ^ (m >>> 13)
}

/** The slot a hash starts its probe at, in a table of 2^(32 - shift) slots. */
function slotOf(h: number, shift: number): number {
  return Math.imul(h, 0x9e3779b1) >>> shift
}

/**
 * Lists of numbers (watches, leaves) by key, filed before a table is made of them: by term
 * (file), or by a hash of prefixes (fileUnder, fileSized).
 */
class TableBuilder {
  private readonly lists = new Map<string | number, number[]>()
  private lengths = 0
  private suffixLengths = 0
  /** The starts (fileUnder) and `?` patterns (fileSized) filed, cut: the gate's sources. */
  readonly starts: string[] = []
  readonly sized: SizedPattern[] = []

  constructor(private readonly byTerm: boolean) {}

  /** The terms filed (file with a string key), once each, in filing order. */
  terms(): string[] {
    const out: string[] = []
    for (const key of this.lists.keys()) if (typeof key === 'string') out.push(key)
    return out
  }

  file(key: string | number, value: number): void {
    const list = this.lists.get(key)
    if (list) {
      if (list[list.length - 1] !== value) list.push(value)
    } else {
      this.lists.set(key, [value])
    }
  }

  /** Files under a string's first characters (cut to PREFIX_BUCKET_LENGTH). */
  fileUnder(prefix: string, value: number): void {
    const cut = prefix.slice(0, PREFIX_BUCKET_LENGTH)
    this.lengths |= 1 << cut.length
    this.starts.push(cut)
    this.file(prefixHash(cut), value)
  }

  /** Files under a prefix, a suffix (each cut to PREFIX_BUCKET_LENGTH) and a term length. */
  fileSized(prefix: string, suffix: string, length: number, value: number): void {
    const p = prefix.slice(0, PREFIX_BUCKET_LENGTH)
    const x = suffix.slice(-PREFIX_BUCKET_LENGTH)
    this.lengths |= 1 << p.length
    this.suffixLengths |= 1 << x.length
    this.sized.push({ prefix: p, suffix: x, length })
    this.file(sizedHash(prefixHash(p), prefixHash(x), length), value)
  }

  /**
   * The table as one segment: a header; open-addressed slots of (hash, entry), at most half
   * full, entry -1 when empty; each entry's term id (by term); where each entry's list starts
   * in the lists, and where the last ends; the lists.
   */
  segment(intern: (s: string) => number): Int32Array {
    const entries = this.lists.size
    let capacity = 2
    while (capacity < entries * 2) capacity *= 2
    let filter = MIN_FILTER_WORDS
    while (filter * 32 < entries * FILTER_BITS_PER_KEY) filter *= 2
    let postings = 0
    for (const list of this.lists.values()) postings += list.length
    const byTerm = this.byTerm
    const header = Int32Array.of(capacity, entries, postings, 0, 0, byTerm ? 1 : 0, filter)
    const t = layout(header, 0)
    const segment = new Int32Array(t.lists + postings)
    segment.set(header)
    segment[T_LENGTHS] = this.lengths
    segment[T_SUFFIX_LENGTHS] = this.suffixLengths
    for (let s = 0; s < capacity; s++) segment[t.slots + 2 * s + 1] = -1
    const shift = 1 + Math.clz32(capacity)
    let entry = 0
    let p = 0
    for (const [key, list] of this.lists) {
      const h = typeof key === 'string' ? termHash(key) : key
      const f = filterHash(h)
      segment[TABLE_HEADER + ((f >>> 5) & (filter - 1))]! |= 1 << (f & 31)
      let s = slotOf(h, shift)
      while (segment[t.slots + 2 * s + 1] !== -1) s = (s + 1) & (capacity - 1)
      segment[t.slots + 2 * s] = h
      segment[t.slots + 2 * s + 1] = entry
      if (byTerm) segment[t.terms + entry] = intern(key as string)
      segment[t.starts + entry] = p
      for (const value of list) segment[t.lists + p++] = value
      entry++
    }
    segment[t.starts + entries] = p
    return segment
  }

  /** The table by term, with strings of its own (a language's stems, filed on first use). */
  buckets<T>(value: (id: number) => T): TermBuckets<T> {
    const strings: string[] = []
    const segment = this.segment((s) => strings.push(s) - 1)
    return new TermBuckets(segment, { get: (id) => strings[id]! }, value)
  }
}

/**
 * A table as the lookups read it, straight from its segment (a view of a snapshot's bytes, or
 * TableBuilder's array): a probe reads the slots, and only an entry found makes its list, once,
 * as an array of what `value` gives for each number.
 */
class Table<T> {
  protected readonly slots: Int32Array
  protected readonly shift: number
  protected readonly mask: number
  protected readonly termIds: Int32Array
  /** A bit a key, by its hash; filterMask is its words less one. */
  protected readonly filter: Int32Array
  protected readonly filterMask: number
  private readonly starts: Int32Array
  private readonly postings: Int32Array
  /** The lists made so far, by entry (made on the first entry found). */
  private made: Array<T[] | undefined> | null = null
  readonly size: number

  constructor(
    protected readonly segment: Int32Array,
    private readonly value: (id: number) => T,
  ) {
    const t = layout(segment, 0)
    this.size = t.entries
    this.shift = 1 + Math.clz32(t.capacity)
    this.mask = t.capacity - 1
    this.filter = segment.subarray(TABLE_HEADER, t.slots)
    this.filterMask = t.filter - 1
    this.slots = segment.subarray(t.slots, t.terms)
    this.termIds = segment.subarray(t.terms, t.starts)
    this.starts = segment.subarray(t.starts, t.lists)
    this.postings = segment.subarray(t.lists)
  }

  /** The list of entry `e`. */
  protected list(e: number): T[] {
    const made = (this.made ??= new Array<T[] | undefined>(this.size).fill(undefined))
    let list = made[e]
    if (list === undefined) {
      list = []
      for (let p = this.starts[e]!; p < this.starts[e + 1]!; p++) {
        list.push(this.value(this.postings[p]!))
      }
      made[e] = list
    }
    return list
  }

  /** False when nothing is filed under a key that hashes to `h` (the filter's bit is clear). */
  protected mayBe(h: number): boolean {
    const f = filterHash(h)
    return (this.filter[(f >>> 5) & this.filterMask]! & (1 << (f & 31))) !== 0
  }

  /** The entry whose key hashes to `h` (a hash table's key is its hash), or -1. */
  protected find(h: number): number {
    const slots = this.slots
    for (let s = slotOf(h, this.shift); ; s = (s + 1) & this.mask) {
      const entry = slots[2 * s + 1]!
      if (entry < 0 || slots[2 * s] === h) return entry
    }
  }
}

/** Lists by a numeric hash (hash collisions share a list: they only add candidates or tests). */
class HashBuckets<T> extends Table<T> {
  get(hash: number): T[] | undefined {
    if (!this.mayBe(hash)) return undefined
    const entry = this.find(hash)
    return entry < 0 ? undefined : this.list(entry)
  }
}

/**
 * HashBuckets filed by a string's first characters (cut to PREFIX_BUCKET_LENGTH), which knows
 * the prefix lengths in use, so a word looks up only those (its prefix hashes from prefixHashes).
 */
class PrefixBuckets<T> extends HashBuckets<T> {
  /** Adds to `out` what is filed under each of a word's first n prefixes (hashes[k]: length k). */
  collect(hashes: Int32Array, n: number, out: Array<readonly T[]>): void {
    const lengths = this.segment[T_LENGTHS]!
    if (lengths === 0) return
    for (let k = 1; k <= n; k++) {
      if ((lengths & (1 << k)) === 0) continue
      const found = this.get(hashes[k]!)
      if (found) out.push(found)
    }
  }
}

/**
 * HashBuckets filed by a prefix, a suffix (each cut to PREFIX_BUCKET_LENGTH) and a term length
 * together, for `?` patterns: `bel?orod` under (`bel`, `orod`, 8). It knows the prefix and suffix
 * lengths in use, so a word looks up only those pairs.
 */
class SizedBuckets<T> extends HashBuckets<T> {
  /**
   * Adds to `out` what is filed under each (prefix, suffix) pair of `term` of the lengths in use;
   * termPrefixes holds the term's prefix hashes up to n (prefixHashes).
   */
  collect(term: string, n: number, out: Array<readonly T[]>): void {
    const prefixLengths = this.segment[T_LENGTHS]!
    const suffixLengths = this.segment[T_SUFFIX_LENGTHS]!
    if (prefixLengths === 0) return
    suffixHashes(term, n, termSuffixes)
    for (let p = 0; p <= n; p++) {
      if ((prefixLengths & (1 << p)) === 0) continue
      const prefix = termPrefixes[p]!
      for (let k = 0; k <= n; k++) {
        if ((suffixLengths & (1 << k)) === 0) continue
        const found = this.get(sizedHash(prefix, termSuffixes[k]!, term.length))
        if (found) out.push(found)
      }
    }
  }
}

/**
 * Lists by term. Nearly every word an item shows for the first time is filed under no term,
 * stem or transliteration key of the index: its probe reads one slot of (hash, entry) pairs,
 * which are half empty, and stops at an empty one without reading a string (the hash is the
 * item side's, computed as it scanned the word). A slot of the same hash compares the term.
 */
class TermBuckets<T> extends Table<T> {
  constructor(
    segment: Int32Array,
    private readonly strings: Strings,
    value: (id: number) => T,
  ) {
    super(segment, value)
  }

  /** The terms filed. */
  *terms(): IterableIterator<string> {
    for (const id of this.termIds) yield this.strings.get(id)
  }

  /** Whether something may be filed under a term whose termHash is `h`. */
  mayHold(h: number): boolean {
    if (!this.mayBe(h)) return false
    return this.find(h) >= 0
  }

  /** The list filed under `term`, whose termHash is `h`. */
  get(term: string, h = termHash(term)): T[] | undefined {
    if (!this.mayBe(h)) return undefined
    const slots = this.slots
    for (let s = slotOf(h, this.shift); ; s = (s + 1) & this.mask) {
      const entry = slots[2 * s + 1]!
      if (entry < 0) return undefined
      if (slots[2 * s] === h && this.strings.get(this.termIds[entry]!) === term) {
        return this.list(entry)
      }
    }
  }
}

const NO_STEMS = new TableBuilder(true).buckets(watchAt)

/**
 * A number that changes when the hashes the tables are keyed by change (termHash, which the
 * item side computes, and prefixHash and sizedHash here): a snapshot's tables were filed under
 * the hashes of the code that wrote them, and are refused by code whose hashes differ.
 */
export function tableHashes(): number {
  const probe = 'feedwatch-ёé東'
  return (
    (termHash(probe) ^
      Math.imul(prefixHash(probe.slice(0, PREFIX_BUCKET_LENGTH)), 3) ^
      Math.imul(sizedHash(prefixHash('fe'), prefixHash('東'), probe.length), 5)) |
    0
  )
}
