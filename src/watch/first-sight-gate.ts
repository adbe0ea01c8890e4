// The presearcher's first-sight gate: answers, for a word an index has never memoised, whether
// its term memo (the watches and leaves it reaches through its term, its wildcard prefixes and
// its transliteration key) or its stem memo (through its stem, its French or German reading and
// its cross key) can hold anything at all, reading only the word's units in the lexicon. Nearly
// every new word of an item reaches nothing; for those the presearcher writes an empty memo and
// makes no Word, no string, no stem, no key and no lookup in the index's maps.
// Not responsible for what the memos hold (presearcher.ts computes them for the words let
// through), nor for choosing what is filed (the presearcher hands over its tables' strings).
//
// Why it never drops a word that reaches something (recall unchanged):
// - Every lookup a memo makes is by a string computed from the word: its term, its key
//   (transliterate.ts's keyInto), its reading key (readingKeyInto), its cross key
//   (crossKeyInto), or the letters of its key (crossLettersInto), looked up whole (a map by term)
//   or by its start (a wildcard's prefix). The gate computes the same strings with the same
//   code (the string forms the memos use run these units forms: one implementation), and
//   files every string of the tables they are looked up in: whole (up to WHOLE_LENGTH units,
//   else by its start) or as a start, cut to GATE_LENGTH units. A string equal to a filed one,
//   or starting with a filed start, starts with its cut: the gate's bits for it are set, so it
//   says "may". Bits set by chance only let a word through to the memo, which then finds
//   nothing: the same answer, later.
// - `?` patterns without `*` match words of given lengths that start with their prefix and end
//   with their suffix: each is filed as one entry of its prefix and suffix (cut) and a length,
//   and as one of its prefix and length (its head). A word asks with its own length for each
//   prefix length in use, then, for the heads that may be filed, each suffix length in use.
// - Stems: stem.ts's STEM_ENDINGS proof (prefix-filter.ts), with the presearcher's filter.
// - The cross key of a Cyrillic word is that of its Russian or Ukrainian stem, or its own
//   (presearcher.ts's memoStem), and those stemmers' stems are prefixes of the word (stem.ts's
//   STEM_ENDINGS, tested on 20,000 words a language): so it is the cross key of the key of one
//   of the word's prefixes, the word included. The gate takes them all (a word of n units, n + 1
//   keys from one romanisation: transliterate.ts's prefixKeyInto) and looks each up whole,
//   after the presearcher's filter of cross key bases (transliterate.ts's crossKeyBaseLength),
//   which costs one key and turns most words down but lets more through; past MAX_PREFIX_SCAN
//   units that filter alone decides.
// - Patterns with no literal prefix (`?ab*`) may take any word: with one filed, the term memo
//   is always computed.
// test/watch/first-sight-gate.test.ts checks it on random vocabularies of every script and
// rule, and that a gate missing one filed string loses a match.

import { scratchFor } from './buffers'
import { BitFilter, prefixFilters, type PrefixFilter } from './prefix-filter'
import { readerRules } from './reader-rules'
import {
  OWN_KEY,
  SCRIPT_CYRILLIC,
  SCRIPT_LATIN,
  SCRIPT_OTHER,
  crossKeyInto,
  crossLettersInto,
  keyCapacity,
  keyInto,
  latinKeyInto,
  prefixKeyInto,
  readingCapacity,
  readingKeyInto,
  romanisePrefixes,
  shapeOfUnits,
} from './transliterate'

/**
 * Units of a start (a wildcard's prefix, a `?` pattern's prefix or suffix) the gate keeps: a
 * word then costs at most this many hash steps and a bit test per start length in use.
 */
export const GATE_LENGTH = 8
/**
 * Strings looked up whole are filed whole up to this many units (a bit each in a 32-bit mask of
 * lengths), longer ones by their start: an inflected form (`belgorodom`) is then not let
 * through by its word (`belgorod`), which a start of eight units would do.
 */
const WHOLE_LENGTH = 31

/** A `?` pattern as filed: words of `length` units that start with `prefix`, end with `suffix`. */
export interface SizedPattern {
  prefix: string
  suffix: string
  length: number
}

