// The many-watch index: each watch is filed under the presearch keys compile.ts extracted (terms
// any matching item must contain; for an OR, each branch's terms; for a wildcard, a bucket of its
// literal prefix, cut to 10 characters); watches with no such key (pure negations) sit in an
// always-evaluated bucket. An item's distinct terms then select the candidate watches, and only those are
// evaluated, so matching cost follows the item's vocabulary, not the number of watches.
// Not responsible for what a match means (evaluate.ts): a candidate that does not match is fine,
// a matching watch that is not a candidate is a bug (the property test hunts for those).
// Reference: Lucene Monitor (TermFilteredPresearcher, QueryIndex).

import {
  PREFIX_BUCKET_LENGTH,
  presearchKeys,
  type CompiledQuery,
  type PresearchKey,
} from './compile'
import type { PreparedItem } from './item'
import { hasStemmer, stemWord } from './stem'
import type { Word } from './word'

export interface Presearcher {
  /** Indices (into the compiled watch list) of watches worth evaluating, ascending. */
  candidates(item: PreparedItem): number[]
}

/**
 * Keys live in separate maps per kind (term, stem per language, transliteration key, prefix,
 * metadata) so the item side looks up its own term strings, whose hashes V8 has already cached,
 * instead of building a prefixed string per lookup.
 */
interface Buckets {
  terms: Map<string, number[]>
  /** Stem buckets per language, filed on first use from stemOf (see stemBuckets). */
  stems: Map<string, Map<string, number[]>>
  /** `stemOf` keys: the term and the watch, in watch order. */
  stemOf: Array<{ term: string; watch: number }>
  keys: Map<string, number[]>
  /** Wildcards by prefixHash of their (cut) literal prefix; collisions only add candidates. */
  prefixes: HashBuckets
  /** `?` patterns without `*`, by prefix, suffix and term length together (sizedHash). */
  sized: HashBuckets
  keyPrefixes: HashBuckets
  meta: Map<string, number[]>
  /**
   * Bit n set: some prefix of length n is filed (n from 1 to compile.ts's PREFIX_BUCKET_LENGTH;
   * for sized keys, prefixes and suffixes from 0).
   */
  prefixLengths: number
  sizedPrefixLengths: number
  sizedSuffixLengths: number
  keyPrefixLengths: number
}

export function buildPresearcher(queries: CompiledQuery[]): Presearcher {
  const b: Buckets = {
    terms: new Map(),
    stems: new Map(),
    stemOf: [],
    keys: new Map(),
    prefixes: new HashBuckets(),
    sized: new HashBuckets(),
    keyPrefixes: new HashBuckets(),
    meta: new Map(),
    prefixLengths: 0,
    sizedPrefixLengths: 0,
    sizedSuffixLengths: 0,
    keyPrefixLengths: 0,
  }
  const always: number[] = []
  let needsStem = false
  let needsKeys = false
  queries.forEach((q, i) => {
    if (q.options.stem) needsStem = true
    if (q.options.transliterate) needsKeys = true
    const keys = presearchKeys(q.root)
    if (!keys) {
      always.push(i)
      return
    }
    for (const key of keys.keys) fileKey(b, key, i)
  })
  const seen = new Uint8Array(queries.length)
  // What one word selects never changes for this index: memoised on the Word (word.ts), since
  // news vocabulary repeats from item to item. Words hold the index's number, not the index,
  // so a replaced index is not kept alive by them.
  const self = {} as Presearcher
  const id = ++presearchers

  /** Watches that `word` selects through its term, prefixes and transliteration key. */
  const selectByTerm = (word: Word): readonly number[] => {
    if (word.selectedBy === id) return word.selected
    const term = word.term
    let list: number[] = []
    const add = (found: number[] | undefined) => {
      if (found) for (let j = 0; j < found.length; j++) list.push(found[j]!)
    }
    add(b.terms.get(term))
    if (b.prefixLengths !== 0) lookupPrefixes(b.prefixes, b.prefixLengths, term, add)
    if (b.sizedPrefixLengths !== 0) lookupSized(b, term, add)
    if (needsKeys) {
      const key = word.translit()
      add(b.keys.get(key))
      if (key !== term) add(b.terms.get(key))
      if (b.keyPrefixLengths !== 0) lookupPrefixes(b.keyPrefixes, b.keyPrefixLengths, key, add)
    }
    if (list.length === 0) list = NO_WATCHES
    word.selectedBy = id
    word.selected = list
    return list
  }

  /** Watches that `word` selects through its stem in `lang`. */
  const selectByStem = (word: Word, lang: string): readonly number[] => {
    if (word.stemSelectedBy === id && word.stemSelectedLang === lang) return word.stemSelected
    const term = word.term
    const stem = word.stem(lang)
    const viaStem = stemBuckets(b, lang).get(stem)
    const viaTerm = stem !== term ? b.terms.get(stem) : undefined
    const list = viaStem && viaTerm ? viaStem.concat(viaTerm) : (viaStem ?? viaTerm ?? NO_WATCHES)
    word.stemSelectedBy = id
    word.stemSelectedLang = lang
    word.stemSelected = list
    return list
  }

  self.candidates = (item) => {
    const out: number[] = []
    const add = (list: readonly number[] | undefined) => {
      if (!list) return
      for (let j = 0; j < list.length; j++) {
        const i = list[j]!
        if (seen[i] === 0) {
          seen[i] = 1
          out.push(i)
        }
      }
    }
    const lang = needsStem ? item.stemLang : undefined
    for (const word of item.words) {
      // Most words select nothing: skip the call for them.
      const byTerm = selectByTerm(word)
      if (byTerm.length !== 0) add(byTerm)
      if (!lang) continue
      const byStem = selectByStem(word, lang)
      if (byStem.length !== 0) add(byStem)
    }
    if (b.meta.size > 0) {
      for (const lang of item.langs) add(b.meta.get(`lang:${lang}`))
      add(b.meta.get(`feed:${item.feedId}`))
      for (const tag of item.feedTags) add(b.meta.get(`feed:${tag}`))
      let host = item.host
      while (host !== '') {
        add(b.meta.get(`site:${host}`))
        const dot = host.indexOf('.')
        host = dot < 0 ? '' : host.slice(dot + 1)
      }
    }
    add(always)
    for (const i of out) seen[i] = 0
    return out.sort((x, y) => x - y)
  }
  return self
}

