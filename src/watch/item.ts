// Prepares one item for matching: tokenises each searchable field once, gives each token its
// word's id in the lexicon (word.ts), lists the item's distinct words and chains each one's
// occurrences, and extracts the host, languages, feed id and tags that site:, lang: and feed:
// compare against. The words sharing a stem, a transliteration key or a wildcard with a query
// word are found by the presearcher (presearcher.ts's bind), from memos on the Words. Not
// responsible for deciding matches (evaluate.ts).

import type { TextField } from './query-parser'
import { hasStemmer, primaryLanguage } from './stem'
import { SCRATCH_KEEP, grown, scratchFor } from './buffers'
import { readerRules } from './reader-rules'
import { scanTokens, termHash, type TokenSink } from './tokenize'
import { FIRST, ITEM_STAMP, LAST, ROW, lexicon, nextItemStamp, trimLexicon } from './word'

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
  /** The item-wide number of this field's first token, and its number of tokens. */
  base: number
  count: number
  /** Lazily set by explain.ts: whether every whitespace in `text` is a single plain space. */
  singleSpaced?: boolean
}

export interface PreparedItem {
  /** A number no other prepared item has (word.ts's nextItemStamp): marks what belongs to it. */
  stamp: number
  /**
   * Lazily set by explain.ts: the snippet of matches without a text hit (site:, lang:, feed:
   * only), the same for every such match of the item.
   */
  lead?: string
  fields: Record<TextField, FieldIndex>
  /**
   * Per token, numbered through the fields in FIELD_ORDER: its word's id in the lexicon
   * (word.ts), its word position in its field, and its offsets into the field's text.
   */
  ids: Int32Array
  pos: Int32Array
  start: Int32Array
  end: Int32Array
  /** Language tags of the item and its feed, lowercased, each with its prefixes (fr-ca, fr). */
  langs: string[]
  /**
   * The language whose stemmer applies: the item's, else the feed's (primary subtag); undefined
   * when that language has no stemmer.
   */
  stemLang: string | undefined
  /**
   * Whether the item's language (else the feed's) is German: query words then also match in
   * their other German spelling (ue for ü, normalize.ts's germanSpelling).
   */
  german: boolean
  /** Lowercased host of the item URL and its offsets in the URL ('' when there is none). */
  host: string
  hostStart: number
  feedId: string
  feedTags: string[]
  /**
   * The ids of the item's distinct words, in order of first occurrence. Each word's row holds
   * its occurrences in this item (its FIRST token, then `next`), valid while the row's
   * ITEM_STAMP is this item's stamp: preparing another item takes them over, so an item is
   * matched before the next is prepared.
   */
  words: Int32Array
  /** next[t] is the token after t with the same word, or -1. */
  next: Int32Array
}

/** Separates categories so a phrase never spans two of them. */
const CATEGORY_POSITION_GAP = 100
const CATEGORY_SEPARATOR = ', '
const HOST_RE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i

/** The fields in item-wide token order. */
export const FIELD_ORDER = ['title', 'summary', 'content', 'author', 'category', 'url'] as const

/** Tokens the scratch holds at first: a long article has a few thousand. */
const INITIAL_TOKENS = 4096
/** ItemTokens's arrays with an element per token. */
const TOKEN_ARRAYS = ['pos', 'start', 'end', 'ids', 'next', 'from', 'to', 'hash'] as const

/**
 * Takes an item's tokens as scanTokens finds them, then looks all their words up in the lexicon
 * at once (lookUp), from the units the scan wrote: a known word without a string. One for the
 * isolate, reused by every item (preparing one is never interrupted).
 */
