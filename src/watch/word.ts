// The lexicon: every distinct search term seen in this isolate gets a number (its id) and a Word
// object carrying the forms matching derives from it (stem, transliteration key) and the
// presearcher's memo of the watches it selects, so a word met again in a later item costs one
// probe instead of re-deriving each form. What preparing and binding an item touch for every
// token (the term's code units, its occurrences in the item, the memos' validity) lives in flat
// typed arrays indexed by id, not on the Word: see Lexicon for why.
// Not responsible for deriving the forms (normalize.ts, stem.ts, transliterate.ts) nor for word
// boundaries (tokenize.ts).

import { computeStem } from './stem'
import { termHash } from './tokenize'
import { computeTransliterationKey } from './transliterate'

/**
 * A set of an item's words that a query leaf needs (compile.ts): those sharing a stem or a
 * transliteration key with a query word, or matching a wildcard. The presearcher fills it as it
 * goes through the item's words; `stamp` says for which item `ids` holds (word ids, in the
 * item's word order).
 */
export interface Leaf {
  stamp: number
  ids: number[]
}

/** Int32s per word id in Lexicon.rows, and what each holds. */
export const ROW = 8
/** Where the term's code units start in the pool, and how many there are. */
const POOL_START = 0
const LENGTH = 1
/**
 * The item being matched (item.ts): the number (nextItemStamp) of the last item holding this
 * word, and its occurrences there as a chain through that item's token numbers: FIRST, then
 * PreparedItem.next, in text order; LAST while the chain is built.
 */
export const ITEM_STAMP = 2
export const FIRST = 3
export const LAST = 4
/** The sweep epoch of the last lookup. */
const EPOCH = 5
/**
 * Presearcher memos (presearcher.ts): which index (and, for stems, which language) the memo
 * on the Word is valid for, times 4, plus MEMO_SELECTS and MEMO_JOINS when it is not empty.
 */
export const TERM_MEMO = 6
export const STEM_MEMO = 7
export const MEMO_SELECTS = 1
export const MEMO_JOINS = 2

export class Word {
  /**
   * Presearcher memo (presearcher.ts), valid as the row's TERM_MEMO says: the watches this word
   * selects through its term, prefixes and transliteration key, and the leaves (compile.ts) it
   * joins through those.
   */
  selected: readonly number[] = []
  leaves: readonly Leaf[] = []
  /** The same through its stem, valid as the row's STEM_MEMO says. */
  stemSelected: readonly number[] = []
  stemLeaves: readonly Leaf[] = []

  /**
   * The stems last asked for and their languages: a word is nearly always met in one language,
   * and names (Paris, Belgorod) in two or three, alternately.
   */
  private stemLang = ''
  private lastStem = ''
  private otherLang = ''
  private otherStem = ''
  /** Transliteration key, computed on first use. */
  private key: string | undefined = undefined

  constructor(
    readonly term: string,
    /** The row of this word in its lexicon; a sweep renumbers the words it keeps. */
    public id: number,
  ) {}

  /** The stem in `lang` (the term itself when `lang` has no stemmer). */
  stem(lang: string): string {
    if (this.stemLang === lang) return this.lastStem
    const stem = this.otherLang === lang ? this.otherStem : computeStem(this.term, lang)
    this.otherLang = this.stemLang
    this.otherStem = this.lastStem
    this.stemLang = lang
    return (this.lastStem = stem)
  }

  translit(): string {
    return (this.key ??= computeTransliterationKey(this.term))
  }
}

/**
 * A copy of `s` that does not keep the text it was cut from alive. V8 represents a substring of 13
 * or more characters as a view into its parent string, so a cached word would otherwise pin its
 * whole article in memory for as long as the isolate lives. Concatenating flattens into a new
 * string of the word's own length; the slice then views only that.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}

const INITIAL_WORDS = 1 << 12

/** findAll's candidate ids. */
let scratch = new Int32Array(INITIAL_WORDS)

/**
 * The term → id table and the per-id state, in typed arrays. Why not a Map<string, Word>: an
 * item's words are mostly met long ago, so each lookup misses the CPU cache, and a Map lookup is
 * a chain of dependent loads (bucket, entry, key string, Word), each a miss, behind a fresh
 * string that the tokenizer had to cut out and lowercase first. Here the tokenizer hashes a
 * word's folded units as it scans them and the lexicon compares them with the pool in place: a
 * known word costs no string at all, and a probe is a slot, a stretch of the pool and a row,
 * in loops short enough for the CPU to overlap the misses of successive words. Measured on the
 * bench corpus: tokenising and looking up an article's words went from ~220 to ~105 µs.
 *
 * Open addressing with linear probing over [hash, id + 1] pairs (0: empty), at most half full.
 *
 * Bounded so a long-lived isolate cannot grow it without limit: time is counted in epochs of a
 * quarter of `limit` new words; each lookup stamps its row with the epoch. When the lexicon is
 * full, sweep() keeps the words looked up in this epoch or the one before (none, if that would
 * free less than a quarter), renumbered from 0, and counts a generation: ids and Words obtained
 * before a sweep must be looked up again.
 */
