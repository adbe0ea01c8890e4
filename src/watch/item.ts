// Prepares one item for matching: tokenises each searchable field once, with an inverted map from
// term to token indices and the field's distinct Words (word.ts), and extracts the host, languages, feed id and tags that site:, lang: and
// feed: compare against. Stem, transliteration and wildcard-prefix maps are built lazily, only when
// a watch that needs them is evaluated. Not responsible for deciding matches (evaluate.ts).

import type { TextField } from './query-parser'
import { primaryLanguage } from './stem'
import { tokenize, type Token } from './tokenize'
import { trimLexicon, wordFor, type Word } from './word'

/** The fields of an item a watch can look at; text fields are plain text (ingest strips HTML). */
export interface ItemFields {
  title?: string
  summary?: string
  content?: string
  url?: string
  author?: string
  categories?: string[]
  lang?: string
  feedLang?: string
  feedId?: string
  feedTags?: string[]
}

export interface FieldIndex {
  /** The field's original text; hit offsets point into it (categories joined by ", "). */
  text: string
  tokens: Token[]
  byTerm: Map<string, number[]>
}

export interface PreparedItem {
  fields: Record<TextField, FieldIndex>
  /** Language tags of the item and its feed, lowercased, each with its prefixes (fr-ca, fr). */
  langs: string[]
  /** The language whose stemmer applies: the item's, else the feed's (primary subtag). */
  stemLang: string | undefined
  /** Lowercased host of the item URL and its offsets in the URL ('' when there is none). */
  host: string
  hostStart: number
  feedId: string
  feedTags: string[]
  /** The item's distinct words over all fields (presearcher, stems, keys, wildcards). */
  words: Word[]
  /** Lazily built: the item's words by stem (in stemLang), by transliteration key, by prefixKey
   * of their term and of their key. */
  byStem?: Map<string, Word[]>
  byKey?: Map<string, Word[]>
  byPrefix?: Map<number, Word[]>
  byKeyPrefix?: Map<number, Word[]>
}

/** Separates categories so a phrase never spans two of them. */
const CATEGORY_POSITION_GAP = 100
const CATEGORY_SEPARATOR = ', '
const HOST_RE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i

export function prepareItem(item: ItemFields): PreparedItem {
  trimLexicon()
  const url = item.url ?? ''
  const host = HOST_RE.exec(url)
  const hostText = host?.[1] ?? ''
  const fields: Record<TextField, FieldIndex> = {
    title: indexField(item.title ?? ''),
    summary: indexField(item.summary ?? ''),
    content: indexField(item.content ?? ''),
    author: indexField(item.author ?? ''),
    category: indexCategories(item.categories ?? []),
    url: indexField(url),
  }
  return {
    fields,
    langs: languageTags([item.lang, item.feedLang]),
    stemLang: primaryLanguage(item.lang) ?? primaryLanguage(item.feedLang),
    host: hostText.toLowerCase().replace(/\.$/, ''),
    hostStart: host ? host[0].length - hostText.length : 0,
    feedId: (item.feedId ?? '').toLowerCase(),
    feedTags: (item.feedTags ?? []).map((t) => t.toLowerCase()),
    words: itemWords(fields),
  }
}

function indexField(text: string): FieldIndex {
  const tokens: Token[] = []
  tokenize(text, tokens)
  return { text, tokens, byTerm: mapTerms(tokens) }
}

function indexCategories(categories: string[]): FieldIndex {
  const tokens: Token[] = []
  let pos = 0
  let offset = 0
  for (const category of categories) {
    pos = tokenize(category, tokens, pos, offset) + CATEGORY_POSITION_GAP
    offset += category.length + CATEGORY_SEPARATOR.length
  }
  const text = categories.join(CATEGORY_SEPARATOR)
  return { text, tokens, byTerm: mapTerms(tokens) }
}

