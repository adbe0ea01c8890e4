// Prepares one item for matching: tokenises each searchable field once, finds the item's distinct
// Words (word.ts) and chains each Word's occurrences, and extracts the host, languages, feed id
// and tags that site:, lang: and feed: compare against. The words sharing a stem, a
// transliteration key or a wildcard with a query word are found by the presearcher
// (presearcher.ts's bind), from memos on the Words. Not responsible for deciding matches
// (evaluate.ts).

import type { TextField } from './query-parser'
import { primaryLanguage } from './stem'
import { tokenize, type Token } from './tokenize'
import { nextItemStamp, trimLexicon, wordFor, type Word } from './word'

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
  /** The item-wide number of this field's first token (see PreparedItem.next). */
  base: number
  /** Lazily set by explain.ts: whether every whitespace in `text` is a single plain space. */
  singleSpaced?: boolean
}

export interface PreparedItem {
  /** A number no other prepared item has (word.ts's nextItemStamp): marks what belongs to it. */
  stamp: number
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
  /**
   * The item's distinct words over all fields. Each Word holds its occurrences in this item (its
   * `first` token, then `next`), valid while its itemStamp is this item's stamp: preparing
   * another item takes them over, so an item is matched before the next is prepared.
   */
  words: Word[]
  /** Token numbers run through the fields in FIELD_ORDER; next[t] is the word's next token or -1. */
  next: Int32Array
}

/** Separates categories so a phrase never spans two of them. */
const CATEGORY_POSITION_GAP = 100
const CATEGORY_SEPARATOR = ', '
const HOST_RE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i

/** The fields in item-wide token order. */
export const FIELD_ORDER = ['title', 'summary', 'content', 'author', 'category', 'url'] as const

export function prepareItem(item: ItemFields): PreparedItem {
  trimLexicon()
  const url = item.url ?? ''
  const host = HOST_RE.exec(url)
  const hostText = host?.[1] ?? ''
  const stamp = nextItemStamp()
  const fields: Record<TextField, FieldIndex> = {
    title: tokenizeField(item.title ?? ''),
    summary: tokenizeField(item.summary ?? ''),
    content: tokenizeField(item.content ?? ''),
    author: tokenizeField(item.author ?? ''),
    category: tokenizeCategories(item.categories ?? []),
    url: tokenizeField(url),
  }
  const { words, next } = chainWords(fields, stamp)
  return {
    stamp,
    fields,
    langs: languageTags([item.lang, item.feedLang]),
    stemLang: primaryLanguage(item.lang) ?? primaryLanguage(item.feedLang),
    host: hostText.toLowerCase().replace(/\.$/, ''),
    hostStart: host ? host[0].length - hostText.length : 0,
    feedId: (item.feedId ?? '').toLowerCase(),
    feedTags: (item.feedTags ?? []).map((t) => t.toLowerCase()),
    words,
    next,
  }
}

function tokenizeField(text: string): FieldIndex {
  const tokens: Token[] = []
  tokenize(text, tokens)
  return { text, tokens, base: 0 }
}

function tokenizeCategories(categories: string[]): FieldIndex {
  const tokens: Token[] = []
  let pos = 0
  let offset = 0
  for (const category of categories) {
    pos = tokenize(category, tokens, pos, offset) + CATEGORY_POSITION_GAP
    offset += category.length + CATEGORY_SEPARATOR.length
  }
  return { text: categories.join(CATEGORY_SEPARATOR), tokens, base: 0 }
}

/**
 * Numbers the tokens across fields, finds each token's Word (one lexicon lookup per token) and
 * chains each Word's tokens in text order. Words met in this item carry its stamp, so neither
 * a set of terms nor a map per field is needed.
 */
function chainWords(
  fields: Record<TextField, FieldIndex>,
  stamp: number,
): { words: Word[]; next: Int32Array } {
  let total = 0
  for (const f of FIELD_ORDER) total += fields[f].tokens.length
  const next = new Int32Array(total).fill(-1)
  const words: Word[] = []
  let t = 0
  for (const f of FIELD_ORDER) {
    const field = fields[f]
    field.base = t
    const tokens = field.tokens
    for (let i = 0; i < tokens.length; i++, t++) {
      const word = wordFor(tokens[i]!.term)
      if (word.itemStamp === stamp) {
        next[word.last] = t
      } else {
        word.itemStamp = stamp
        word.first = t
        words.push(word)
      }
      word.last = t
    }
  }
  return { words, next }
}

/** Whether `word` occurs in `item` in any of `fields`. */
export function occursIn(item: PreparedItem, word: Word, fields: readonly TextField[]): boolean {
  if (word.itemStamp !== item.stamp) return false
  for (let t = word.first; t !== -1; t = item.next[t]!) {
    for (const f of fields) {
      const field = item.fields[f]
      if (t >= field.base && t < field.base + field.tokens.length) return true
    }
  }
  return false
}

/**
 * Token indices in field `f` (counted within the field) of any of `words`, ascending, or
 * undefined when none occurs there.
 */
export function indicesOf(
  item: PreparedItem,
  f: TextField,
  words: readonly Word[],
): number[] | undefined {
  const field = item.fields[f]
  const base = field.base
  const end = base + field.tokens.length
  let found: number[] | undefined
  let sorted = true
  for (const word of words) {
    if (word.itemStamp !== item.stamp) continue
    const before = found ? found.length : 0
    for (let t = word.first; t !== -1 && t < end; t = item.next[t]!) {
      if (t < base) continue
      if (found) found.push(t - base)
      else found = [t - base]
    }
    if (before > 0 && found!.length > before) sorted = false
  }
  // Each token has one term, so words never share one: sorting is all the union needs.
  if (!sorted) found!.sort((a, b) => a - b)
  return found
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
