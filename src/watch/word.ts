// The lexicon: one Word object per distinct search term seen in this isolate, carrying the forms
// matching derives from it (stem, transliteration key) and the presearcher's memo of the watches
// it selects, so a word met again in a later item costs one Map lookup instead of re-deriving
// each form. Not responsible for deriving the forms (normalize.ts,
// stem.ts, transliterate.ts) nor for word boundaries (tokenize.ts).

import { stemWord } from './stem'
import { computeTransliterationKey } from './transliterate'

export class Word {
  /** prefixKey of the term: wildcards compare it before the term itself. */
  readonly prefix: number
  /** Transliteration key and its hash and prefixKey, computed on first use. */
  private key: string | undefined = undefined
  private keyHashValue = 0
  private keyPrefixValue = 0
  /** The stem last asked for, its hash and its language (a word is nearly always met in one). */
  private stemLang = ''
  private lastStem = ''
  private stemHashValue = 0

  /** Lexicon.sweep: the epoch of the last lookup. */
  epoch = 0
  /** item.ts: the number of the last item whose word list holds this word (nextItemStamp). */
  itemStamp = 0

  /** Presearcher memo: the number of the index it was computed for, and the watches selected. */
  selectedBy = 0
  selected: readonly number[] = []
  /** Presearcher memo for stems: index, language, watches selected through the stem. */
  stemSelectedBy = 0
  stemSelectedLang = ''
  stemSelected: readonly number[] = []

  constructor(readonly term: string) {
    this.prefix = prefixKey(term)
  }

  /** The stem in `lang` (the term itself when `lang` has no stemmer). */
  stem(lang: string): string {
    if (this.stemLang !== lang) {
      this.lastStem = stemWord(this.term, lang)
      this.stemHashValue = hashString(this.lastStem)
      this.stemLang = lang
    }
    return this.lastStem
  }

  stemHash(lang: string): number {
    this.stem(lang)
    return this.stemHashValue
  }

  translit(): string {
    if (this.key === undefined) {
      this.key = computeTransliterationKey(this.term)
      this.keyHashValue = hashString(this.key)
      this.keyPrefixValue = prefixKey(this.key)
    }
    return this.key
  }

  keyHash(): number {
    this.translit()
    return this.keyHashValue
  }

  keyPrefix(): number {
    this.translit()
    return this.keyPrefixValue
  }
}

/** A 32-bit hash of `s` (FNV-1a over code units): equal strings hash equal. */
export function hashString(s: string): number {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h
}

/**
 * Wildcards find words by their first PREFIX_KEY_UNITS code units (a wildcard's literal prefix
 * must be at least that long to use it), so only the few words sharing them are tested.
 */
export const PREFIX_KEY_UNITS = 3

/** A number for the first PREFIX_KEY_UNITS code units of `s` (collisions are re-checked). */
/**
 * A copy of `s` that does not keep the text it was cut from alive. V8 represents a substring of 13
 * or more characters as a view into its parent string, so a cached word would otherwise pin its
 * whole article in memory for as long as the isolate lives. Concatenating flattens into a new
 * string of the word's own length; the slice then views only that.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}

export function prefixKey(s: string): number {
  return (s.charCodeAt(0) * 961 + s.charCodeAt(1) * 31 + s.charCodeAt(2)) | 0
}

/**
 * A bounded cache of Words that keeps the ones in use. Time is counted in epochs of a quarter of
 * `limit` new words; each lookup stamps its Word with the epoch. When the cache is full, sweep()
 * drops the Words not looked up in this epoch or the one before (all of them, if that would free
 * less than a quarter). One Map probe per lookup, where a cache in two Maps needs two for a word
 * it does not hold, and a re-insertion for an old one; a sweep costs one pass per `limit / 4` new
 * words at most.
 */
export class Lexicon {
  private readonly words = new Map<string, Word>()
  private epoch = 0
  private added = 0

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.words.size
  }

  /** The Word of `term`, made on first use. */
  get(term: string): Word {
    let word = this.words.get(term)
    if (word === undefined) {
      const own = ownCopy(term)
      this.words.set(own, (word = new Word(own)))
      if (++this.added >= this.limit / 4) {
        this.added = 0
        this.epoch++
      }
    }
    word.epoch = this.epoch
    return word
  }

  /** Makes room when full. Call only between items, so one item never holds two Words for a term. */
  sweep(): void {
    if (this.words.size < this.limit) return
    for (const [term, word] of this.words) {
      if (word.epoch < this.epoch - 1) this.words.delete(term)
    }
    if (this.words.size > (this.limit * 3) / 4) this.words.clear()
    this.added = 0
    this.epoch++
  }
}

/**
 * A news vocabulary of a few days fits (the bench's synthetic one, four languages with long
 * tails, has ~90,000 terms per 1,000 articles; at 100,000 it thrashed and matching slowed by a
 * quarter). Measured in Node on that corpus: ~45 MB of heap for the lexicon and the older memos
 * together, where workerd's compressed pointers make objects smaller; real vocabularies are
 * smaller still.
 */
export const LEXICON_LIMIT = 200_000

const lexicon = new Lexicon(LEXICON_LIMIT)

export function wordFor(term: string): Word {
  return lexicon.get(term)
}

let itemStamps = 0

/**
 * A number for the item being prepared, new each call: marks its Words as already listed
 * (item.ts) and keys the memos kept for one item at a time (evaluate.ts's wildcards).
 */
export function nextItemStamp(): number {
  return ++itemStamps
}

/** Makes room in the lexicon when it is full (see Lexicon.sweep): call between items only. */
export function trimLexicon(): void {
  lexicon.sweep()
}