export class Lexicon {
  /** ROW Int32s per id (the offsets above). Replaced when it grows: read it after any lookup. */
  rows = new Int32Array(INITIAL_WORDS * ROW)
  /** Word objects by id. */
  words: Word[] = []
  /** Counts sweeps: an id or Word kept from before the last one may no longer be the term's. */
  generation = 0
  private slots = new Int32Array(INITIAL_WORDS * 4)
  /** 32 minus log2 of the slot count: a hash's top bits pick its first slot. */
  private shift = 32 - Math.log2(INITIAL_WORDS * 2)
  /** The terms' code units, back to back. */
  private pool = new Uint16Array(INITIAL_WORDS * 8)
  private poolEnd = 0
  private epoch = 2
  private added = 0

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.words.length
  }

  /**
   * The id of the term whose units are text[start, end), lowercased (A–Z, А–Я only) when
   * `upper`, made on first use; `hash` is termHash of those lowercased units.
   */
  find(text: string, start: number, end: number, hash: number, upper: boolean): number {
    const slots = this.slots
    const mask = slots.length - 2
    const length = end - start
    let s = (Math.imul(hash, 0x9e3779b1) >>> this.shift) << 1
    for (let entry = slots[s + 1]!; entry !== 0; entry = slots[s + 1]!) {
      if (slots[s] === hash) {
        const id = entry - 1
        const r = id * ROW
        if (this.rows[r + LENGTH] === length && this.holds(r, text, start, upper)) {
          this.rows[r + EPOCH] = this.epoch
          return id
        }
      }
      s = (s + 2) & mask
    }
    const term = ownCopy(start === 0 && end === text.length ? text : text.slice(start, end))
    return this.add(upper ? term.toLowerCase() : term, hash, s)
  }

  /**
   * find for n terms at once, into `out` (which may be `to`): each phase runs over every term
   * before the next starts (the slots of all, then the rows of those, then their units in the
   * pool), so the CPU overlaps the cache misses of many words instead of waiting for each.
   */
  findAll(
    n: number,
    texts: readonly string[],
    from: Int32Array,
    to: Int32Array,
    hashes: Int32Array,
    upper: Uint8Array,
    out: Int32Array,
  ): void {
    if (scratch.length < n) scratch = new Int32Array(Math.max(n, scratch.length * 2))
    const slots = this.slots
    const mask = slots.length - 2
    const shift = this.shift
    for (let t = 0; t < n; t++) {
      const hash = hashes[t]!
      let s = (Math.imul(hash, 0x9e3779b1) >>> shift) << 1
      let found = -1
      for (let entry = slots[s + 1]!; entry !== 0; entry = slots[s + 1]!) {
        if (slots[s] === hash) {
          found = entry - 1
          break
        }
        s = (s + 2) & mask
      }
      scratch[t] = found
    }
    const rows = this.rows
    for (let t = 0; t < n; t++) {
      const id = scratch[t]!
      if (id >= 0 && rows[id * ROW + LENGTH] !== to[t]! - from[t]!) scratch[t] = -1
    }
    for (let t = 0; t < n; t++) {
      const id = scratch[t]!
      if (id >= 0 && this.holds(id * ROW, texts[t]!, from[t]!, upper[t] === 1)) {
        // this.rows: a find before may have grown them.
        this.rows[id * ROW + EPOCH] = this.epoch
        out[t] = id
      } else {
        out[t] = this.find(texts[t]!, from[t]!, to[t]!, hashes[t]!, upper[t] === 1)
      }
    }
  }

  /** The Word of a folded `term`, made on first use. */
  get(term: string): Word {
    return this.words[this.find(term, 0, term.length, termHash(term), false)]!
  }

  /** Makes room when full. Call only between items, so one item never holds two ids for a term. */
  sweep(): void {
    if (this.words.length < this.limit) return
    const keep = this.words.filter((w) => this.rows[w.id * ROW + EPOCH]! >= this.epoch - 1)
    const old = this.rows
    const oldPool = this.pool
    if (keep.length > (this.limit * 3) / 4) this.reset(0, 0)
    else {
      this.reset(
        keep.length,
        keep.reduce((n, w) => n + w.term.length, 0),
      )
      for (const word of keep) {
        const from = word.id * ROW
        const id = this.words.length
        const r = id * ROW
        this.rows.set(old.subarray(from, from + ROW), r)
        const start = old[from + POOL_START]!
        const length = old[from + LENGTH]!
        this.rows[r + POOL_START] = this.poolEnd
        this.pool.set(oldPool.subarray(start, start + length), this.poolEnd)
        this.poolEnd += length
        word.id = id
        this.words.push(word)
        this.slot(termHash(word.term), id)
      }
    }
    this.added = 0
    this.epoch++
    this.generation++
  }

  /** Whether the row at `r` holds text[start, start + its length), lowercased when `upper`. */
  private holds(r: number, text: string, start: number, upper: boolean): boolean {
    const pool = this.pool
    let p = this.rows[r + POOL_START]!
    const end = p + this.rows[r + LENGTH]!
    for (let i = start; p < end; p++, i++) {
      let c = text.charCodeAt(i)
      if (upper && ((c >= 0x41 && c <= 0x5a) || (c >= 0x410 && c <= 0x42f))) c += 0x20
      if (pool[p] !== c) return false
    }
    return true
  }

  /** Files a new term at the empty slot `s` its probe ended on. */
  private add(term: string, hash: number, s: number): number {
    const id = this.words.length
    if ((id + 1) * ROW > this.rows.length) this.rows = grown(this.rows, (id + 1) * ROW)
    if (this.poolEnd + term.length > this.pool.length) {
      this.pool = grown(this.pool, this.poolEnd + term.length)
    }
    const r = id * ROW
    this.rows[r + POOL_START] = this.poolEnd
    this.rows[r + LENGTH] = term.length
    this.rows[r + EPOCH] = this.epoch
    for (let i = 0; i < term.length; i++) this.pool[this.poolEnd++] = term.charCodeAt(i)
    this.words.push(new Word(term, id))
    if ((id + 1) * 4 > this.slots.length) this.rehash()
    else {
      this.slots[s] = hash
      this.slots[s + 1] = id + 1
    }
    if (++this.added >= this.limit / 4) {
      this.added = 0
      this.epoch++
    }
    return id
  }

  /** Files `id` under `hash` at the first empty slot of its probe. */
  private slot(hash: number, id: number): void {
    const mask = this.slots.length - 2
    let s = (Math.imul(hash, 0x9e3779b1) >>> this.shift) << 1
    while (this.slots[s + 1] !== 0) s = (s + 2) & mask
    this.slots[s] = hash
    this.slots[s + 1] = id + 1
  }

  /** Doubles the slots and files every word again. */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2)
    this.shift--
    for (const word of this.words) this.slot(termHash(word.term), word.id)
  }

  /** Empty, with room for `words` words of `units` code units in all. */
  private reset(words: number, units: number): void {
    let capacity = INITIAL_WORDS
    while (capacity < words) capacity *= 2
    this.rows = new Int32Array(capacity * ROW)
    this.pool = new Uint16Array(Math.max(capacity * 8, units))
    this.poolEnd = 0
    this.slots = new Int32Array(capacity * 4)
    this.shift = 32 - Math.log2(capacity * 2)
    this.words = []
  }
}

