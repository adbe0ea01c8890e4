// The many-watch index: each watch is filed under the presearch keys compile.ts extracted (terms
// any matching item must contain; for an OR, each branch's terms; for a wildcard, a bucket of its
// literal prefix, cut to 6 characters); watches with no such key (pure negations) sit in an
// always-evaluated bucket. An item's distinct terms then select the candidate watches, and only those are
// evaluated, so matching cost follows the item's vocabulary, not the number of watches.
// Not responsible for what a match means (evaluate.ts): a candidate that does not match is fine,
// a matching watch that is not a candidate is a bug (the property test hunts for those).
// Reference: Lucene Monitor (TermFilteredPresearcher, QueryIndex).

import { PREFIX_BUCKET_LENGTH, type CompiledQuery, type PresearchKey } from './compile'
import type { PreparedItem } from './item'
import { stemWord } from './stem'
import { transliterationKey } from './transliterate'

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
  stems: Map<string, Map<string, number[]>>
  keys: Map<string, number[]>
  /** Wildcards by prefixHash of their (cut) literal prefix; collisions only add candidates. */
  prefixes: Map<number, number[]>
  /** `?` patterns without `*`, by prefix (or suffix) and term length (sizedHash). */
  sizedPrefixes: Map<number, number[]>
  sizedSuffixes: Map<number, number[]>
  keyPrefixes: Map<number, number[]>
  meta: Map<string, number[]>
  /** Bit n set: some prefix of length n is filed (n from 1 to compile.ts's PREFIX_BUCKET_LENGTH). */
  prefixLengths: number
  sizedPrefixLengths: number
  sizedSuffixLengths: number
  keyPrefixLengths: number
}

export function buildPresearcher(queries: CompiledQuery[]): Presearcher {
  const b: Buckets = {
    terms: new Map(),
    stems: new Map(),
    keys: new Map(),
    prefixes: new Map(),
    sizedPrefixes: new Map(),
    sizedSuffixes: new Map(),
    keyPrefixes: new Map(),
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
    if (!q.keys) {
      always.push(i)
      return
    }
    for (const key of q.keys.keys) fileKey(b, key, i)
  })
  const seen = new Uint8Array(queries.length)

  return {
    candidates(item) {
      const out: number[] = []
      const add = (list: number[] | undefined) => {
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
      const stems = lang ? b.stems.get(lang) : undefined
      // Terms repeated across fields are looked up again: cheaper than a Set of visited terms,
      // and `seen` already keeps each candidate once.
      for (const f of FIELD_ORDER) {
        for (const term of item.fields[f].byTerm.keys()) {
          add(b.terms.get(term))
          if (b.prefixLengths !== 0) lookupPrefixes(b.prefixes, b.prefixLengths, term, add)
          if (b.sizedPrefixLengths !== 0 || b.sizedSuffixLengths !== 0) {
            lookupSized(b, term, add)
          }
          if (lang) {
            const stem = stemWord(term, lang)
            if (stems) add(stems.get(stem))
            if (stem !== term) add(b.terms.get(stem))
          }
          if (needsKeys) {
            const key = transliterationKey(term)
            add(b.keys.get(key))
            if (key !== term) add(b.terms.get(key))
            if (b.keyPrefixLengths !== 0)
              lookupPrefixes(b.keyPrefixes, b.keyPrefixLengths, key, add)
          }
        }
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
    },
  }
}

const FIELD_ORDER = ['title', 'summary', 'content', 'author', 'category', 'url'] as const

function fileKey(b: Buckets, key: PresearchKey, watch: number): void {
  switch (key.kind) {
    case 'term':
      return file(b.terms, key.value, watch)
    case 'stem': {
      let map = b.stems.get(key.lang)
      if (!map) b.stems.set(key.lang, (map = new Map()))
      return file(map, key.value, watch)
    }
    case 'translit':
      return file(b.keys, key.value, watch)
    case 'prefix':
      b.prefixLengths |= 1 << key.value.length
      return file(b.prefixes, prefixHash(key.value), watch)
    case 'sizedPrefix':
      b.sizedPrefixLengths |= 1 << key.value.length
      return file(b.sizedPrefixes, sizedHash(prefixHash(key.value), key.length), watch)
    case 'sizedSuffix':
      b.sizedSuffixLengths |= 1 << key.value.length
      return file(b.sizedSuffixes, sizedHash(suffixHash(key.value), key.length), watch)
    case 'keyPrefix':
      b.keyPrefixLengths |= 1 << key.value.length
      return file(b.keyPrefixes, prefixHash(key.value), watch)
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
  map: Map<number, number[]>,
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

function sizedHash(prefix: number, length: number): number {
  return (Math.imul(prefix, 0x9e3779b1) + length) | 0
}

/** Hash of the last `k` characters of `s` (as prefixHash of that slice, without slicing). */
function suffixHash(s: string, k = s.length): number {
  let h = k
  for (let i = s.length - k; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

function lookupSized(b: Buckets, term: string, add: (list: number[] | undefined) => void): void {
  const n = Math.min(term.length, PREFIX_BUCKET_LENGTH)
  for (let k = 1; k <= n; k++) {
    if ((b.sizedPrefixLengths & (1 << k)) !== 0) {
      add(b.sizedPrefixes.get(sizedHash(prefixHash(term, k), term.length)))
    }
    if ((b.sizedSuffixLengths & (1 << k)) !== 0) {
      add(b.sizedSuffixes.get(sizedHash(suffixHash(term, k), term.length)))
    }
  }
}

function file<K>(map: Map<K, number[]>, key: K, watch: number): void {
  const list = map.get(key)
  if (list) {
    if (list[list.length - 1] !== watch) list.push(watch)
  } else {
    map.set(key, [watch])
  }
}
