// Compiles a parsed query for matching: attaches to every word what the watch's options ask for
// (a stem leaf, a transliteration key and its leaf), builds wildcard testers, and extracts the
// presearch keys: terms that every matching item must contain (presearcher.ts indexes the watch
// under them). Not responsible for parsing (query-parser.ts) nor for evaluation (evaluate.ts).
// Reference: Lucene Monitor's TermFilteredPresearcher, which weights extracted terms by length.

import { hasSurrogate, isHighSurrogate, isLowSurrogate } from '../lib/utf16'
import { readerRules } from './reader-rules'
import { parseQuery, type MetaField, type QueryAst, type TextField } from './query-parser'
import {
  READING_LANGUAGES,
  SCRIPT_LATIN,
  SCRIPT_OTHER,
  crossKey,
  queryCrossKeys,
  readingKey,
  scriptOf,
  transliterationKey,
} from './transliterate'
import type { Leaf } from './word'

export interface MatchOptions {
  stem?: boolean
  transliterate?: boolean
}

/** One word of a term or phrase, with its optional alternate forms. */
export interface WordMatcher {
  term: string
  /**
   * The term's id in the lexicon (word.ts), looked up on first use (-1 before), and the lexicon
   * generation it was looked up in (evaluate.ts's termId looks again after a sweep).
   */
  wordId: number
  wordGeneration: number
  /**
   * The item's words with this word's stem in the item's language (stem option; null without).
   * Compiling runs no stemmer: the presearcher files the stems of a language when the first
   * item in it comes.
   */
  stemLeaf: Leaf | null
  /**
   * Transliteration key (transliterate option), and the item's words that have it or, written
   * in the other script, share a cross key with it.
   */
  key: string | null
  keyLeaf: Leaf | null
  /**
   * What the transliterate option adds for a Latin or Cyrillic word (null otherwise). Kept
   * apart so that the matchers evaluation reads stay as small as before issue #16: evaluating
   * is mostly fetching the candidates' query trees from memory.
   */
  cross: CrossForms | null
  /** The word's other German spelling, matched in German items only (null for most words). */
  german: GermanSpelling | null
}

/** A transliterated word's extra keys, read by the presearcher when it files the watch. */
export interface CrossForms {
  /**
   * The keys of its stem (transliterate.ts's queryCrossKey, also of its readings): an item
   * word of the other script whose stem has one of them joins keyLeaf: `belgorod` finds
   * «Белгороде».
   */
  keys: readonly string[]
  script: number
  /**
   * A Latin word's keys as French and German render Russian and Ukrainian names
   * (transliterate.ts's readingKey), where they differ from `key`: `koursk` also has kursk's.
   */
  readings: readonly string[]
}

/**
 * A query word's other German spelling (query-parser.ts) and its lexicon id, looked up as
 * for `term`. When it is shorter than the word, it is the folded umlaut spelling
 * (`muenchen` → munchen), and only item words written with the umlaut count (evaluate.ts).
 */
export interface GermanSpelling {
  term: string
  id: number
  generation: number
}

export type CompiledNode =
  | { type: 'words'; fields: TextField[]; words: WordMatcher[]; text: string }
  | {
      type: 'wildcard'
      fields: TextField[]
      test: (term: string) => boolean
      /** Transliteration key of the literal prefix, for `*`-only patterns under the option. */
      keyPrefix: string | null
      /** Literal characters before the first `?` or `*`. */
      prefix: string
      /** Without `*`: the term lengths (UTF-16 units) it can match; each `?` is 1 or 2 units. */
      lengths: number[] | null
      /** Literal characters after the last `?` (meaningful without `*`). */
      suffix: string
      text: string
      /** The pattern as parsed: literal pieces between `?`s, and whether it ends in `*`. */
      pieces: string[]
      star: boolean
      /** The item's words the pattern matches, and those whose key starts with keyPrefix. */
      leaf: Leaf
      keyLeaf: Leaf | null
    }
  | { type: 'meta'; field: MetaField; value: string; text: string }
  | { type: 'and' | 'or'; children: CompiledNode[] }
  | { type: 'not'; child: CompiledNode }
  | {
      type: 'near'
      left: CompiledNode
      right: CompiledNode
      distance: number
      ordered: boolean
      fields: TextField[]
    }

export interface CompiledQuery {
  query: string
  options: MatchOptions
  root: CompiledNode
}

/** One presearch key: an item that can match holds a term giving this value. */
export type PresearchKey =
  | {
      kind:
        | 'term'
        | 'stemOf'
        | 'translit'
        | 'crossLatin'
        | 'crossCyrillic'
        | 'prefix'
        | 'keyPrefix'
        | 'meta'
      value: string
    }
  | { kind: 'sized'; value: string; suffix: string; length: number }

