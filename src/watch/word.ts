// The lexicon: every distinct search term seen in this isolate gets a number (its id) and, once
// something asks for it, a Word object carrying the forms matching derives from it (stem,
// transliteration key) and the presearcher's memo of the watches it selects, so a word met again
// in a later item costs one probe instead of re-deriving each form. Most words never need their
// Word: the presearcher's first-sight gate (first-sight-gate.ts) reads their units in the row and
// finds they reach nothing, so a new word costs its row and slot, and no object or string. What preparing and binding an item touch for every
// token (the term's code units, its occurrences in the item, the memos' validity) lives in flat
// typed arrays indexed by id, not on the Word: see Lexicon for why.
// Not responsible for deriving the forms (normalize.ts, stem.ts, transliterate.ts) nor for word
// boundaries (tokenize.ts).

import { STEM_LANGUAGES, computeStem } from './stem'
import { grown, scratchFor } from './buffers'
import { termHash, unitsToString } from './tokenize'
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

/** Int32s per word id in Lexicon.rows (64 bytes: a cache line), and what each holds. */
export const ROW = 16
/** The term's length in UTF-16 units, and where it starts in the pool if it is long. */
const LENGTH = 0
const POOL_START = 1
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
/**
 * A term of up to INLINE_UNITS units is kept in its row (Int32s 8 to 15, as 16-bit units from
 * unit INLINE_AT of the row), so that looking it up reads one slot and one row; longer ones
 * (a few percent of news words) live in the pool.
 */