/** What an index looks item words up by, as its presearcher filed it (strings, not hashes). */
export interface GateSources {
  /**
   * Strings a word's term, key or reading key is looked up by whole: plain terms, transliteration
   * keys, readings, the keys of transliterated words' leaves.
   */
  exact: readonly string[]
  /** Strings a word's term or key is looked up by its start: wildcard prefixes and key prefixes. */
  starts: readonly string[]
  /** `?` patterns without `*`, watches' and leaves'. */
  sized: readonly SizedPattern[]
  /** Whether a pattern with no literal prefix is filed: any word may join it. */
  open: boolean
  /** Whether the index transliterates: a word's key and readings are then looked up too. */
  keys: boolean
  /** Cross keys of Cyrillic query words, which a Latin item word's cross key is looked up by. */
  crossFromCyrillic: readonly string[]
  /** Cross keys of Latin query words, which a Cyrillic item word's cross keys are looked up by. */
  crossFromLatin: readonly string[]
  /**
   * What the key letters of a Cyrillic item word must start with to reach one of those (the
   * presearcher's filter of their bases), or null when there are none: asked first, as it
   * costs one key, and alone for words too long to take every prefix's key.
   */
  crossBases: PrefixFilter | null
}

/**
 * Longest Cyrillic word whose prefixes' cross keys are all taken (n + 1 keys of up to n units:
 * quadratic, so a made-up word of thousands of letters is not): news words are far shorter.
 */
const MAX_PREFIX_SCAN = 40

/** What a string is filed as: the gate tells a whole string from a start. */
const WHOLE = 1
const START = 2
const SIZED = 3
/** A `?` pattern's prefix and length alone (fileSized), asked before its suffixes. */
const SIZED_HEAD = 0

/**
 * Words before the bits in a filter's typed-array form (UnitsFilter.words): shift, start and
 * whole lengths, all, sizes. Its size (four bits set of 32 a string: a chance "may" about 1
 * in 5,000 a test) is prefix-filter.ts's BitFilter's.
 */
const FILTER_HEADER = 5
/** Gate flags in its typed-array form. */
const G_OPEN = 1
const G_KEYS = 2

/** Scratch for mayBeSized: a word's start and end hashes by length (index 0: empty). */
const heads = new Int32Array(GATE_LENGTH + 1)
const tails = new Int32Array(GATE_LENGTH + 1)

function sizedHash(head: number, tail: number, length: number): number {
  return (Math.imul(head, 0x9e3779b1) + Math.imul(tail, 0x85ebca6b) + length) | 0
}

/**
 * A bit filter (BitFilter) over strings filed whole or as starts (or over `?` patterns), each kind
 * with the lengths in use, so that a word tests only those.
 */
class UnitsFilter extends BitFilter {
  /**
   * Bit k: a start of k units is filed; a whole string of k units. In a filter of `?`
   * patterns (fileSized): a prefix of k units; a suffix of k units.
   */
  private startLengths = 0
  private wholeLengths = 0
  /**
   * In a filter of `?` patterns: bit k, a pattern of k units is filed (bit 31: of 31 or more). A
   * pattern takes only words of its length, and most words' lengths have none.
   */
  private sizes = 0
  /** An empty start was filed: every word has it. */
  all = false

  /**
   * Sized for `strings` strings; or, given the typed-array form `words` made (a snapshot's), a
   * filter reading its bits in place, checked: a form this code cannot have written throws a
   * RangeError.
   */
  constructor(strings: number | Int32Array) {
    super(strings, FILTER_HEADER, 'gate filter')
    if (typeof strings !== 'number') {
      if (
        (strings[1]! & ~((2 << GATE_LENGTH) - 1)) !== 0 ||
        !(strings[3] === 0 || strings[3] === 1)
      ) {
        throw new RangeError('gate filter words are not one')
      }
      this.startLengths = strings[1]!
      this.wholeLengths = strings[2]!
      this.all = strings[3] === 1
      this.sizes = strings[4]!
    }
  }

  /** The filter as Int32 words: shift, start and whole lengths, all, sizes, then the bits. */
  words(): Int32Array {
    return this.stored([this.startLengths, this.wholeLengths, this.all ? 1 : 0, this.sizes])
  }

  /** Files `s` whole; past WHOLE_LENGTH units, its start of GATE_LENGTH. */
  fileWhole(s: string): void {
    if (s.length > WHOLE_LENGTH) return this.fileStart(s)
    this.mark(polynomial(s, 0, s.length), s.length, WHOLE)
    this.wholeLengths |= 1 << s.length
  }

  /** Files the start of `s`, cut to GATE_LENGTH units. */
  fileStart(s: string): void {
    const n = Math.min(s.length, GATE_LENGTH)
    if (n === 0) {
      this.all = true
      return
    }
    this.mark(polynomial(s, 0, n), n, START)
    this.startLengths |= 1 << n
  }