/**
 * A disjunction of keys: a matching item yields at least one. A `term` is an item term; a
 * `stemOf` a term whose stem, in the item's language, is the stem of an item term (the
 * presearcher files it per language when the first item in that language comes); a `translit`
 * an item term's transliteration key; a `crossLatin` (`crossCyrillic`) the key of the stem of
 * an item term in the other script, Cyrillic (Latin), stemmed as transliterate.ts's
 * crossStemLanguage says; a `prefix`/`keyPrefix` the first 1 to
 * PREFIX_BUCKET_LENGTH characters of those (a `sizedPrefix` also the term's length); a `meta` an
 * item's `site:`/`lang:`/`feed:` value; a `sized` key (a `?` pattern without `*`) the first 0 to
 * PREFIX_BUCKET_LENGTH characters of a term of exactly `length` units, together with its last 0
 * to PREFIX_BUCKET_LENGTH characters (`suffix`). Stems and transliteration keys equal to the term itself
 * are not filed: the item side also looks its stems and keys up among plain terms.
 */
export interface PresearchKeys {
  keys: PresearchKey[]
  /** Higher is more selective; AND keeps its most selective operand. */
  weight: number
}

/**
 * A wildcard is filed under its literal prefix cut to this many characters; the item side looks
 * up each term's prefixes of the lengths in use. Three characters (`con*`, `int*`) select a large
 * share of any vocabulary; ten keep buckets small (`bergbu*` and `bergburgd*` no longer share one,
 * which cut the bench's candidates by a third), and the lookups are memoised per word
 * (presearcher.ts), so their number costs only on a word's first item.
 */
export const PREFIX_BUCKET_LENGTH = 10

/**
 * Words so frequent that indexing a watch under them makes it a candidate for nearly every item.
 * They still match; they are only avoided as presearch keys when a rarer required term exists.
 */
const COMMON_WORDS = new Set(
  (
    'the of and to in a is for on that with as by at from it be was are this an or ' +
    'le la les de des du un une et en a au aux pour par sur dans est que qui ' +
    'der die das und in den von zu mit ist im fur auf ein eine des dem nicht ' +
    'и в на с по не что как к из за о от для это'
  ).split(' '),
)

export function compileQuery(query: string, options: MatchOptions = {}): CompiledQuery {
  const root = compileNode(parseQuery(query), options)
  return { query, options, root }
}

function compileNode(node: QueryAst, options: MatchOptions): CompiledNode {
  switch (node.type) {
    case 'term':
      return words(node.fields, [node.term], node.text, options, [node.german ?? null])
    case 'phrase':
      return words(node.fields, node.terms, node.text, options, node.germans)
    case 'wildcard':
      return wildcard(node.fields, node.pieces, node.star, node.text, options)
    case 'meta':
      return { type: 'meta', field: node.field, value: node.value, text: node.text }
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map((c) => compileNode(c, options)) }
    case 'not':
      return { type: 'not', child: compileNode(node.child, options) }
    case 'near': {
      const left = compileNode(node.left, options)
      const right = compileNode(node.right, options)
      const fields = [...new Set([...spanFields(left), ...spanFields(right)])]
      return { type: 'near', left, right, distance: node.distance, ordered: node.ordered, fields }
    }
  }
}

export function spanFields(node: CompiledNode): TextField[] {
  switch (node.type) {
    case 'words':
    case 'wildcard':
    case 'near':
      return node.fields
    case 'or':
      return [...new Set(node.children.flatMap(spanFields))]
    default:
      return []
  }
}

function words(
  fields: TextField[],
  terms: string[],
  text: string,
  options: MatchOptions,
  germans: ReadonlyArray<string | null> | undefined,
): CompiledNode {
  const matchers = terms.map((term, k): WordMatcher => {
    const key = options.transliterate ? transliterationKey(term) : null
    const script = key !== null ? scriptOf(term) : SCRIPT_OTHER
    // Most words of most watches have neither: a shared empty list, not two new ones a word.
    let readingKeys = NO_KEYS
    if (script === SCRIPT_LATIN && readerRules.readings) {
      for (const lang of READING_LANGUAGES) {
        const reading = readingKey(term, lang)
        if (reading === key || readingKeys.includes(reading)) continue
        readingKeys = readingKeys === NO_KEYS ? [reading] : [...readingKeys, reading]
      }
    }
    const crossScript = readerRules.crossScriptStems ? script : SCRIPT_OTHER
    let crossKeys = NO_KEYS
    if (crossScript !== SCRIPT_OTHER) {
      const keys = queryCrossKeys(term, crossScript)
      for (const reading of readingKeys) {
        const cross = crossKey(reading)
        if (!keys.includes(cross)) keys.push(cross)
      }
      crossKeys = keys
    }
    const cross =
      crossKeys.length > 0 || readingKeys.length > 0
        ? { keys: crossKeys, script: crossScript, readings: readingKeys }
        : null
    const stemLeaf = options.stem === true ? newLeaf() : null
    const keyLeaf = key !== null ? newLeaf() : null
    return wordMatcher(term, key, cross, germans?.[k] ?? null, stemLeaf, keyLeaf)
  })
  return { type: 'words', fields, words: matchers, text }
}