class ItemTokens implements TokenSink {
  /** Per token: its position and offsets, then (after lookUp) its word's id and next token. */
  pos = new Int32Array(INITIAL_TOKENS)
  start = new Int32Array(INITIAL_TOKENS)
  end = new Int32Array(INITIAL_TOKENS)
  ids = new Int32Array(INITIAL_TOKENS)
  next = new Int32Array(INITIAL_TOKENS)
  /** Per token, for lookUp: its term is units[from, to), with termHash `hash`. */
  from = new Int32Array(INITIAL_TOKENS)
  to = new Int32Array(INITIAL_TOKENS)
  hash = new Int32Array(INITIAL_TOKENS)
  units: Uint16Array = new Uint16Array(4 * INITIAL_TOKENS)
  unitEnd = 0
  count = 0
  offset = 0

  reserve(n: number) {
    this.units = grown(this.units, this.unitEnd + n)
  }

  plain(start: number, end: number, hash: number, pos: number) {
    const from = this.unitEnd
    this.unitEnd += end - start
    this.push(from, hash, pos, start + this.offset, end + this.offset)
  }

  token(term: string, pos: number, start: number, end: number) {
    this.reserve(term.length)
    const from = this.unitEnd
    for (let i = 0; i < term.length; i++) this.units[from + i] = term.charCodeAt(i)
    this.unitEnd += term.length
    this.push(from, termHash(term), pos, start, end)
  }

  /** Empties it for the next item, giving back what an oversized item made it grow to. */
  clear(): void {
    this.count = 0
    this.unitEnd = 0
    for (const key of TOKEN_ARRAYS) this[key] = scratchFor(this[key], INITIAL_TOKENS)
    // Long articles need more units than tokens: a higher bound before giving units back.
    this.units = scratchFor(this.units, 4 * INITIAL_TOKENS, 4 * SCRATCH_KEEP)
  }

  private push(from: number, hash: number, pos: number, start: number, end: number): void {
    const t = this.count++
    if (t === this.ids.length) this.grow()
    this.from[t] = from
    this.to[t] = this.unitEnd
    this.hash[t] = hash
    this.pos[t] = pos
    this.start[t] = start
    this.end[t] = end
  }

  /** Sets every token's id (see Lexicon.findAll). */
  lookUp(): void {
    lexicon.findAll(this.count, this.units, this.from, this.to, this.hash, this.ids)
  }

  private grow(): void {
    for (const key of TOKEN_ARRAYS) this[key] = grown(this[key], this[key].length + 1)
  }
}

const scratch = new ItemTokens()

export function prepareItem(item: ItemFields): PreparedItem {
  trimLexicon()
  const url = item.url ?? ''
  const host = HOST_RE.exec(url)
  const hostText = host?.[1] ?? ''
  const stamp = nextItemStamp()
  const language = primaryLanguage(item.lang) ?? primaryLanguage(item.feedLang)
  scratch.clear()
  const fields: Record<TextField, FieldIndex> = {
    title: tokenizeField(item.title ?? ''),
    summary: tokenizeField(item.summary ?? ''),
    content: tokenizeField(item.content ?? ''),
    author: tokenizeField(item.author ?? ''),
    category: tokenizeCategories(item.categories ?? []),
    url: tokenizeField(url),
  }
  const count = scratch.count
  scratch.lookUp()
  const distinctCount = chainWords(scratch.ids, count, stamp)
  // One block for the item's arrays: a typed array of this size costs ~0.8 µs to allocate
  // (its memory lives outside the JS heap), a view into one ~0.04 µs.
  const block = new Int32Array(5 * count + distinctCount)
  const take = (from: Int32Array, at: number, length: number) => {
    block.set(from.subarray(0, length), at)
    return block.subarray(at, at + length)
  }
  return {
    stamp,
    fields,
    ids: take(scratch.ids, 0, count),
    pos: take(scratch.pos, count, count),
    start: take(scratch.start, 2 * count, count),
    end: take(scratch.end, 3 * count, count),
    next: take(scratch.next, 4 * count, count),
    words: take(distinct, 5 * count, distinctCount),
    langs: languageTags([item.lang, item.feedLang]),
    stemLang: stemmerLanguage(language),
    german: readerRules.germanSpellings && language === 'de',
    host: hostText.toLowerCase().replace(/\.$/, ''),
    hostStart: host ? host[0].length - hostText.length : 0,
    feedId: (item.feedId ?? '').toLowerCase(),
    feedTags: (item.feedTags ?? []).map((t) => t.toLowerCase()),
  }
}