  /**
   * Files a `?` pattern: words of `length` units starting with `prefix` and ending with
   * `suffix`, each cut to GATE_LENGTH units, as one entry (its three conditions together), and
   * its prefix and length as another (a head), which a word is asked first: one hash a prefix
   * length in use turns down nearly every word, where its suffixes take one a pair of lengths.
   */
  fileSized(prefix: string, suffix: string, length: number): void {
    const p = Math.min(prefix.length, GATE_LENGTH)
    const x = Math.min(suffix.length, GATE_LENGTH)
    let tail = 0
    for (let k = 1; k <= x; k++)
      tail = (Math.imul(tail, 31) + suffix.charCodeAt(suffix.length - k)) | 0
    const head = polynomial(prefix, 0, p)
    this.mark(sizedHash(head, tail, length), p * 16 + x, SIZED)
    this.mark(sizedHash(head, 0, length), p, SIZED_HEAD)
    this.startLengths |= 1 << p
    this.wholeLengths |= 1 << x
    this.sizes |= 1 << Math.min(length, 31)
  }

  /** Whether src[from, from + n) may be a whole string filed or start with a start filed. */
  may(src: Uint16Array, from: number, n: number): boolean {
    if (this.all) return true
    const starts = this.startLengths
    const cut = Math.min(n, GATE_LENGTH)
    let h = 0
    for (let k = 1; k <= cut; k++) {
      h = (Math.imul(h, 31) + src[from + k - 1]!) | 0
      if ((starts & (1 << k)) !== 0 && this.has(h, k, START)) return true
    }
    if (n > WHOLE_LENGTH || (this.wholeLengths & (1 << n)) === 0) return false
    for (let k = cut + 1; k <= n; k++) h = (Math.imul(h, 31) + src[from + k - 1]!) | 0
    return this.has(h, n, WHOLE)
  }

  /**
   * Whether src[from, from + n) may fit a `?` pattern filed with fileSized: its length, a
   * prefix and a suffix of one pattern, for each pair of prefix and suffix lengths in use.
   */
  mayBeSized(src: Uint16Array, from: number, n: number): boolean {
    // Every entry's hash holds its pattern's length: with none of this word's length filed, no
    // entry can be this word's (a chance hit could only let it through in vain).
    if ((this.sizes & (1 << Math.min(n, 31))) === 0) return false
    // Heads first: the prefix lengths p whose prefix and this length are filed (every pattern
    // this word fits has its head filed, so a p not among them has no entry for it).
    const starts = this.startLengths
    const cut = Math.min(n, GATE_LENGTH)
    let hit = 0
    let h = 0
    if ((starts & 1) !== 0 && this.has(sizedHash(0, 0, n), 0, SIZED_HEAD)) hit = 1
    for (let k = 1; k <= cut && starts >>> k !== 0; k++) {
      h = (Math.imul(h, 31) + src[from + k - 1]!) | 0
      heads[k] = h
      if ((starts & (1 << k)) !== 0 && this.has(sizedHash(h, 0, n), k, SIZED_HEAD)) hit |= 1 << k
    }
    if (hit === 0) return false
    // Then the suffixes in use, for those prefix lengths only.
    const longest = Math.min(cut, 31 - Math.clz32(this.wholeLengths))
    let t = 0
    for (let k = 1; k <= longest; k++) {
      t = (Math.imul(t, 31) + src[from + n - k]!) | 0
      tails[k] = t
    }
    for (let p = 0; p <= cut; p++) {
      if ((hit & (1 << p)) === 0) continue
      for (let x = 0; x <= longest && p + x <= n; x++) {
        if ((this.wholeLengths & (1 << x)) === 0) continue
        if (this.has(sizedHash(heads[p]!, tails[x]!, n), p * 16 + x, SIZED)) return true
      }
    }
    return false
  }

  private mark(h: number, length: number, kind: number): void {
    // Kinds and lengths (for SIZED, prefix length × 16 + suffix length) tell entries apart.
    this.set(mix(h, length, kind))
  }

  private has(h: number, length: number, kind: number): boolean {
    return this.test(mix(h, length, kind))
  }
}

/** A 32-bit mix of a string's hash, its length and its kind: the filter's bits come from it. */
function mix(h: number, length: number, kind: number): number {
  const x = Math.imul(h ^ Math.imul(length * 4 + kind, 0x85ebca6b), 0x9e3779b1)
  return x ^ (x >>> 16)
}