/**
 * A word matcher from what compiling derived for it (the key, the cross forms, the German
 * spelling) and its leaves (a stem leaf with the stem option, a key leaf with a key): compiling
 * and loading a snapshot (snapshot.ts) build matchers here, so both give objects of one shape,
 * which evaluation reads without polymorphic lookups.
 */
export function wordMatcher(
  term: string,
  key: string | null,
  cross: CrossForms | null,
  german: string | null,
  stemLeaf: Leaf | null,
  keyLeaf: Leaf | null,
): WordMatcher {
  return {
    term,
    wordId: -1,
    wordGeneration: -1,
    stemLeaf,
    key,
    keyLeaf,
    cross,
    german: germanOf(german),
  }
}

function wildcard(
  fields: TextField[],
  pieces: string[],
  star: boolean,
  text: string,
  options: MatchOptions,
): CompiledNode {
  let keyPrefix: string | null = null
  if (options.transliterate && pieces.length === 1) {
    keyPrefix = transliterationKey(pieces[0] ?? '')
    if (keyPrefix === '') keyPrefix = null
  }
  const keyLeaf = keyPrefix !== null ? newLeaf() : null
  return wildcardNode(fields, pieces, star, text, keyPrefix, newLeaf(), keyLeaf)
}

/**
 * A wildcard node from its pattern, the transliteration key of its literal prefix (null without
 * the option) and its leaves (the key leaf with a key prefix): compiling and loading a snapshot
 * (snapshot.ts) both build them here.
 */
export function wildcardNode(
  fields: TextField[],
  pieces: string[],
  star: boolean,
  text: string,
  keyPrefix: string | null,
  leaf: Leaf,
  keyLeaf: Leaf | null,
): CompiledNode {
  const prefix = pieces[0] ?? ''
  const test = wildcardTest(pieces, star)
  let lengths: number[] | null = null
  if (!star) {
    const literal = pieces.reduce((sum, p) => sum + p.length, 0)
    const marks = pieces.length - 1
    lengths = []
    for (let n = literal + marks; n <= literal + 2 * marks; n++) lengths.push(n)
  }
  const suffix = pieces[pieces.length - 1] ?? ''
  return {
    type: 'wildcard',
    fields,
    test,
    keyPrefix,
    prefix,
    lengths,
    suffix,
    text,
    pieces,
    star,
    leaf,
    keyLeaf,
  }
}

/** Whether a term matches the pattern (literal pieces between `?`s, `*` at the end or not). */
export function wildcardTest(pieces: readonly string[], star: boolean): (term: string) => boolean {
  const prefix = pieces[0] ?? ''
  if (pieces.length === 1) return (term) => term.startsWith(prefix)
  if (!pieces.some(hasSurrogate)) return (term) => fitsPieces(term, pieces, star)
  // Built on first use: most wildcards are never evaluated against an item.
  let re: RegExp | undefined
  return (term) => {
    re ??= wildcardRegExp(pieces, star)
    return re.test(term)
  }
}

/** The pattern as a RegExp: `?` is one code point, as `.` is with the `u` flag. */
export function wildcardRegExp(pieces: readonly string[], star: boolean): RegExp {
  return new RegExp(`^${pieces.map(escapeRegExp).join('.')}${star ? '' : '$'}`, 'u')
}

/**
 * wildcardRegExp's test, for pieces without a surrogate unit, read in place: a new isolate
 * compiled a RegExp for every `?` pattern its first items reached (~3 ms of the first 100 items
 * at 10,000 watches, docs/query-language.md). The same answer because the match is forced:
 * literal pieces and `?`s each take a fixed place, so there is nothing to backtrack over. `?`
 * takes one code point (a surrogate pair whole) that is not a line terminator, as `.` does
 * under `u`; a piece with a surrogate unit could meet half a pair, which `u` forbids, so those
 * patterns keep the RegExp (test/watch/match.test.ts holds the two to one answer).
 */
