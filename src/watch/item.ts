// Prepares one item for matching: tokenises each searchable field once, with an inverted map from
// term to token indices; finds the item's distinct Words (word.ts); and extracts the host,
// languages, feed id and tags that site:, lang: and feed: compare against. The lookups by stem,
// transliteration key and wildcard prefix are built lazily, only when a watch that needs them is
// evaluated. Not responsible for deciding matches (evaluate.ts).

import type { TextField } from './query-parser'
import { primaryLanguage } from './stem'
import { tokenize, type Token } from './tokenize'
import { hashString, nextItemStamp, prefixKey, trimLexicon, wordFor, type Word } from './word'

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
  /** Lazily set by explain.ts: whether every whitespace in `text` is a single plain space. */
  singleSpaced?: boolean
}

export interface PreparedItem {
  /** A number no other prepared item has (word.ts's nextItemStamp): keys per-item memos. */
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
  /** The item's distinct words over all fields (presearcher, stems, keys, wildcards). */
  words: Word[]
  /**
   * Lazily built, aligned with `words`: hashes of their stems (in stemLang) and transliteration
   * keys, and prefixKeys of their terms and keys (see CodeIndex).
   */
  stemCodes?: CodeIndex
  keyCodes?: CodeIndex
  prefixCodes?: CodeIndex
  keyPrefixCodes?: CodeIndex
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
  const stamp = nextItemStamp()
  const fields: Record<TextField, FieldIndex> = {
    title: indexField(item.title ?? ''),
    summary: indexField(item.summary ?? ''),
    content: indexField(item.content ?? ''),
    author: indexField(item.author ?? ''),
    category: indexCategories(item.categories ?? []),
    url: indexField(url),
  }
  return {
    stamp,
    fields,
    langs: languageTags([item.lang, item.feedLang]),
    stemLang: primaryLanguage(item.lang) ?? primaryLanguage(item.feedLang),
    host: hostText.toLowerCase().replace(/\.$/, ''),
    hostStart: host ? host[0].length - hostText.length : 0,
    feedId: (item.feedId ?? '').toLowerCase(),
    feedTags: (item.feedTags ?? []).map((t) => t.toLowerCase()),
    words: itemWords(fields, stamp),
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
function itemWords(fields: Record<TextField, FieldIndex>, stamp: number): Word[] {
  // Words met in this item carry its stamp (word.ts), so no Set of terms is needed.
  const out: Word[] = []
  for (const f of FIELD_ORDER) {
    for (const term of fields[f].byTerm.keys()) {
      const word = wordFor(term)
      if (word.itemStamp === stamp) continue
      word.itemStamp = stamp
      out.push(word)
    }
  }
  return out
}

const FIELD_ORDER = ['title', 'summary', 'content', 'author', 'category', 'url'] as const

/** The item's words whose stem in `lang` is `stem`. */
export function wordsByStem(item: PreparedItem, lang: string, stem: string): Word[] | undefined {
  item.stemCodes ??= codeIndex(item.words, (w) => w.stemHash(lang))
  return lookup(item.words, item.stemCodes, hashString(stem), (w) => w.stem(lang) === stem)
}

/** The item's words whose transliteration key is `key`. */
export function wordsByKey(item: PreparedItem, key: string): Word[] | undefined {
  item.keyCodes ??= codeIndex(item.words, (w) => w.keyHash())
  return lookup(item.words, item.keyCodes, hashString(key), (w) => w.translit() === key)
}

/** The item's words whose term may start with `prefix` (PREFIX_KEY_UNITS long at least). */
export function wordsByPrefix(item: PreparedItem, prefix: string): Word[] | undefined {
  item.prefixCodes ??= codeIndex(item.words, (w) => w.prefix)
  return lookup(item.words, item.prefixCodes, prefixKey(prefix), null)
}

/** The same, by the words' transliteration keys. */
export function wordsByKeyPrefix(item: PreparedItem, prefix: string): Word[] | undefined {
  item.keyPrefixCodes ??= codeIndex(item.words, (w) => w.keyPrefix())
  return lookup(item.words, item.keyPrefixCodes, prefixKey(prefix), null)
}

/**
 * One number per word of the item (a hash or prefixKey), and an open-addressing table over them
 * (linear probing; slot = word index + 1, 0 = empty). An item is asked a few dozen such questions
 * when its candidate watches are evaluated: scanning the codes for each cost ~50 µs an item on
 * the bench, a Map per item allocates one array per code, and this table costs one pass over the
 * words and an Int32Array. Words with equal codes sit along one probe run in word order, so a
 * lookup returns them ascending.
 */
export interface CodeIndex {
  codes: Int32Array
  table: Int32Array
  /** 32 minus log2 of the table's size: the shift that turns a mixed code into a slot. */
  shift: number
}

/** 16 slots at least; a table has at least twice as many slots as words, so runs stay short. */
const MIN_TABLE_BITS = 4

function codeIndex(words: Word[], code: (w: Word) => number): CodeIndex {
  const n = words.length
  const codes = new Int32Array(n)
  let bits = MIN_TABLE_BITS
  while (1 << bits < n * 2) bits++
  const table = new Int32Array(1 << bits)
  const mask = table.length - 1
  const shift = 32 - bits
  for (let i = 0; i < n; i++) {
    const c = (codes[i] = code(words[i]!))
    let slot = slotOf(c, shift)
    while (table[slot] !== 0) slot = (slot + 1) & mask
    table[slot] = i + 1
  }
  return { codes, table, shift }
}

/** Fibonacci hashing: prefixKeys are far from uniform in their low bits. */
function slotOf(code: number, shift: number): number {
  return Math.imul(code, 0x9e3779b1) >>> shift
}

/** The words whose code equals `code` and that pass `same` (codes may collide), in order. */
function lookup(
  words: Word[],
  index: CodeIndex,
  code: number,
  same: ((w: Word) => boolean) | null,
): Word[] | undefined {
  const { codes, table } = index
  const mask = table.length - 1
  let out: Word[] | undefined
  for (let slot = slotOf(code, index.shift); table[slot] !== 0; slot = (slot + 1) & mask) {
    const i = table[slot]! - 1
    if (codes[i] !== code) continue
    const word = words[i]!
    if (same && !same(word)) continue
    if (out) out.push(word)
    else out = [word]
  }
  return out
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
