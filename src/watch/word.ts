// The lexicon: one Word object per distinct search term seen in this isolate, carrying the forms
// matching derives from it (stem, transliteration key) and the presearcher's memo of the watches
// it selects, so a word met again in a later item costs one Map lookup instead of re-deriving
// each form. Not responsible for deriving the forms (normalize.ts,
// stem.ts, transliterate.ts) nor for word boundaries (tokenize.ts).

import { computeStem } from './stem'
import { computeTransliterationKey } from './transliterate'

/**
 * A set of an item's words that a query leaf needs (compile.ts): those sharing a stem or a
 * transliteration key with a query word, or matching a wildcard. The presearcher fills it as it
 * goes through the item's words; `stamp` says for which item `words` holds.
 */
export interface Leaf {
  stamp: number
  words: Word[]
}

export class Word {
  // Fields in the order preparing and binding an item touch them, so those land together.
  /** Lexicon.sweep: the epoch of the last lookup. */
  epoch = 0
  /**
   * The item being matched (item.ts): the number (nextItemStamp) of the last item holding this
   * word, and its occurrences there as a chain through that item's token numbers: `first`, then
   * PreparedItem.next, in text order. Kept on the Word so an item needs no map of its terms.
   */
  itemStamp = 0
  first = -1
  last = -1

  /**
   * Presearcher memo (presearcher.ts), valid for the index numbered `selectedBy`: the watches this
   * word selects through its term, prefixes and transliteration key, and the leaves (compile.ts)
   * it joins through those.
   */
  selectedBy = 0
  selected: readonly number[] = []
  leaves: readonly Leaf[] = []
  /** The same through its stem, for the index `stemSelectedBy` and language `stemSelectedLang`. */
  stemSelectedBy = 0
  stemSelectedLang = ''
  stemSelected: readonly number[] = []
  stemLeaves: readonly Leaf[] = []

  /** The stem last asked for and its language (a word is nearly always met in one). */
  private stemLang = ''
  private lastStem = ''
  /** Transliteration key, computed on first use. */
  private key: string | undefined = undefined

  constructor(readonly term: string) {}

  /** The stem in `lang` (the term itself when `lang` has no stemmer). */
  stem(lang: string): string {
    if (this.stemLang !== lang) {
      this.lastStem = computeStem(this.term, lang)
      this.stemLang = lang
    }
    return this.lastStem
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
  /** Counts sweeps: a Word kept from before the last one may no longer be the term's Word. */
  generation = 0

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
    this.generation++
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

/** Changes whenever a Word obtained before may have left the lexicon (see Lexicon.generation). */
export function lexiconGeneration(): number {
  return lexicon.generation
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