function fitsPieces(term: string, pieces: readonly string[], star: boolean): boolean {
  let at = 0
  for (let k = 0; k < pieces.length; k++) {
    if (k > 0) {
      if (at >= term.length) return false
      const c = term.charCodeAt(at)
      if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return false
      const pair =
        isHighSurrogate(c) && at + 1 < term.length && isLowSurrogate(term.charCodeAt(at + 1))
      at += pair ? 2 : 1
    }
    const piece = pieces[k]!
    if (!term.startsWith(piece, at)) return false
    at += piece.length
  }
  return star || at === term.length
}

const NO_KEYS: readonly string[] = []

function germanOf(term: string | null): GermanSpelling | null {
  return term === null ? null : { term, id: -1, generation: -1 }
}

export function newLeaf(): Leaf {
  return { stamp: 0, ids: [] }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The presearch keys of a compiled query, or null when a match need contain no particular term
 * (pure negations). Computed by the presearcher when it files a watch, never kept.
 */
export function presearchKeys(node: CompiledNode): PresearchKeys | null {
  switch (node.type) {
    case 'words': {
      let best: WordMatcher | undefined
      let bestWeight = -1
      for (const word of node.words) {
        const weight = wordWeight(word.term)
        if (weight > bestWeight) {
          best = word
          bestWeight = weight
        }
      }
      if (!best) return null
      const keys: PresearchKey[] = [{ kind: 'term', value: best.term }]
      // Filed under both German spellings; a non-German item with the other one is a
      // candidate that evaluation turns down.
      if (best.german !== null) keys.push({ kind: 'term', value: best.german.term })
      if (best.stemLeaf) keys.push({ kind: 'stemOf', value: best.term })
      if (best.key !== null && best.key !== best.term)
        keys.push({ kind: 'translit', value: best.key })
      if (best.cross !== null) {
        for (const value of best.cross.readings) keys.push({ kind: 'translit', value })
        const kind = best.cross.script === SCRIPT_LATIN ? 'crossLatin' : 'crossCyrillic'
        for (const value of best.cross.keys) keys.push({ kind, value })
      }
      return { keys, weight: bestWeight }
    }
    case 'wildcard': {
      if (node.prefix === '' && (node.lengths === null || node.suffix === '')) return null
      const value = node.prefix.slice(0, PREFIX_BUCKET_LENGTH)
      let keys: PresearchKey[] = [{ kind: 'prefix', value }]
      let weight = value.length / 2
      if (node.lengths) {
        // `bel?orod` can only match 8-unit words starting `bel` and ending `orod`: file by both
        // ends and the length. By one end alone, the bench's `?` watches were a fifth of all
        // candidates and matched one time in six.
        const suffix = node.suffix.slice(-PREFIX_BUCKET_LENGTH)
        keys = node.lengths.map((length) => ({ kind: 'sized', value, suffix, length }))
        weight = Math.min(value.length + suffix.length, PREFIX_BUCKET_LENGTH)
      }
      if (node.keyPrefix !== null) {
        keys.push({ kind: 'keyPrefix', value: node.keyPrefix.slice(0, PREFIX_BUCKET_LENGTH) })
      }
      // A prefix bucket is shared by every word starting that way: less selective than a term.
      return { keys, weight }
    }
    case 'meta': {
      const weight = node.field === 'site' ? 2 : node.field === 'feed' ? 1 : 0.5
      return { keys: [{ kind: 'meta', value: `${node.field}:${node.value}` }], weight }
    }
    case 'not':
      return null
    case 'near':
      return pickBest([presearchKeys(node.left), presearchKeys(node.right)])
    case 'and':
      return pickBest(node.children.map(presearchKeys))
    case 'or': {
      const keys: PresearchKey[] = []
      let weight = Infinity
      for (const child of node.children) {
        const childKeys = presearchKeys(child)
        if (!childKeys) return null
        keys.push(...childKeys.keys)
        weight = Math.min(weight, childKeys.weight)
      }
      return { keys, weight }
    }
  }
}

function pickBest(candidates: Array<PresearchKeys | null>): PresearchKeys | null {
  let best: PresearchKeys | null = null
  for (const keys of candidates) {
    if (!keys) continue
    if (
      !best ||
      keys.weight > best.weight ||
      (keys.weight === best.weight && keys.keys.length < best.keys.length)
    ) {
      best = keys
    }
  }
  return best
}

/** Lucene Monitor's default: longer terms are rarer. Very common words weigh least. */
function wordWeight(term: string): number {
  if (COMMON_WORDS.has(term)) return 0.25
  return Math.min(term.length, 12)
}