/** Scans one field into `scratch` (fields must come in FIELD_ORDER). */
function tokenizeField(text: string): FieldIndex {
  const base = scratch.count
  scratch.offset = 0
  scanTokens(matchedPart(text), scratch)
  return { text, base, count: scratch.count - base }
}

function tokenizeCategories(categories: string[]): FieldIndex {
  const base = scratch.count
  let pos = 0
  let offset = 0
  for (const category of categories) {
    if (offset >= MAX_FIELD_CHARS) break
    scratch.offset = offset
    pos = scanTokens(category, scratch, pos) + CATEGORY_POSITION_GAP
    offset += category.length + CATEGORY_SEPARATOR.length
  }
  const text = categories.join(CATEGORY_SEPARATOR)
  return { text, base, count: scratch.count - base }
}

/**
 * A field is matched on its first 200,000 characters (~30,000 words; the longest news articles
 * have ~10,000). Every word of an item enters the lexicon until the next item, so an unbounded
 * field (a feed may hold a 5 MB item of made-up words) could fill the isolate's memory.
 */
export const MAX_FIELD_CHARS = 200_000

/** The start of `text` that is matched: up to MAX_FIELD_CHARS, cut between words. */
function matchedPart(text: string): string {
  if (text.length <= MAX_FIELD_CHARS) return text
  const space = text.lastIndexOf(' ', MAX_FIELD_CHARS)
  return text.slice(0, space > 0 ? space : MAX_FIELD_CHARS)
}

/** Scratch for the distinct words of the item being prepared. */
let distinct: Int32Array = new Int32Array(INITIAL_TOKENS)

/**
 * Lists the item's distinct words (into `distinct`, returning how many) and chains each word's
 * tokens in text order (into scratch.next), through the words' rows: words met in this item
 * carry its stamp, so neither a set of terms nor a map per field is needed.
 */
function chainWords(ids: Int32Array, count: number, stamp: number): number {
  const next = scratch.next
  distinct = scratchFor(distinct, count)
  const rows = lexicon.rows
  let n = 0
  for (let t = 0; t < count; t++) {
    const id = ids[t]!
    const r = id * ROW
    next[t] = -1
    if (rows[r + ITEM_STAMP] === stamp) {
      next[rows[r + LAST]!] = t
    } else {
      rows[r + ITEM_STAMP] = stamp
      rows[r + FIRST] = t
      distinct[n++] = id
    }
    rows[r + LAST] = t
  }
  return n
}

/** Whether the word `id` occurs in `item` in any of `fields`. */
export function occursIn(item: PreparedItem, id: number, fields: readonly TextField[]): boolean {
  const rows = lexicon.rows
  if (rows[id * ROW + ITEM_STAMP] !== item.stamp) return false
  for (let t = rows[id * ROW + FIRST]!; t !== -1; t = item.next[t]!) {
    for (const f of fields) {
      const field = item.fields[f]
      if (t >= field.base && t < field.base + field.count) return true
    }
  }
  return false
}

/**
 * Token indices in field `f` (counted within the field) of any of the words `ids`, ascending,
 * or undefined when none occurs there.
 */
export function indicesOf(
  item: PreparedItem,
  f: TextField,
  ids: readonly number[],
): number[] | undefined {
  const rows = lexicon.rows
  const field = item.fields[f]
  const base = field.base
  const end = base + field.count
  let found: number[] | undefined
  let sorted = true
  for (const id of ids) {
    if (rows[id * ROW + ITEM_STAMP] !== item.stamp) continue
    const before = found ? found.length : 0
    for (let t = rows[id * ROW + FIRST]!; t !== -1 && t < end; t = item.next[t]!) {
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

function stemmerLanguage(lang: string | undefined): string | undefined {
  return hasStemmer(lang) ? lang : undefined
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