const NO_WATCHES: number[] = []
/** Presearchers built in this isolate: numbers them for the memos on Words. */
let presearchers = 0
const NO_STEMS = new Map<string, number[]>()

/**
 * The stem buckets of `lang`: each stemOf term under its stem in `lang` (not when the stem is the
 * term itself: the item side also looks stems up among plain terms). Filed when the first item in
 * `lang` comes, so an index costs no stemming for languages its items are not written in.
 */
function stemBuckets(b: Buckets, lang: string): Map<string, number[]> {
  if (!hasStemmer(lang)) return NO_STEMS
  let map = b.stems.get(lang)
  if (!map) {
    map = new Map()
    for (const { term, watch } of b.stemOf) {
      const stem = stemWord(term, lang)
      if (stem !== term) file(map, stem, watch)
    }
    b.stems.set(lang, map)
  }
  return map
}

function fileKey(b: Buckets, key: PresearchKey, watch: number): void {
  switch (key.kind) {
    case 'term':
      return file(b.terms, key.value, watch)
    case 'stemOf':
      b.stemOf.push({ term: key.value, watch })
      return
    case 'translit':
      return file(b.keys, key.value, watch)
    case 'prefix':
      b.prefixLengths |= 1 << key.value.length
      return b.prefixes.file(prefixHash(key.value), watch)
    case 'sized':
      b.sizedPrefixLengths |= 1 << key.value.length
      b.sizedSuffixLengths |= 1 << key.suffix.length
      return b.sized.file(
        sizedHash(prefixHash(key.value), suffixHash(key.suffix), key.length),
        watch,
      )
    case 'keyPrefix':
      b.keyPrefixLengths |= 1 << key.value.length
      return b.keyPrefixes.file(prefixHash(key.value), watch)
    case 'meta':
      return file(b.meta, key.value, watch)
  }
}

/**
 * A number standing for `s.slice(from, to)`, computed without allocating the slice. Equal
 * strings hash equal; unequal ones rarely collide, and a collision only adds a candidate.
 */
function prefixHash(s: string, to = s.length): number {
  let h = to
  for (let i = 0; i < to; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Adds the watches filed under each prefix of `term` whose length is in `lengths`. */
function lookupPrefixes(
  map: HashBuckets,
  lengths: number,
  term: string,
  add: (list: number[] | undefined) => void,
): void {
  const n = Math.min(term.length, PREFIX_BUCKET_LENGTH)
  for (let k = 1; k <= n; k++) {
    if ((lengths & (1 << k)) === 0) continue
    add(map.get(prefixHash(term, k)))
  }
}

function sizedHash(prefix: number, suffix: number, length: number): number {
  return (Math.imul(prefix, 0x9e3779b1) + Math.imul(suffix, 0x85ebca6b) + length) | 0
}

/** Hash of the last `k` characters of `s` (as prefixHash of that slice, without slicing). */
function suffixHash(s: string, k = s.length): number {
  let h = k
  for (let i = s.length - k; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Adds the `?` watches filed under each (prefix, suffix) pair of `term` of the lengths in use. */
function lookupSized(b: Buckets, term: string, add: (list: number[] | undefined) => void): void {
  const n = Math.min(term.length, PREFIX_BUCKET_LENGTH)
  for (let p = 0; p <= n; p++) {
    if ((b.sizedPrefixLengths & (1 << p)) === 0) continue
    const prefix = prefixHash(term, p)
    for (let k = 0; k <= n; k++) {
      if ((b.sizedSuffixLengths & (1 << k)) === 0) continue
      add(b.sized.get(sizedHash(prefix, suffixHash(term, k), term.length)))
    }
  }
}

/**
 * Watches by a numeric hash, behind a 65,536-bit filter: a word looks up to 30 prefix and
 * suffix hashes on its first item, nearly all absent, and a filter bit (8 KB, in the CPU cache)
 * answers those without probing the Map. A set bit only means "look in the Map".
 */
class HashBuckets {
  private readonly map = new Map<number, number[]>()
  private readonly bits = new Uint32Array(FILTER_WORDS)

  file(hash: number, watch: number): void {
    this.bits[(hash >>> 5) & (FILTER_WORDS - 1)]! |= 1 << (hash & 31)
    file(this.map, hash, watch)
  }

  get(hash: number): number[] | undefined {
    if ((this.bits[(hash >>> 5) & (FILTER_WORDS - 1)]! & (1 << (hash & 31))) === 0) return undefined
    return this.map.get(hash)
  }
}

const FILTER_WORDS = 2048

function file<K>(map: Map<K, number[]>, key: K, watch: number): void {
  const list = map.get(key)
  if (list) {
    if (list[list.length - 1] !== watch) list.push(watch)
  } else {
    map.set(key, [watch])
  }
}