/** A copy of `array` at least `length` long (doubling, so growth costs O(1) a word). */
function grown<T extends Int32Array | Uint16Array>(array: T, length: number): T {
  let size = array.length * 2
  while (size < length) size *= 2
  const out = new (array.constructor as new (n: number) => T)(size)
  out.set(array)
  return out
}

/**
 * A news vocabulary of a few days fits (the bench's synthetic one, four languages with long
 * tails, has ~90,000 terms per 1,000 articles; at 100,000 it thrashed and matching slowed by a
 * quarter). Measured in Node on that corpus: ~45 MB of heap for the lexicon and the older memos
 * together, where workerd's compressed pointers make objects smaller; real vocabularies are
 * smaller still.
 */
export const LEXICON_LIMIT = 200_000

export const lexicon = new Lexicon(LEXICON_LIMIT)

export function wordFor(term: string): Word {
  return lexicon.get(term)
}

let itemStamps = 0

/**
 * A number for the item being prepared, new each call: marks its words as already listed
 * (item.ts) and keys the leaves filled for one item at a time (presearcher.ts).
 */
export function nextItemStamp(): number {
  return ++itemStamps
}

/** Makes room in the lexicon when it is full (see Lexicon.sweep): call between items only. */
export function trimLexicon(): void {
  lexicon.sweep()
}