function polynomial(s: string, from: number, to: number): number {
  let h = 0
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** What check asks and answers: a bit for each memo. */
export const TERM_MEMO_MAY = 1
export const STEM_MEMO_MAY = 2

/** Scratch for a word's key (taken once a check), its prefixes' keys, reading and cross keys. */
let wordKey = new Uint16Array(64) as Uint16Array
let keyUnits = new Uint16Array(64) as Uint16Array
let readUnits = new Uint16Array(64) as Uint16Array
let crossUnits = new Uint16Array(64) as Uint16Array

export class FirstSightGate {
  /** Whole strings and starts a word's term, key or reading key is looked up by. */
  private readonly main: UnitsFilter
  /** `?` patterns, each by its prefix, suffix and length together. */
  private readonly sized: UnitsFilter | null
  private readonly crossFromCyrillic: UnitsFilter | null
  private readonly crossFromLatin: UnitsFilter | null
  private readonly crossBases: PrefixFilter | null
  private readonly open: boolean
  private readonly keys: boolean

  /**
   * Built from the strings the presearcher files (`sources`); or, given the typed-array form
   * `words` made (carried in a snapshot) and the presearcher's filter of cross key bases, read
   * from it in place, checked: a form this code cannot have written throws a RangeError.
   */
  constructor(sources: GateSources | Int32Array, crossBases: PrefixFilter | null = null) {
    if (sources instanceof Int32Array) {
      let at = 1
      const next = (): UnitsFilter | null => {
        const n = sources[at++]!
        if (!(n >= 0 && at + n <= sources.length)) throw new RangeError('gate words run past')
        const filter = n === 0 ? null : new UnitsFilter(sources.subarray(at, at + n))
        at += n
        return filter
      }
      const flags = sources[0]!
      if ((flags & ~(G_OPEN | G_KEYS)) !== 0) throw new RangeError('gate flags are not ours')
      const main = next()
      if (main === null) throw new RangeError('gate words hold no main filter')
      this.main = main
      this.sized = next()
      this.crossFromCyrillic = next()
      this.crossFromLatin = next()
      if (at !== sources.length) throw new RangeError('gate words do not end where they say')
      this.crossBases = crossBases
      this.open = (flags & G_OPEN) !== 0
      this.keys = (flags & G_KEYS) !== 0
      return
    }
    const { exact, starts, sized, crossFromCyrillic: cross, crossFromLatin: latin } = sources
    this.main = new UnitsFilter(exact.length + starts.length)
    for (const s of exact) this.main.fileWhole(s)
    for (const s of starts) this.main.fileStart(s)
    // Two entries a pattern: its whole and its head (fileSized).
    this.sized = sized.length > 0 ? new UnitsFilter(sized.length * 2) : null
    for (const { prefix, suffix, length } of sized) this.sized!.fileSized(prefix, suffix, length)
    this.crossFromCyrillic = cross.length > 0 ? new UnitsFilter(cross.length) : null
    for (const s of cross) this.crossFromCyrillic!.fileWhole(s)
    this.crossFromLatin = latin.length > 0 ? new UnitsFilter(latin.length) : null
    for (const s of latin) this.crossFromLatin!.fileWhole(s)
    this.crossBases = sources.crossBases
    this.open = sources.open
    this.keys = sources.keys
  }

  /**
   * The gate as Int32 words (a snapshot carries them): its flags, then each filter's words
   * after their count (0: none). The filter of cross key bases is the presearcher's, stored
   * by it.
   */
  words(): Int32Array {
    const parts = [this.main, this.sized, this.crossFromCyrillic, this.crossFromLatin].map(
      (filter) => filter?.words() ?? new Int32Array(0),
    )
    const out = new Int32Array(1 + parts.reduce((n, p) => n + 1 + p.length, 0))
    out[0] = (this.open ? G_OPEN : 0) | (this.keys ? G_KEYS : 0)
    let at = 1
    for (const p of parts) {
      out[at++] = p.length
      out.set(p, at)
      at += p.length
    }
    return out
  }

  /**
   * Which memos of the word src[from, from + n) may hold something, of those asked for
   * (TERM_MEMO_MAY, STEM_MEMO_MAY in `ask`): its term memo, through its term, a wildcard or
   * `?` pattern it fits, or (transliterating) its key; its stem memo, in an item of `lang` (a
   * language with a stemmer, else undefined), through its stem, its reading or its cross key.
   * `stems` is the presearcher's filter of the bases of its stems in `lang` (null: every word
   * is stemmed), or undefined when no word is stemmed for this item. The word's key is taken
   * once for both.
   */
  check(
    src: Uint16Array,
    from: number,
    n: number,
    ask: number,
    lang: string | undefined,
    stems: PrefixFilter | null | undefined,
  ): number {
    if (!prefixFilters.on) return ask
    this.keyLength = -1
    this.shape = -1
    let may = 0
    if ((ask & TERM_MEMO_MAY) !== 0 && this.termMay(src, from, n)) may |= TERM_MEMO_MAY
    if ((ask & STEM_MEMO_MAY) !== 0 && this.stemMay(src, from, n, lang, stems)) {
      may |= STEM_MEMO_MAY
    }
    return may
  }

  /** check's term side alone. */
  mayTerm(src: Uint16Array, from: number, n: number): boolean {
    return this.check(src, from, n, TERM_MEMO_MAY, undefined, undefined) !== 0
  }

  /** check's stem side alone. */
  mayStem(
    src: Uint16Array,
    from: number,
    n: number,
    lang: string | undefined,
    stems: PrefixFilter | null | undefined,
  ): boolean {
    return this.check(src, from, n, STEM_MEMO_MAY, lang, stems) !== 0
  }

  private termMay(src: Uint16Array, from: number, n: number): boolean {
    if (this.open) return true
    if (this.main.may(src, from, n)) return true
    if (this.sized !== null && this.sized.mayBeSized(src, from, n)) return true
    // A word that is its own key was looked up by it just above.
    if (this.keys && (this.shapeOf(src, from, n) & OWN_KEY) === 0) {
      if (this.main.may(wordKey, 0, this.key(src, from, n))) return true
    }
    return false
  }

  private stemMay(
    src: Uint16Array,
    from: number,
    n: number,
    lang: string | undefined,
    stems: PrefixFilter | null | undefined,
  ): boolean {
    if (stems === null || (stems !== undefined && stems.mayStartUnits(src, from, n))) return true
    if (!this.keys) return false
    const shape = this.shapeOf(src, from, n)
    const script = shape & ~OWN_KEY
    if (script === SCRIPT_OTHER) return false
    if (script === SCRIPT_CYRILLIC) return this.mayCrossFromCyrillic(src, from, n)
    // A Latin word: its reading (French and German items), then its cross key.
    let own = readUnits
    let ownFrom = 0
    let m = -1
    if (lang !== undefined && readerRules.readings) {
      readUnits = scratchFor(readUnits, readingCapacity(n))
      own = readUnits
      m = readingKeyInto(src, from, n, lang, readUnits)
      if (m >= 0 && this.main.may(readUnits, 0, m)) return true
    }
    if (this.crossFromCyrillic === null) return false
    if (m < 0 && (shape & OWN_KEY) !== 0) {
      // Its key is the word itself (keyInto copies it): read in place.
      own = src
      ownFrom = from
      m = n
    } else if (m < 0) {
      m = this.key(src, from, n)
      own = wordKey
    }
    crossUnits = scratchFor(crossUnits, m)
    return this.crossFromCyrillic.may(crossUnits, 0, crossKeyInto(own, ownFrom, m, crossUnits))
  }

  /** The word's shapeOfUnits (script and OWN_KEY), taken once per check (-1: not yet). */
  private shape = -1

  private shapeOf(src: Uint16Array, from: number, n: number): number {
    if (this.shape < 0) this.shape = shapeOfUnits(src, from, n)
    return this.shape
  }

  /** The length of the word's key, taken into wordKey once per check (keyLength -1: not yet). */
  private keyLength = -1

  private key(src: Uint16Array, from: number, n: number): number {
    if (this.keyLength >= 0) return this.keyLength
    wordKey = scratchFor(wordKey, keyCapacity(n))
    // A Latin word's key is its skeleton, taken without romanising (latinKeyInto says why).
    const latin = (this.shapeOf(src, from, n) & ~OWN_KEY) === SCRIPT_LATIN
    return (this.keyLength = (latin ? latinKeyInto : keyInto)(src, from, n, wordKey))
  }

  /** Whether a Cyrillic word's cross key may be a Latin query word's (the header says why). */
  private mayCrossFromCyrillic(src: Uint16Array, from: number, n: number): boolean {
    const latin = this.crossFromLatin
    if (latin === null) return false
    keyUnits = scratchFor(keyUnits, keyCapacity(n))
    crossUnits = scratchFor(crossUnits, keyCapacity(n))
    // The filter of bases first: one key, and most words are turned down there.
    const letters = crossLettersInto(wordKey, 0, this.key(src, from, n), crossUnits)
    if (this.crossBases !== null && !this.crossBases.mayStartUnits(crossUnits, 0, letters)) {
      return false
    }
    if (n > MAX_PREFIX_SCAN) return true
    romanisePrefixes(src, from, n)
    for (let j = n; j >= 0; j--) {
      const m = prefixKeyInto(src, from, j, keyUnits)
      if (latin.may(crossUnits, 0, crossKeyInto(keyUnits, 0, m, crossUnits))) return true
    }
    return false
  }
}
