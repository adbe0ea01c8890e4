// Prepares one item for matching: tokenises each searchable field once, with an inverted map from
// term to token indices, and extracts the host, languages, feed id and tags that site:, lang: and
// feed: compare against. Stem and transliteration maps are built lazily, only when a watch that
// opted in is evaluated. Not responsible for deciding matches (evaluate.ts).

import type { TextField } from './query-parser'
import { primaryLanguage, stemWord } from './stem'
import { tokenize, type Token } from './tokenize'
import { transliterationKey } from './transliterate'

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
  /** Lazily built: stem (in the item's language) → token indices. */
  byStem?: Map<string, number[]>
  /** Lazily built: transliteration key → token indices. */
  byKey?: Map<string, number[]>
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
  /** Lazily built: the item's distinct terms (all fields) in code-unit order, for wildcards. */
  sortedTerms?: string[]
  /** Lazily built: the item's distinct transliteration keys, in code-unit order. */
  sortedKeys?: string[]
}

/** Separates categories so a phrase never spans two of them. */
const CATEGORY_POSITION_GAP = 100
const CATEGORY_SEPARATOR = ', '
const HOST_RE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i

export function prepareItem(item: ItemFields): PreparedItem {
  const url = item.url ?? ''
  const host = HOST_RE.exec(url)
  const hostText = host?.[1] ?? ''
  return {
    fields: {
      title: indexField(item.title ?? ''),
      summary: indexField(item.summary ?? ''),
      content: indexField(item.content ?? ''),
      author: indexField(item.author ?? ''),
      category: indexCategories(item.categories ?? []),
      url: indexField(url),
    },
    langs: languageTags([item.lang, item.feedLang]),
    stemLang: primaryLanguage(item.lang) ?? primaryLanguage(item.feedLang),
    host: hostText.toLowerCase().replace(/\.$/, ''),
    hostStart: host ? host[0].length - hostText.length : 0,
    feedId: (item.feedId ?? '').toLowerCase(),
    feedTags: (item.feedTags ?? []).map((t) => t.toLowerCase()),
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

/** Builds (once per field) the map from stems in `lang` to token indices. */
export function stemIndex(field: FieldIndex, lang: string): Map<string, number[]> {
  if (!field.byStem) field.byStem = remap(field.byTerm, (t) => stemWord(t, lang))
  return field.byStem
}

/** Builds (once per field) the map from transliteration keys to token indices. */
export function keyIndex(field: FieldIndex): Map<string, number[]> {
  if (!field.byKey) field.byKey = remap(field.byTerm, transliterationKey)
  return field.byKey
}

/**
 * The item's distinct terms, sorted once for all fields, so a wildcard scans only its prefix's
 * range (each field then says whether it holds the term).
 */
export function sortedTerms(item: PreparedItem): string[] {
  if (!item.sortedTerms) {
    const all = new Set<string>()
    for (const field of Object.values(item.fields))
      for (const term of field.byTerm.keys()) all.add(term)
    item.sortedTerms = [...all].sort(compareStrings)
  }
  return item.sortedTerms
}

/** The item's distinct transliteration keys, sorted (see sortedTerms). */
export function sortedKeys(item: PreparedItem): string[] {
  if (!item.sortedKeys)
    item.sortedKeys = [...new Set(sortedTerms(item).map(transliterationKey))].sort(compareStrings)
  return item.sortedKeys
}

/** Index of the first string in `sorted` that is >= `prefix`. */
export function lowerBound(sorted: string[], prefix: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < prefix) lo = mid + 1
    else hi = mid
  }
  return lo
}

function remap(byTerm: Map<string, number[]>, mapTerm: (t: string) => string) {
  const out = new Map<string, number[]>()
  for (const [term, indices] of byTerm) {
    const key = mapTerm(term)
    const list = out.get(key)
    if (list) out.set(key, mergeSorted(list, indices))
    else out.set(key, indices)
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

/** Code-unit order, as `<` compares (and lowerBound expects); faster than sort()'s default. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