const INLINE_UNITS = 16
const INLINE_AT = 16

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

  /** The stem last asked for and its language: a word is nearly always met in one. */
  private stemLang = ''
  private lastStem = ''
  /**
   * Its stems by language (index in STEM_LANGUAGES), once it is met in a second one: names and
   * international words (Paris, inflation) come back in articles of several languages in turn.
   */
  private stems: string[] | undefined = undefined

  /** Transliteration key, computed on first use. */
  private key: string | undefined = undefined

  /** termHash of the term (tokenize.ts). */
  readonly hash: number

  constructor(
    readonly term: string,
    /** The row of this word in its lexicon; a sweep renumbers the words it keeps. */
    public id: number,
  ) {
    this.hash = termHash(term)
  }

  /** The stem in `lang` (the term itself when `lang` has no stemmer). */
  stem(lang: string): string {
    if (this.stemLang === lang) return this.lastStem
    if (this.stemLang !== '' && this.stems === undefined) {
      this.stems = []
      const before = STEM_LANGUAGES.indexOf(this.stemLang)
      if (before >= 0) this.stems[before] = this.lastStem
    }
    const k = STEM_LANGUAGES.indexOf(lang)
    let stem = k >= 0 ? this.stems?.[k] : undefined
    if (stem === undefined) {
      stem = computeStem(this.term, lang)
      if (k >= 0 && this.stems) this.stems[k] = stem
    }
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

/**
 * Words the lexicon has room for before it first grows: a fresh isolate meets ~300 new words an
 * item (the bench's articles), so the first 100 items of a tick fill ~20,000 ids, and each
 * growth files every word again in code that has not been optimised yet (a rehash of 4,096 words
 * was ~5% of the first 20 items in a cold Node profile). 2.5 MB of zeroed arrays, which cost
 * nothing until touched.
 */
const INITIAL_WORDS = 1 << 15

/** findAll's candidate ids. */
let candidates: Int32Array = new Int32Array(INITIAL_WORDS)
/** What findAll read to bring slots and rows into the cache (kept, so the reads are made). */
let touches = 0
/** get's term, as units. */
let termUnits: Uint16Array = new Uint16Array(64)

/**
 * The term → id table and the per-id state, in typed arrays. Why not a Map<string, Word>: an
 * item's words are mostly met long ago, so each lookup misses the CPU cache, and a Map lookup is
 * a chain of dependent loads (bucket, entry, key string, Word), each a miss, behind a fresh
 * string that the tokenizer had to cut out and lowercase first. Here the tokenizer writes and
 * hashes a word's folded units as it scans them (tokenize.ts), and the lexicon compares them
 * with the units in the word's row: a known word costs no string at all, one slot and one row
 * (which also holds what preparing and binding the item touch next), in loops short enough for
 * the CPU to overlap the misses of successive words. Measured on the bench corpus: preparing an
 * article (tokenising and looking up its words) went from ~270 to ~80 µs, with the phased lookups
 * of findAll and the scan's folding table (docs/query-language.md).
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
  // The arrays, counts and shift a sweep renews are first set by reset(), from the constructor,
  // not by field initialisers as well: one allocation each. clear() reassigns some of them; the
  // start-up warm-up clears early so that code is optimised knowing they vary (warm-up.ts).
  /** ROW Int32s per id (the offsets above). Replaced when it grows: read it after any lookup. */
  rows!: Int32Array
  /** Where unitsOf's term starts in the array it returned. */
  unitsStart = 0
  /** Word objects by id, made on first use (word()). */
  private words!: Array<Word | undefined>
  private count!: number
  /** Counts sweeps: an id or Word kept from before the last one may no longer be the term's. */
  generation = 0
  /** `rows` as 16-bit units, for the terms kept inline. */
  private rowUnits!: Uint16Array
  private slots!: Int32Array
  /** 32 minus log2 of the slot count: a hash's top bits pick its first slot. */
  private shift!: number
  /** The units of the terms longer than INLINE_UNITS, back to back. */
  private pool!: Uint16Array
  private poolEnd!: number
  private epoch = 2
  private added = 0

  constructor(private readonly limit: number) {
    this.reset(0, 0)
  }

  get size(): number {
    return this.count
  }

  /** The Word of id `id`, made on first use (its term as a string from the units in its row). */
  word(id: number): Word {
    return this.words[id] ?? (this.words[id] = new Word(this.termOf(id), id))
  }

  /** The term of id `id`, as a new string. */
  termOf(id: number): string {
    const units = this.unitsOf(id)
    return unitsToString(units, this.unitsStart, this.unitsStart + this.rows[id * ROW + LENGTH]!)
  }

  /** The term's length in units of id `id`. */
  lengthOf(id: number): number {
    return this.rows[id * ROW + LENGTH]!
  }

  /**
   * The units of id `id`'s term, without a string: they are in the returned array from
   * `unitsStart` on, lengthOf(id) of them (read them before the next lookup, which may move them).
   */
  unitsOf(id: number): Uint16Array {
    const r = id * ROW
    if (this.rows[r + LENGTH]! <= INLINE_UNITS) {
      this.unitsStart = r * 2 + INLINE_AT
      return this.rowUnits
    }
    this.unitsStart = this.rows[r + POOL_START]!
    return this.pool
  }

  /** The id of the term whose units are units[from, to), made on first use; `hash` is its termHash. */
  find(units: Uint16Array, from: number, to: number, hash: number): number {
    const slots = this.slots
    const mask = slots.length - 2
    let s = (Math.imul(hash, 0x9e3779b1) >>> this.shift) << 1
    for (let entry = slots[s + 1]!; entry !== 0; entry = slots[s + 1]!) {
      if (slots[s] === hash && this.holds(entry - 1, units, from, to)) {
        this.rows[(entry - 1) * ROW + EPOCH] = this.epoch
        return entry - 1
      }
      s = (s + 2) & mask
    }
    return this.add(units, from, to - from, hash, s)
  }

  /**
   * find for n terms at once, into `out`: term t is units[from[t], to[t]) with hash hashes[t].
   * Each phase runs over every term before the next starts (the slots of all, then their
   * rows), so the CPU overlaps the cache misses of many words instead of waiting for each.
   */
  findAll(
    n: number,
    units: Uint16Array,
    from: Int32Array,
    to: Int32Array,
    hashes: Int32Array,
    out: Int32Array,
  ): void {
    candidates = scratchFor(candidates, n)
    const slots = this.slots
    const mask = slots.length - 2
    const shift = this.shift
    // Touching first, in loops without a branch that depends on what was loaded: a mispredicted
    // branch would discard the loads issued after it, and with them the overlap.
    let touched = 0
    for (let t = 0; t < n; t++) {
      touched ^= slots[((Math.imul(hashes[t]!, 0x9e3779b1) >>> shift) << 1) + 1]!
    }
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
      candidates[t] = found
    }
    const rows = this.rows
    for (let t = 0; t < n; t++) {
      const id = candidates[t]!
      touched ^= rows[(id & ~(id >> 31)) * ROW + LENGTH]!
    }
    touches = touched
    for (let t = 0; t < n; t++) {
      const id = candidates[t]!
      if (id >= 0 && this.holds(id, units, from[t]!, to[t]!)) {
        this.rows[id * ROW + EPOCH] = this.epoch
        out[t] = id
      } else {
        // Another word under the same hash, or a new word: the whole probe.
        out[t] = this.find(units, from[t]!, to[t]!, hashes[t]!)
      }
    }
  }

  /** The Word of a folded `term`, made on first use. */
  get(term: string): Word {
    termUnits = scratchFor(termUnits, term.length)
    let hash = 0
    for (let i = 0; i < term.length; i++) {
      const c = term.charCodeAt(i)
      termUnits[i] = c
      hash = (Math.imul(hash, 31) + c) | 0
    }
    const id = this.find(termUnits, 0, term.length, hash)
    return this.words[id] ?? (this.words[id] = new Word(ownCopy(term), id))
  }

  /** Makes room when full. Call only between items, so one item never holds two ids for a term. */
  sweep(): void {
    const count = this.count
    if (count < this.limit) return
    const old = this.rows
    const oldPool = this.pool
    const oldSlots = this.slots
    const oldWords = this.words
    const recent = this.epoch - 1
    let kept = 0
    let units = 0
    for (let id = 0; id < count; id++) {
      if (old[id * ROW + EPOCH]! < recent) continue
      kept++
      const length = old[id * ROW + LENGTH]!
      if (length > INLINE_UNITS) units += length
    }
    if (kept > (this.limit * 3) / 4) this.reset(0, 0)
    else {
      this.reset(kept, units)
      const renumbered = new Int32Array(count).fill(-1)
      for (let before = 0; before < count; before++) {
        const from = before * ROW
        if (old[from + EPOCH]! < recent) continue
        const id = this.count++
        renumbered[before] = id
        const r = id * ROW
        this.rows.set(old.subarray(from, from + ROW), r)
        const length = old[from + LENGTH]!
        if (length > INLINE_UNITS) {
          const start = old[from + POOL_START]!
          this.rows[r + POOL_START] = this.poolEnd
          this.pool.set(oldPool.subarray(start, start + length), this.poolEnd)
          this.poolEnd += length
        }
        const word = oldWords[before]
        if (word !== undefined) word.id = id
        this.words.push(word)
      }
      // The slots hold each term's hash: the kept ones are filed again under their new ids.
      for (let s = 0; s < oldSlots.length; s += 2) {
        const entry = oldSlots[s + 1]!
        if (entry !== 0 && renumbered[entry - 1]! >= 0)
          this.slot(oldSlots[s]!, renumbered[entry - 1]!)
      }
    }
    this.added = 0
    this.epoch++
    this.generation++
  }

  /**
   * Forgets every word, as a sweep that keeps none (ids and Words from before must be looked up
   * again): what the start-up warm-up (warm-up.ts) leaves. Call only between items.
   */
  clear(): void {
    // In place, keeping the room it had: the warm-up leaves no garbage for the first items'
    // collections to go through.
    this.rows.fill(0)
    this.slots.fill(0)
    this.words = []
    this.count = 0
    this.poolEnd = 0
    this.added = 0
    this.epoch++
    this.generation++
  }

  /** Whether word `id` is the term units[from, to). */
  private holds(id: number, units: Uint16Array, from: number, to: number): boolean {
    const r = id * ROW
    const length = to - from
    if (this.rows[r + LENGTH] !== length) return false
    return length <= INLINE_UNITS
      ? sameUnits(this.rowUnits, r * 2 + INLINE_AT, units, from, length)
      : sameUnits(this.pool, this.rows[r + POOL_START]!, units, from, length)
  }

  /**
   * Files a new term (its `length` units at units[from…]) at the empty slot `s` its probe ended
   * on. No Word and no string: word() makes them if something asks.
   */
  private add(units: Uint16Array, from: number, length: number, hash: number, s: number): number {
    const id = this.count++
    if ((id + 1) * ROW > this.rows.length) {
      this.rows = grown(this.rows, (id + 1) * ROW)
      this.rowUnits = new Uint16Array(this.rows.buffer)
    }
    const r = id * ROW
    this.rows[r + LENGTH] = length
    this.rows[r + EPOCH] = this.epoch
    // Copied by a loop, not set(subarray(…)): a view object per new word was the largest
    // allocation of a fresh isolate's first items (~0.5 of 4 MB over 20 items, cold Node).
    if (length <= INLINE_UNITS) {
      copyUnits(units, from, length, this.rowUnits, r * 2 + INLINE_AT)
    } else {
      this.pool = grown(this.pool, this.poolEnd + length)
      this.rows[r + POOL_START] = this.poolEnd
      copyUnits(units, from, length, this.pool, this.poolEnd)
      this.poolEnd += length
    }
    this.words.push(undefined)
    if ((id + 1) * 4 > this.slots.length) {
      this.rehash()
      this.slot(hash, id)
    } else {
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

  /** Doubles the slots and files every word again (from the old slots, which hold the hashes). */
  private rehash(): void {
    const old = this.slots
    this.slots = new Int32Array(old.length * 2)
    this.shift--
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] !== 0) this.slot(old[s]!, old[s + 1]! - 1)
    }
  }

  /** Empty, with room for `words` words, `units` of them long ones' units. */
  private reset(words: number, units: number): void {
    let capacity = INITIAL_WORDS
    while (capacity < words) capacity *= 2
    this.rows = new Int32Array(capacity * ROW)
    this.rowUnits = new Uint16Array(this.rows.buffer)
    this.pool = new Uint16Array(Math.max(INITIAL_WORDS, units))
    this.poolEnd = 0
    this.slots = new Int32Array(capacity * 4)
    this.shift = 32 - Math.log2(capacity * 2)
    this.words = []
    this.count = 0
  }
}

function copyUnits(src: Uint16Array, from: number, n: number, out: Uint16Array, at: number) {
  for (let k = 0; k < n; k++) out[at + k] = src[from + k]!
}

function sameUnits(a: Uint16Array, i: number, b: Uint16Array, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false
  return true
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