function mapTerms(tokens: Token[]): Map<string, number[]> {
  const byTerm = new Map<string, number[]>()
  for (let i = 0; i < tokens.length; i++) {
    const term = tokens[i]!.term
    const list = byTerm.get(term)
    if (list) list.push(i)
    else byTerm.set(term, [i])
  }
  return byTerm
}

/**
 * The item's distinct words: one lexicon lookup per distinct term of the item (the lexicon is
 * large and slow to probe; the item's own maps are small).
 */
function itemWords(fields: Record<TextField, FieldIndex>): Word[] {
  const seen = new Set<string>()
  const out: Word[] = []
  for (const f of FIELD_ORDER) {
    for (const term of fields[f].byTerm.keys()) {
      if (seen.has(term)) continue
      seen.add(term)
      out.push(wordFor(term))
    }
  }
  return out
}

const FIELD_ORDER = ['title', 'summary', 'content', 'author', 'category', 'url'] as const

/** The item's words grouped by their stem in `lang` (built once per item). */
export function wordsByStem(item: PreparedItem, lang: string): Map<string, Word[]> {
  return (item.byStem ??= groupWords(item.words, (w) => w.stem(lang)))
}

/** The item's words grouped by transliteration key (built once per item). */
export function wordsByKey(item: PreparedItem): Map<string, Word[]> {
  return (item.byKey ??= groupWords(item.words, (w) => w.translit()))
}

/**
 * Wildcards look words up by their first PREFIX_KEY_UNITS code units (a wildcard's literal
 * prefix must be at least that long to use it), so one only tests the few words sharing them.
 */
export const PREFIX_KEY_UNITS = 3

/** A number for the first PREFIX_KEY_UNITS code units of `s` (collisions only add words to test). */
export function prefixKey(s: string): number {
  return (s.charCodeAt(0) * 961 + s.charCodeAt(1) * 31 + s.charCodeAt(2)) | 0
}

/** The item's words whose term may start with `prefix` (see prefixKey). */
export function wordsByPrefix(item: PreparedItem, prefix: string): Word[] | undefined {
  item.byPrefix ??= groupByPrefix(item.words, (w) => w.term)
  return item.byPrefix.get(prefixKey(prefix))
}

/** The same, by the words' transliteration keys. */
export function wordsByKeyPrefix(item: PreparedItem, prefix: string): Word[] | undefined {
  item.byKeyPrefix ??= groupByPrefix(item.words, (w) => w.translit())
  return item.byKeyPrefix.get(prefixKey(prefix))
}

/** Token indices in `field` of any of `words`, ascending (undefined when none occurs there). */
export function indicesOf(field: FieldIndex, words: Word[] | undefined): number[] | undefined {
  if (!words) return undefined
  let found: number[] | undefined
  for (const word of words) {
    const list = field.byTerm.get(word.term)
    if (list) found = found ? mergeSorted(found, list) : list
  }
  return found
}

function groupWords(words: Word[], form: (w: Word) => string): Map<string, Word[]> {
  const out = new Map<string, Word[]>()
  for (const word of words) {
    const key = form(word)
    const list = out.get(key)
    if (list) list.push(word)
    else out.set(key, [word])
  }
  return out
}

function groupByPrefix(words: Word[], form: (w: Word) => string): Map<number, Word[]> {
  const out = new Map<number, Word[]>()
  for (const word of words) {
    const s = form(word)
    if (s.length < PREFIX_KEY_UNITS) continue
    const key = prefixKey(s)
    const list = out.get(key)
    if (list) list.push(word)
    else out.set(key, [word])
  }
  return out
}

/** Union of two ascending index lists, ascending, without duplicates. */
export function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity
    const y = j < b.length ? b[j]! : Infinity
    if (x <= y) {
      out.push(x)
      i++
      if (x === y) j++
    } else {
      out.push(y)
      j++
    }
  }
  return out
}

function languageTags(tags: Array<string | undefined>): string[] {
  const out = new Set<string>()
  for (const tag of tags) {
    if (!tag) continue
    const parts = tag.trim().toLowerCase().replace(/_/g, '-').split('-')
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('-'))
  }
  return [...out]
}
