// The many-watch index: each watch is filed under the presearch keys compile.ts extracted (terms
// any matching item must contain; for an OR, each branch's terms; for a wildcard, a bucket of its
// literal prefix, cut to 10 characters); watches with no such key (pure negations) sit in an
// always-evaluated bucket. An item's distinct terms then select the candidate watches, and only those are
// evaluated, so matching cost follows the item's vocabulary, not the number of watches.
// It also binds each item to the index's leaves (compile.ts): the query words and wildcards that
// match item words other than by equal terms (stems, transliteration keys, patterns) are filed
// too, and each item word, as it is looked at, joins the leaves it matches, so evaluation reads
// a leaf's words instead of searching the item.
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
import { STEM_LANGUAGES, hasStemmer, stemEndings, stemWord } from './stem'
import { PrefixFilter, prefixFilters } from './prefix-filter'
import { FirstSightGate, STEM_MEMO_MAY, TERM_MEMO_MAY, type GateSources } from './first-sight-gate'
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
 * Keys live in separate maps per kind (term, stem per language, transliteration key, prefix,
 * metadata) so the item side looks up its own term strings, whose hashes V8 has already cached,
 * instead of building a prefixed string per lookup.
 */
interface Buckets {
  terms: TermBuckets<number>
  /** Stem buckets per language, filed on first use from stemOf (see stemBuckets). */
  stems: Map<string, TermBuckets<number>>
  /** `stemOf` keys: the term and the watch, in watch order. */
  stemOf: Array<{ term: string; watch: number }>
  keys: TermBuckets<number>
  /** Wildcards by their (cut) literal prefix; hash collisions only add candidates. */
  prefixes: PrefixBuckets<number>
  /** `?` patterns without `*`, by prefix, suffix and term length together (sizedHash). */
  sized: SizedBuckets<number>
  keyPrefixes: PrefixBuckets<number>
  meta: Map<string, number[]>
  /** Leaves of stemmed query words: their terms, filed per language on first use (stemLeaves). */
  stemLeafOf: Array<{ term: string; leaf: Leaf }>
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
}

interface CrossBuckets {
  watches: TermBuckets<number>
  leaves: TermBuckets<Leaf>
  /** What the key of a word of the other script must start with to have its cross key filed. */
  bases: PrefixFilter | null
}

/** The stem memo's language number for an item whose language has no stemmer. */
const NO_STEM_LANGUAGE = 15

/**
 * Files `queries` (in watch order). `filed` gives each query's presearch keys as presearchKeys
 * computed them (null: always evaluated) when they are known already, as in a loaded snapshot
 * (snapshot.ts); they are computed here otherwise.
 */
export function buildPresearcher(
  queries: CompiledQuery[],
  filed?: ReadonlyArray<readonly PresearchKey[] | null>,
): Presearcher {
  const b: Buckets = {
    crossFromLatin: { watches: new TermBuckets(), leaves: new TermBuckets(), bases: null },
    crossFromCyrillic: { watches: new TermBuckets(), leaves: new TermBuckets(), bases: null },
    terms: new TermBuckets(),
    stems: new Map(),
    stemOf: [],
    keys: new TermBuckets(),
    prefixes: new PrefixBuckets(),
    sized: new SizedBuckets(),
    keyPrefixes: new PrefixBuckets(),
    meta: new Map(),
    stemLeafOf: [],
    stemLeaves: new Map(),
    stemFilters: new Map(),
    keyLeaves: new TermBuckets(),
    patternLeaves: new PrefixBuckets(),
    sizedLeaves: new SizedBuckets(),
    unprefixedLeaves: [],
    keyPatternLeaves: new PrefixBuckets(),
  }
  const always: number[] = []
  let needsStem = false
  let needsKeys = false
  queries.forEach((q, i) => {
    if (q.options.stem) needsStem = true
    if (q.options.transliterate) needsKeys = true
    fileLeaves(b, q.root)
    const keys = filed ? filed[i]! : (presearchKeys(q.root)?.keys ?? null)
    if (!keys) {
      always.push(i)
      return
    }
    for (const key of keys) fileKey(b, key, i)
  })
  const seen = new Uint8Array(queries.length)
  // What one word selects never changes for this index: memoised on the Word (word.ts), since
  // news vocabulary repeats from item to item, with the index's number in the word's row to
  // say for which index the memo holds. Words hold that number and the leaves they join, not
  // the index, so a replaced index's maps are not kept alive by them.
  const self = {} as Presearcher
  const id = nextPresearcherId()
  /** Built on the first item bound, from the tables filed above. */
  let gate: FirstSightGate | undefined

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
    const g = (gate ??= new FirstSightGate(gateSources(b, needsKeys)))
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
  sourcesOf.set(self, () => gateSources(b, needsKeys))
  return self
}

/**
 * What the first-sight gate (first-sight-gate.ts) of `presearcher` is built from, for tests
 * that build gates of their own from it (one missing a string must lose a word).
 */
export function firstSightSources(presearcher: Presearcher): GateSources | undefined {
  return sourcesOf.get(presearcher)?.()
}

const sourcesOf = new WeakMap<Presearcher, () => GateSources>()

/**
 * The strings the presearcher's tables are looked up by: everything memoTerm and memoStem look
 * an item word's forms up in, for its first-sight gate.
 */
function gateSources(b: Buckets, keys: boolean): GateSources {
  const cross = b.crossFromLatin
  return {
    exact: [...b.terms.terms(), ...b.keys.terms(), ...b.keyLeaves.terms()],
    starts: [
      ...b.prefixes.filed,
      ...b.patternLeaves.filed,
      ...b.keyPrefixes.filed,
      ...b.keyPatternLeaves.filed,
    ],
    sized: [...b.sized.filed, ...b.sizedLeaves.filed],
    open: b.unprefixedLeaves.length > 0,
    keys,
    crossFromCyrillic: [
      ...b.crossFromCyrillic.watches.terms(),
      ...b.crossFromCyrillic.leaves.terms(),
    ],
    crossFromLatin: [...cross.watches.terms(), ...cross.leaves.terms()],
    crossBases: cross.watches.size + cross.leaves.size > 0 ? crossBases(cross) : null,
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

/** Files the leaves of a query: every stemmed or transliterated word and every wildcard. */
function fileLeaves(b: Buckets, node: CompiledNode): void {
  switch (node.type) {
    case 'words':
      for (const word of node.words) fileWordLeaves(b, word)
      return
    case 'wildcard': {
      const entry: PatternLeaf = { leaf: node.leaf, prefix: node.prefix, test: node.test }
      // A `?` pattern has lengths: only words of those lengths, starting and ending as it does,
      // are tested against it (on the bench, words met for the first time tested a dozen
      // patterns sharing their first three letters).
      if (node.lengths) {
        for (const length of node.lengths) {
          b.sizedLeaves.fileSized(node.prefix, node.suffix, length, entry)
        }
      } else if (node.prefix === '') b.unprefixedLeaves.push(entry)
      else b.patternLeaves.fileUnder(node.prefix, entry)
      if (node.keyLeaf && node.keyPrefix !== null) {
        const keyEntry = { leaf: node.keyLeaf, prefix: node.keyPrefix, test: null }
        b.keyPatternLeaves.fileUnder(node.keyPrefix, keyEntry)
      }
      return
    }
    case 'and':
    case 'or':
      for (const child of node.children) fileLeaves(b, child)
      return
    case 'not':
      return fileLeaves(b, node.child)
    case 'near':
      fileLeaves(b, node.left)
      return fileLeaves(b, node.right)
    case 'meta':
      return
  }
}

function fileWordLeaves(b: Buckets, word: WordMatcher): void {
  if (word.stemLeaf) b.stemLeafOf.push({ term: word.term, leaf: word.stemLeaf })
  if (word.keyLeaf && word.key !== null) b.keyLeaves.file(word.key, word.keyLeaf)
  if (word.keyLeaf && word.cross) {
    for (const reading of word.cross.readings) b.keyLeaves.file(reading, word.keyLeaf)
    const cross = word.cross.script === SCRIPT_LATIN ? b.crossFromLatin : b.crossFromCyrillic
    for (const key of word.cross.keys) cross.leaves.file(key, word.keyLeaf)
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
 * has no such list. Built with the stem buckets, on the first item in `lang`.
 */
function stemFilter(b: Buckets, lang: string): PrefixFilter | null {
  let filter = b.stemFilters.get(lang)
  if (filter !== undefined) return filter
  const endings = stemEndings(lang)
  filter = null
  if (endings !== undefined) {
    const terms = [...b.stemOf, ...b.stemLeafOf]
    filter = new PrefixFilter(terms.length * 2)
    for (const { term } of terms) {
      const stem = stemWord(term, lang)
      for (const ending of endings) {
        if (stem.endsWith(ending)) filter.file(stem, stem.length - ending.length)
      }
    }
  }
  b.stemFilters.set(lang, filter)
  return filter
}

/**
 * What the transliteration key of a word of the other script must start with for its cross
 * key to be one filed in `cross` (transliterate.ts's crossKeyBaseLength).
 */
function crossBases(cross: CrossBuckets): PrefixFilter {
  if (cross.bases) return cross.bases
  const bases = new PrefixFilter(cross.watches.size + cross.leaves.size)
  for (const key of cross.watches.terms()) bases.file(key, crossKeyBaseLength(key))
  for (const key of cross.leaves.terms()) bases.file(key, crossKeyBaseLength(key))
  return (cross.bases = bases)
}

/** The stem leaves of `lang` by stem, filed when the first item in `lang` comes. */
function stemLeaves(b: Buckets, lang: string): TermBuckets<Leaf> {
  let map = b.stemLeaves.get(lang)
  if (!map) {
    map = new TermBuckets()
    for (const { term, leaf } of b.stemLeafOf) map.file(stemWord(term, lang), leaf)
    b.stemLeaves.set(lang, map)
  }
  return map
}

/**
 * The stem buckets of `lang`: each stemOf term under its stem in `lang` (not when the stem is the
 * term itself: the item side also looks stems up among plain terms). Filed when the first item in
 * `lang` comes, so an index costs no stemming for languages its items are not written in.
 */
function stemBuckets(b: Buckets, lang: string): TermBuckets<number> {
  if (!hasStemmer(lang)) return NO_STEMS
  let map = b.stems.get(lang)
  if (!map) {
    map = new TermBuckets()
    for (const { term, watch } of b.stemOf) {
      const stem = stemWord(term, lang)
      if (stem !== term) map.file(stem, watch)
    }
    b.stems.set(lang, map)
  }
  return map
}

function fileKey(b: Buckets, key: PresearchKey, watch: number): void {
  switch (key.kind) {
    case 'term':
      return b.terms.file(key.value, watch)
    case 'stemOf':
      b.stemOf.push({ term: key.value, watch })
      return
    case 'translit':
      return b.keys.file(key.value, watch)
    case 'crossLatin':
      return b.crossFromLatin.watches.file(key.value, watch)
    case 'crossCyrillic':
      return b.crossFromCyrillic.watches.file(key.value, watch)
    case 'prefix':
      return b.prefixes.fileUnder(key.value, watch)
    case 'sized':
      return b.sized.fileSized(key.value, key.suffix, key.length, watch)
    case 'keyPrefix':
      return b.keyPrefixes.fileUnder(key.value, watch)
    case 'meta':
      return file(b.meta, key.value, watch)
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
 * Watches by a numeric hash, behind a 65,536-bit filter: a word looks up to 30 prefix and
 * suffix hashes on its first item, nearly all absent, and a filter bit (8 KB, in the CPU cache)
 * answers those without probing the Map. A set bit only means "look in the Map".
 */
class HashBuckets<T> {
  private readonly map = new Map<number, T[]>()
  private readonly bits = new Uint32Array(FILTER_WORDS)

  file(hash: number, value: T): void {
    this.bits[(hash >>> 5) & (FILTER_WORDS - 1)]! |= 1 << (hash & 31)
    file(this.map, hash, value)
  }

  get(hash: number): T[] | undefined {
    if ((this.bits[(hash >>> 5) & (FILTER_WORDS - 1)]! & (1 << (hash & 31))) === 0) return undefined
    return this.map.get(hash)
  }
}

/**
 * HashBuckets filed by a string's first characters (cut to PREFIX_BUCKET_LENGTH), which knows
 * the prefix lengths in use, so a word looks up only those (its prefix hashes from prefixHashes).
 */
class PrefixBuckets<T> extends HashBuckets<T> {
  /** Bit n set: some prefix of length n is filed. */
  private lengths = 0
  /** The prefixes filed (cut), for the first-sight gate. */
  readonly filed: string[] = []

  fileUnder(prefix: string, value: T): void {
    const cut = prefix.slice(0, PREFIX_BUCKET_LENGTH)
    this.lengths |= 1 << cut.length
    this.filed.push(cut)
    this.file(prefixHash(cut), value)
  }

  /** Adds to `out` what is filed under each of a word's first n prefixes (hashes[k]: length k). */
  collect(hashes: Int32Array, n: number, out: Array<readonly T[]>): void {
    if (this.lengths === 0) return
    for (let k = 1; k <= n; k++) {
      if ((this.lengths & (1 << k)) === 0) continue
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
  /** Bit n set: some prefix (suffix) of length n is filed, n from 0. */
  private prefixLengths = 0
  private suffixLengths = 0
  /** The patterns filed (cut), for the first-sight gate. */
  readonly filed: Array<{ prefix: string; suffix: string; length: number }> = []

  fileSized(prefix: string, suffix: string, length: number, value: T): void {
    const p = prefix.slice(0, PREFIX_BUCKET_LENGTH)
    const x = suffix.slice(-PREFIX_BUCKET_LENGTH)
    this.prefixLengths |= 1 << p.length
    this.suffixLengths |= 1 << x.length
    this.filed.push({ prefix: p, suffix: x, length })
    this.file(sizedHash(prefixHash(p), prefixHash(x), length), value)
  }

  /**
   * Adds to `out` what is filed under each (prefix, suffix) pair of `term` of the lengths in use;
   * termPrefixes holds the term's prefix hashes up to n (prefixHashes).
   */
  collect(term: string, n: number, out: Array<readonly T[]>): void {
    if (this.prefixLengths === 0) return
    suffixHashes(term, n, termSuffixes)
    for (let p = 0; p <= n; p++) {
      if ((this.prefixLengths & (1 << p)) === 0) continue
      const prefix = termPrefixes[p]!
      for (let k = 0; k <= n; k++) {
        if ((this.suffixLengths & (1 << k)) === 0) continue
        const found = this.get(sizedHash(prefix, termSuffixes[k]!, term.length))
        if (found) out.push(found)
      }
    }
  }
}

const FILTER_WORDS = 2048

/**
 * Lists by term behind a filter of 16 bits a term (two set per term): nearly every word an item
 * shows for the first time is filed under no term, stem or transliteration key of the index,
 * and the filter answers those without the Map, whose probe hashes the new string and misses
 * the cache (measured: the Map lookups were half of the work of a word's first sight). Sized
 * when first read, once everything is filed; a set bit only means "look in the Map".
 */
class TermBuckets<T> {
  private readonly map = new Map<string, T[]>()
  private bits: Uint32Array | null = null
  /** 32 minus log2 of the filter's size in bits. */
  private shift = 0

  get size(): number {
    return this.map.size
  }

  /** The terms filed. */
  terms(): IterableIterator<string> {
    return this.map.keys()
  }

  file(term: string, value: T): void {
    file(this.map, term, value)
    if (this.bits) this.mark(termHash(term))
  }

  /** Whether something may be filed under a term whose termHash is `h` (the filter alone). */
  mayHold(h: number): boolean {
    if (this.bits === null) this.build()
    const a = Math.imul(h, 0x9e3779b1) >>> this.shift
    const b = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> this.shift
    return (
      (this.bits![a >>> 5]! & (1 << (a & 31))) !== 0 &&
      (this.bits![b >>> 5]! & (1 << (b & 31))) !== 0
    )
  }

  /** The list filed under `term`, whose termHash is `h`. */
  get(term: string, h = termHash(term)): T[] | undefined {
    if (this.bits === null) this.build()
    const a = Math.imul(h, 0x9e3779b1) >>> this.shift
    const b = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> this.shift
    if ((this.bits![a >>> 5]! & (1 << (a & 31))) === 0) return undefined
    if ((this.bits![b >>> 5]! & (1 << (b & 31))) === 0) return undefined
    return this.map.get(term)
  }

  private build(): void {
    let size = 64
    while (size < this.map.size * 16) size *= 2
    this.bits = new Uint32Array(size / 32)
    this.shift = 32 - Math.log2(size)
    for (const term of this.map.keys()) this.mark(termHash(term))
  }

  private mark(h: number): void {
    const a = Math.imul(h, 0x9e3779b1) >>> this.shift
    const b = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> this.shift
    this.bits![a >>> 5]! |= 1 << (a & 31)
    this.bits![b >>> 5]! |= 1 << (b & 31)
  }
}

function file<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key)
  if (list) {
    if (list[list.length - 1] !== value) list.push(value)
  } else {
    map.set(key, [value])
  }
}

const NO_STEMS = new TermBuckets<number>()
