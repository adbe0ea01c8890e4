// Transliteration keys, for watches that opt in with `options.transliterate`: a Latin and a
// Cyrillic spelling of one name get the same key, so `belgorod` finds «Белгород» and `белгород`
// finds "Belgorod". Not responsible for folding (words arrive normalised, ё already е).
// Scheme (our own, deterministic, documented in docs/query-language.md): Russian and Ukrainian
// Cyrillic are romanised close to the BGN/PCGN and Ukrainian national (2010) systems, then both
// scripts' Latin forms are reduced to a skeleton that erases the spelling choices those systems
// (and French/German/Polish habits) disagree on:
//   Cyrillic → Latin: а a, б b, в v, г g, ґ g, д d, е e, є ie, ж zh, з z, и i, і i, ї i, й i,
//   к k, л l, м m, н n, о o, п p, р r, с s, т t, у u, ф f, х kh, ц ts, ч ch, ш sh, щ shch, ъ —,
//   ы y, ь —, э e, ю iu, я ia.
//   Latin skeleton: ye→e (Yeltsin = Ельцин), kh→h, h→g (Ukrainian г is h: Харків/Kharkiv and
//   Гаага/Hague agree), ph→f, w→v, x→ks, j→i, y→i, then doubled letters collapse (Kyiv → kiiv →
//   kiv = Київ; Dmitriy = Dmitry = Дмитрий).
// What a deterministic scheme cannot do: Kiev and Kyiv stay different (they are different words,
// from Киев and Київ).
// Two additions (issue #16): across scripts, words also meet by cross keys (the keys of their
// stems, reduced so that ISO 9's c/s/z for ч/ш/ж, Belarusian w for ў, yo for ё and Ukrainian
// і/о alternation meet: `belgorod` finds «Белгороде», `cernigiv` «Чернігів», `kharkiv`
// «Харкова»), and Latin words of French and German items are read as those languages write the
// names before their key is taken (readings: « Koursk », "Charkiw").

import { boundedMemo } from '../lib/memo'
import { readerRules } from './reader-rules'
import { scratchFor } from './buffers'
import { stemWord } from './stem'
import { unitsToString } from './tokenize'

const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  є: 'ie',
  ж: 'zh',
  з: 'z',
  и: 'i',
  і: 'i',
  ї: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ў: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
}

const LATIN_OR_CYRILLIC_RE = /[a-zа-яёєіїґў]/

/**
 * CYRILLIC by code unit from U+0400, as units: what a key's one pass looks letters up in. Letter
 * c romanises to the ROMAN_LENGTHS[c − 0x400] units from ROMAN_UNITS[4 (c − 0x400)] (щ, the
 * longest, has four); NOT_ROMANISED for a unit with no entry, which stays as it is. Typed
 * arrays rather than strings, so that a letter costs two reads: in a fresh isolate this runs
 * unoptimised for the first hundreds of words.
 */
const NOT_ROMANISED = 255
const ROMAN_UNITS = new Uint16Array(0x100 * 4)
const ROMAN_LENGTHS = (() => {
  const lengths = new Uint8Array(0x100).fill(NOT_ROMANISED)
  for (const [letter, latin] of Object.entries(CYRILLIC)) {
    const r = letter.charCodeAt(0) - 0x400
    lengths[r] = latin.length
    for (let k = 0; k < latin.length; k++) ROMAN_UNITS[r * 4 + k] = latin.charCodeAt(k)
  }
  return lengths
})()

const A = 0x61
const C = 0x63
const E = 0x65
const F = 0x66
const G = 0x67
const H = 0x68
const I = 0x69
const J = 0x6a
const K = 0x6b
const O = 0x6f
const P = 0x70
const S = 0x73
const T = 0x74
const U = 0x75
const V = 0x76
const W = 0x77
const X = 0x78
const Y = 0x79
const Z = 0x7a

/** Scratch: a string's units for the string forms below, and a key's romanised units. */
let wordUnits = new Uint16Array(64) as Uint16Array
let latinUnits = new Uint16Array(64) as Uint16Array
/** Scratch for the string forms' results. */
let keyUnits = new Uint16Array(64) as Uint16Array

/** `word`'s units, in scratch: the string forms below run the units forms on them. */
function unitsOf(word: string): Uint16Array {
  wordUnits = scratchFor(wordUnits, word.length)
  for (let i = 0; i < word.length; i++) wordUnits[i] = word.charCodeAt(i)
  return wordUnits
}

/**
 * Units a transliteration key of a word of `n` units may take (keyInto's `out`): a Cyrillic
 * letter romanises to at most four (щ), a Latin one to at most two (x → ks).
 */
export function keyCapacity(n: number): number {
  return 4 * n
}

/** The transliteration key of a normalised word; words in other scripts are returned as they are. */
export const transliterationKey = boundedMemo(100_000, (word) => computeTransliterationKey(word))

/**
 * transliterationKey without the memo, for callers that keep the key themselves (word.ts). By
 * code unit into scratch arrays: it runs for every new word of every item when a watch asks for
 * transliteration, and a regex replace with a callback per letter cost ~1.6 µs a Russian word.
 */
export function computeTransliterationKey(word: string): string {
  if (isOwnKey(word)) return word
  if (!LATIN_OR_CYRILLIC_RE.test(word)) return word
  keyUnits = scratchFor(keyUnits, keyCapacity(word.length))
  return unitsToString(keyUnits, 0, keyInto(unitsOf(word), 0, word.length, keyUnits))
}

/**
 * The transliteration key of the word src[from, from + n), written to `out` (keyCapacity(n)
 * units at least); returns its length. What computeTransliterationKey returns, as units and
 * without a string: the first-sight gate (first-sight-gate.ts) takes the key of every new word
 * of an item this way, and computeTransliterationKey itself runs this code, so the two agree.
 */
export function keyInto(src: Uint16Array, from: number, n: number, out: Uint16Array): number {
  if (isOwnKeyUnits(src, from, n) || !hasLatinOrCyrillic(src, from, n)) {
    out.set(src.subarray(from, from + n))
    return n
  }
  latinUnits = scratchFor(latinUnits, n * 4)
  return skeletonInto(latinUnits, 0, romanise(src, from, n, null), out)
}

/**
 * Romanises the lowercase Cyrillic letters of src[from, from + n) into latinUnits (4n units at
 * least); returns its length. With `ends`, ends[j] is set to the length of the romanisation of
 * the first j units, for j from 0 to n.
 */
function romanise(src: Uint16Array, from: number, n: number, ends: Int32Array | null): number {
  let m = 0
  if (ends !== null) ends[0] = 0
  for (let i = from; i < from + n; i++) {
    const c = src[i]!
    const r = c - 0x400
    const length = r >= 0 && r < 0x100 ? ROMAN_LENGTHS[r]! : NOT_ROMANISED
    if (length === NOT_ROMANISED) latinUnits[m++] = c
    else for (let k = 0; k < length; k++) latinUnits[m++] = ROMAN_UNITS[r * 4 + k]!
    if (ends !== null) ends[i - from + 1] = m
  }
  return m
}

/**
 * keyInto of the word src[from, from + n) when its script is SCRIPT_LATIN (scriptOfUnits): the
 * skeleton read from the word itself. Why it is keyInto's key: the word has no unit from U+0400
 * to U+04FF, where every romanised letter is, so its romanisation is itself; and it has a Latin
 * letter, so keyInto copies it only when it is its own key, whose skeleton is itself.
 */
export function latinKeyInto(src: Uint16Array, from: number, n: number, out: Uint16Array): number {
  return skeletonInto(src, from, n, out)
}

/** Where romanisePrefixes' romanisation of each prefix ends (prefixEnds[j]: of j units). */
let prefixEnds = new Int32Array(64)
/** The prefixes of up to this many units have no Latin or Cyrillic letter. */
let prefixesCopied = 0

/**
 * Prepares prefixKeyInto for the prefixes of the word src[from, from + n): romanises it once,
 * where keyInto on each prefix would romanise each again (the first-sight gate takes the keys
 * of all n + 1 prefixes of some Cyrillic words). Valid until the next call of this or keyInto.
 */
export function romanisePrefixes(src: Uint16Array, from: number, n: number): void {
  latinUnits = scratchFor(latinUnits, n * 4)
  prefixEnds = scratchFor(prefixEnds, n + 1)
  romanise(src, from, n, prefixEnds)
  let j = 0
  while (j < n && !hasLatinOrCyrillic(src, from + j, 1)) j++
  prefixesCopied = j
}

/**
 * keyInto(src, from, j, out) for the word romanisePrefixes last prepared (same src and from)
 * and j ≤ its length: the same key, without romanising again. Why it is the same:
 * - romanisation is letter by letter, so that of the first j units is the first prefixEnds[j]
 *   units of the word's, and keyInto takes the skeleton of it (skeletonInto reads only the
 *   units it is given);
 * - where keyInto copies instead: a prefix with no Latin or Cyrillic letter is copied here too
 *   (j ≤ prefixesCopied); one that is its own key has no Cyrillic letter, so its romanisation
 *   is itself, and none of h j w x y nor a double, so its skeleton is itself: the copy.
 */
export function prefixKeyInto(src: Uint16Array, from: number, j: number, out: Uint16Array): number {
  if (j > prefixesCopied) return skeletonInto(latinUnits, 0, prefixEnds[j]!, out)
  for (let i = 0; i < j; i++) out[i] = src[from + i]!
  return j
}

/**
 * Whether a word is its own key: no Cyrillic letter to romanise, none of h j w x y that the
 * skeleton rewrites, no letter doubled. Most Latin words of most items are (`belgorod`,
 * `summit`): their key then costs one pass and no new string on their first sight.
 */
function isOwnKey(word: string): boolean {
  let prev = -1
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i)
    if (c === prev || c === H || c === J || c === W || c === X || c === Y) return false
    if (c >= 0x400 && c < 0x500) return false
    prev = c
  }
  return true
}

/** isOwnKey of the word src[from, from + n). */
export function isOwnKeyUnits(src: Uint16Array, from: number, n: number): boolean {
  let prev = -1
  for (let i = from; i < from + n; i++) {
    const c = src[i]!
    if (c === prev || c === H || c === J || c === W || c === X || c === Y) return false
    if (c >= 0x400 && c < 0x500) return false
    prev = c
  }
  return true
}

/** shapeOfUnits's bit for a word that is its own key (isOwnKey). */
export const OWN_KEY = 4

/**
 * scriptOfUnits of the word src[from, from + n), plus OWN_KEY when it is its own key: both in
 * one pass, as the first-sight gate asks both of nearly every new word when a watch
 * transliterates. scriptOfUnits is this function; isOwnKeyUnits keeps its own loop, which stops
 * at the first unit that decides (keyInto asks it of every prefix of a Cyrillic word), and
 * test/watch/transliterate.test.ts checks that the two agree.
 */
export function shapeOfUnits(src: Uint16Array, from: number, n: number): number {
  let latin = false
  let cyrillic = false
  let own = true
  let prev = -1
  for (let i = from; i < from + n; i++) {
    const c = src[i]!
    if (c >= 0x61 && c <= 0x7a) {
      latin = true
      if (c === H || c === J || c === W || c === X || c === Y) own = false
    } else if (c >= 0x400 && c <= 0x4ff) cyrillic = true
    if (c === prev) own = false
    prev = c
  }
  const script = latin === cyrillic ? SCRIPT_OTHER : latin ? SCRIPT_LATIN : SCRIPT_CYRILLIC
  return own && !cyrillic ? script | OWN_KEY : script
}

/** LATIN_OR_CYRILLIC_RE's test on the word src[from, from + n). */
function hasLatinOrCyrillic(src: Uint16Array, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) {
    const c = src[i]!
    if (c >= A && c <= Z) return true
    if (c >= 0x430 && c <= 0x44f) return true // а-я
    if (c === 0x451 || c === 0x454 || c === 0x456 || c === 0x457 || c === 0x45e) return true
    if (c === 0x491) return true // ґ
  }
  return false
}

/**
 * The Latin skeleton of units[from, from + n), in one pass, into `out` (2n units at least):
 * ye→e, kh→g, ph→f, h→g, w→v, x→ks, j/y→i, no doubles. Returns its length.
 */
function skeletonInto(units: Uint16Array, from: number, n: number, out: Uint16Array): number {
  const end = from + n
  let m = 0
  let prev = -1
  for (let i = from; i < end; i++) {
    const c = units[i]!
    // Every rewrite below starts at y k p h w x or j: the other units only collapse doubles.
    if (c < A || c > Z || ((SKELETON_STARTS >>> (c - A)) & 1) === 0) {
      if (c !== prev) out[m++] = c
      prev = c
      continue
    }
    const next = i + 1 < end ? units[i + 1]! : -1
    let emit = c
    let then = -1
    if (c === Y && next === E) {
      emit = E
      i++
    } else if ((c === K || c === P) && next === H) {
      emit = c === K ? G : F
      i++
    } else if (c === H) emit = G
    else if (c === W) emit = V
    else if (c === X) {
      emit = K
      then = S
    } else if (c === J || c === Y) emit = I
    if (emit !== prev) out[m++] = emit
    prev = emit
    if (then >= 0) {
      if (then !== prev) out[m++] = then
      prev = then
    }
  }
  return m
}

/** The letters a rewrite of skeletonInto starts at, a bit each from a (bit 0) to z. */
const SKELETON_STARTS = letterBits('ykphwxj')

/** A word's script, for matching across scripts: Latin and Cyrillic meet, others do not. */
export const SCRIPT_OTHER = 0
export const SCRIPT_LATIN = 1
export const SCRIPT_CYRILLIC = 2

/** Letters only Ukrainian writes (і ї є ґ): its stemmer, not Russian's, then applies. */
const UKRAINIAN_RE = /[іїєґ]/

/**
 * The script of a normalised word: Latin or Cyrillic letters (not both), else SCRIPT_OTHER. A
 * loop, not two regexes: it runs on every new word of an item when a watch transliterates.
 */
export function scriptOf(term: string): number {
  return scriptOfUnits(unitsOf(term), 0, term.length)
}

/** scriptOf of the word src[from, from + n). */
export function scriptOfUnits(src: Uint16Array, from: number, n: number): number {
  return shapeOfUnits(src, from, n) & ~OWN_KEY
}

/**
 * The language a Cyrillic word is stemmed in before its key meets a Latin word: the item's if it
 * is Russian or Ukrainian, else Ukrainian if the word has a letter only Ukrainian writes, else
 * Russian (a Cyrillic word in an item of another or no language is nearly always one of them).
 * Latin words are not stemmed (undefined): what they are compared by is their key without its
 * final vowels (crossKey), which is what a Russian or Ukrainian stemmer removes from the
 * Cyrillic side; an English or French stemmer would not know those endings.
 */
export function crossStemLanguage(
  term: string,
  script: number,
  itemLang: string | undefined,
): string | undefined {
  if (script !== SCRIPT_CYRILLIC) return undefined
  if (itemLang === 'ru' || itemLang === 'uk') return itemLang
  return UKRAINIAN_RE.test(term) ? 'uk' : 'ru'
}

/** A cross key keeps at least this many units: `ros` (роса, dew) must not meet `rossiya`. */
const MIN_CROSS_KEY = 4

/**
 * The key a word is compared by across scripts (a cross key), from the key of its stem or of the
 * word itself (Cyrillic) or of the word (Latin). Four steps, each erasing a difference that
 * romanisation systems or inflection make between two spellings of one name; they apply only
 * across scripts, so Latin words never meet each other through them:
 * 1. ISO 9 without diacritics (and Belarusian and Ukrainian national systems, Czech and Polish
 *    habits) writes ч ш ж щ ц as c s z s c where BGN/PCGN writes ch sh zh shch ts: in the key
 *    (where h is g) `shch` `tch` `ch` `sh` `zh` `ts` become s c c s z c, so `cernihiv` meets
 *    «Чернігів» and `zytomyr` «Житомир».
 * 2. A u after a vowel is v: Belarusian ў, written w by BGN/PCGN and ŭ (u) by the national
 *    system, so `braslaw` and `braslau` meet «Браслаў». And yo (io in the key) after a consonant
 *    is e: BGN/PCGN writes ё yo, Cyrillic text mostly е (and the key always: ё folds to е), so
 *    `pyotr` meets «Пётр» and `nyoman` «Нёман».
 * 3. Final vowels go (what Russian and Ukrainian case endings mostly are), unless fewer than
 *    MIN_CROSS_KEY units would remain: `moskva` (moskv) meets «Москве» (stem москв).
 * 4. An i, e or o between consonants at the end is o: Ukrainian writes і in a closed last
 *    syllable that is о or е in every other form, and Russian keeps о (Харків, Харкова,
 *    Харьков), so `kharkiv` meets «Харкова» and «Харькове», and `lviv` «Львова». Only for keys
 *    of 4 units or more: `mir` does not meet «мер».
 */
export function crossKey(key: string): string {
  const n = key.length
  keyUnits = scratchFor(keyUnits, n)
  const m = crossKeyInto(unitsOf(key), 0, n, keyUnits)
  return !crossChanged && m === n ? key : unitsToString(keyUnits, 0, m)
}

/** Whether the last crossKeyInto changed a unit of its key (beyond cutting its end). */
let crossChanged = false

/**
 * The cross key of the key src[from, from + n), written to `out` (n units at least); returns its
 * length. crossKey runs this code, and the first-sight gate (first-sight-gate.ts) takes a new
 * Latin word's cross key this way, without a string.
 */
export function crossKeyInto(src: Uint16Array, from: number, n: number, out: Uint16Array): number {
  if (!readerRules.crossSpellings) {
    // Step 3 alone (the bench's comparison, src/watch/reader-rules.ts).
    out.set(src.subarray(from, from + n))
    crossChanged = false
    return vowelsCut(out, n)
  }
  let m = crossLettersInto(src, from, n, out)
  crossChanged = lettersChanged
  m = vowelsCut(out, m)
  if (m >= MIN_CROSS_KEY) {
    const v = out[m - 2]!
    if ((v === I || v === E) && isConsonant(out[m - 1]!) && isConsonant(out[m - 3]!)) {
      out[m - 2] = O
      crossChanged = true
    }
  }
  return m
}

/**
 * Steps 1 and 2 of crossKey alone: what the prefix filter of cross keys compares a Cyrillic
 * word's key with (crossKeyBaseLength). The key itself when they change nothing.
 */
export function crossLetters(key: string): string {
  keyUnits = scratchFor(keyUnits, key.length)
  const m = crossLettersInto(unitsOf(key), 0, key.length, keyUnits)
  return lettersChanged ? unitsToString(keyUnits, 0, m) : key
}

/** Whether the last crossLettersInto changed a unit. */
let lettersChanged = false

/**
 * Steps 1 and 2 of crossKey on the key src[from, from + n), into `out` (n units at least); its
 * length. Reads ≤ 3 units ahead.
 */
export function crossLettersInto(
  src: Uint16Array,
  from: number,
  n: number,
  out: Uint16Array,
): number {
  const end = from + n
  let m = 0
  let changed = false
  for (let i = from; i < end; i++) {
    const c = src[i]!
    // Every case below starts at c, s, t, z, u or i: the other units are copied at once.
    if (c < A || c > Z || ((CROSS_STARTS >>> (c - A)) & 1) === 0) {
      out[m++] = c
      continue
    }
    const next = i + 1 < end ? src[i + 1]! : -1
    let emit = c
    if (c === S && next === G && i + 3 < end && src[i + 2] === C && src[i + 3] === G) {
      emit = S // shch
      i += 3
    } else if (c === T && next === C && i + 2 < end && src[i + 2] === G) {
      emit = C // tch
      i += 2
    } else if ((c === C || c === S || c === Z) && next === G) {
      i++ // ch sh zh
    } else if (c === T && next === S) {
      emit = C // ts
      i++
    } else if (c === U && m > 0 && isVowel(out[m - 1]!)) {
      emit = V
    } else if (c === I && next === O && m > 0 && isConsonant(out[m - 1]!)) {
      emit = E // yo after a consonant: ё, which Cyrillic text and keys write е
      i++
    } else {
      out[m++] = c
      continue
    }
    changed = true
    // A double made by a reduction collapses, as doubles do in the key.
    if (m === 0 || out[m - 1] !== emit) out[m++] = emit
  }
  lettersChanged = changed
  return m
}
/** The letters a case of crossLettersInto starts at, a bit each from a (bit 0) to z. */
const CROSS_STARTS = letterBits('cstzui')

/** Step 3: the length of units[0, n) without its final vowels, or n if under MIN_CROSS_KEY. */
function vowelsCut(units: Uint16Array, n: number): number {
  let end = n
  while (end > 0 && isVowel(units[end - 1]!)) end--
  return end < MIN_CROSS_KEY ? n : end
}

function isConsonant(c: number): boolean {
  return c >= A && c <= Z && !isVowel(c)
}

/**
 * The length of the part of a cross key K (filed for a Latin query word) that every Cyrillic
 * word w whose cross key is K starts crossLetters(key(w)) with: K less its last 4 units. So a
 * Cyrillic word whose letters start with no such base of the index's keys needs no stemming for
 * a cross key (prefix-filter.ts). Why:
 * - K is crossKey(key(p)), p the word itself or its stem, and Russian and Ukrainian stems are
 *   prefixes of the word (stem.ts's STEM_ENDINGS). The key of a prefix p of w is E + t, E a
 *   prefix of key(w) and t at most one unit: the romanisation is letter by letter, and the
 *   skeleton reads one unit ahead, which across p's end changes only ы before е or э (`ye` is
 *   e, a lone y is i); kh and ph never span two letters, as no letter's romanisation starts
 *   with h.
 * - crossLetters reads at most 3 units ahead (`shch`) and writes at most one unit per unit read,
 *   so on E + t it writes what it writes on key(w) except for E's last 3 units and t: C + T, C a
 *   prefix of crossLetters(key(w)), T at most 4 units.
 * - Steps 3 and 4 cut final units and change the one before the last: K less its last 4 units
 *   is a prefix of C.
 * A key of 4 units or fewer has an empty base: every Cyrillic word may reach it, and the filter
 * then lets all through (a short transliterated query word such as `kyiv` costs that).
 */
export function crossKeyBaseLength(key: string): number {
  return Math.max(0, key.length - 4)
}

/** a e i o u: the vowels left in a key (y and j are i there). */
function isVowel(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U
}

/**
 * A query word's cross keys (a query has no language: crossStemLanguage without one). A Cyrillic
 * word has two, that of its stem and that of the word: the Ukrainian stemmer cuts Харків and
 * Харкова to харк, which no Latin spelling's key is, while the word's own key (final vowels gone,
 * its last syllable's vowel made o) is `kharkiv`'s.
 */
export function queryCrossKeys(term: string, script: number): string[] {
  const lang = crossStemLanguage(term, script, undefined)
  const key = transliterationKey(term)
  const keys = [crossKey(lang === undefined ? key : transliterationKey(stemWord(term, lang)))]
  if (script === SCRIPT_CYRILLIC) {
    const own = crossKey(key)
    if (own !== keys[0]) keys.push(own)
  }
  return keys
}

/**
 * How French and German news write Russian and Ukrainian names, read back into the English-like
 * spelling the key starts from: French « Koursk », « Tchernobyl », « Jitomir », « Chostka » (ou = у,
 * tch = ч, j = ж, ch = ш); German "Charkiw", "Tschernobyl", "Schoigu", "Selenskyj" (ch = х,
 * tsch = ч, sch = ш, z = ц, s before a vowel = з, ss = с). w → v and j → i are already in the
 * key. Applied to Latin words of items in those languages, and to every Latin query word (a query
 * has no language: `koursk` finds «Курск»). Each rewrite is tried at a position in the order
 * listed, the first that fits wins, and the scan goes on after it (as a global regex alternation
 * would: /tch|ch|ou|j/ for French, /tsch|sch|ch|ss|z|s(?=[aeiouy])/ for German).
 */
const FRENCH = 0
const GERMAN = 1
const READINGS: ReadonlyMap<string, number> = new Map([
  ['fr', FRENCH],
  ['de', GERMAN],
])

/** Languages whose Latin words have a reading (READINGS). */
export const READING_LANGUAGES: readonly string[] = [...READINGS.keys()]

/** Scratch for a reading: the word rewritten as the reading says. */
let readUnits = new Uint16Array(64) as Uint16Array

/**
 * The key of a Latin word read as `lang` writes Russian and Ukrainian names (READINGS), or null
 * when the reading rewrites nothing (the key is then the word's own transliteration key). A loop
 * by code unit into scratch, not a regex replace: it runs on the first sight of every Latin word
 * of a French or German item when a watch transliterates.
 */
export function readingKeyOrNull(term: string, lang: string): string | null {
  keyUnits = scratchFor(keyUnits, readingCapacity(term.length))
  const m = readingKeyInto(unitsOf(term), 0, term.length, lang, keyUnits)
  return m < 0 ? null : unitsToString(keyUnits, 0, m)
}

/** Units a reading key of a word of `n` units may take (readingKeyInto's `out`). */
export function readingCapacity(n: number): number {
  // A rewrite makes at most two units of one (z → ts), and the key at most four of each.
  return keyCapacity(2 * n)
}

/**
 * readingKeyOrNull of the word src[from, from + n), written to `out` (readingCapacity(n) units
 * at least): its length, or -1 when the reading rewrites nothing. readingKeyOrNull runs this
 * code, and the first-sight gate (first-sight-gate.ts) reads new words this way, without a
 * string.
 */
export function readingKeyInto(
  src: Uint16Array,
  from: number,
  n: number,
  lang: string,
  out: Uint16Array,
): number {
  const reading = READINGS.get(lang)
  if (reading === undefined) return -1
  const end = from + n
  readUnits = scratchFor(readUnits, n * 2)
  // Every rewrite starts at one of a few letters (FRENCH_STARTS, GERMAN_STARTS): the other units
  // are passed over without a call, which in a fresh isolate costs more than the unit.
  const starts = reading === FRENCH ? FRENCH_STARTS : GERMAN_STARTS
  // Up to the first rewrite nothing is written (it would be the word itself): most words have
  // none, and are answered after one read of each unit.
  let i = from
  let taken = 0
  for (; i < end && taken === 0; i++) {
    const c = src[i]!
    if (c < A || c > Z || ((starts >>> (c - A)) & 1) === 0) continue
    taken =
      reading === FRENCH
        ? frenchRewrite(src, i, end, c, i - from)
        : germanRewrite(src, i, end, c, i - from)
  }
  if (taken === 0) return -1
  // The rewrite at i - 1 wrote from readUnits[i - 1 - from]: the units before it go before it.
  i--
  for (let k = from; k < i; k++) readUnits[k - from] = src[k]!
  let m = rewritten
  i += taken
  while (i < end) {
    const c = src[i]!
    taken =
      c < A || c > Z || ((starts >>> (c - A)) & 1) === 0
        ? 0
        : reading === FRENCH
          ? frenchRewrite(src, i, end, c, m)
          : germanRewrite(src, i, end, c, m)
    if (taken === 0) {
      readUnits[m++] = c
      i++
      continue
    }
    m = rewritten
    i += taken
  }
  // Romanising changes nothing in a Latin word: only the skeleton remains to be taken.
  if (scriptOfUnits(src, from, n) === SCRIPT_LATIN) return skeletonInto(readUnits, 0, m, out)
  return keyInto(readUnits, 0, m, out)
}

/** readingKeyOrNull, or the word's transliteration key when the reading rewrites nothing. */
export function readingKey(term: string, lang: string): string {
  return readingKeyOrNull(term, lang) ?? transliterationKey(term)
}

/**
 * The letters a rewrite may start at, a bit each from a (bit 0) to z: every test of
 * frenchRewrite starts with c === T, C, O or J, every one of germanRewrite with T, S, C or Z.
 */
const FRENCH_STARTS = letterBits('tcoj')
const GERMAN_STARTS = letterBits('tscz')

function letterBits(letters: string): number {
  let bits = 0
  for (let i = 0; i < letters.length; i++) bits |= 1 << (letters.charCodeAt(i) - A)
  return bits
}

/** Where a rewrite left readUnits' end (set by frenchRewrite and germanRewrite). */
let rewritten = 0

/** The unit at i of a word ending at `end`, or -1 past it. */
function at(src: Uint16Array, i: number, end: number): number {
  return i < end ? src[i]! : -1
}

/** Writes units at readUnits[m…] and returns `taken`, with `rewritten` set past them. */
function put(m: number, taken: number, a: number, b = -1, c = -1): number {
  readUnits[m++] = a
  if (b >= 0) readUnits[m++] = b
  if (c >= 0) readUnits[m++] = c
  rewritten = m
  return taken
}

/** French: tch → ch, ch → sh, ou → u, j → zh. Returns the units taken at i (0: none). */
function frenchRewrite(src: Uint16Array, i: number, end: number, c: number, m: number): number {
  if (c === T && at(src, i + 1, end) === C && at(src, i + 2, end) === H) return put(m, 3, C, H)
  if (c === C && at(src, i + 1, end) === H) return put(m, 2, S, H)
  if (c === O && at(src, i + 1, end) === U) return put(m, 2, U)
  if (c === J) return put(m, 1, Z, H)
  return 0
}

/** German: tsch → ch, sch → sh, ch → kh, ss → s, z → ts, s before a vowel (or y) → z. */
function germanRewrite(src: Uint16Array, i: number, end: number, c: number, m: number): number {
  if (
    c === T &&
    at(src, i + 1, end) === S &&
    at(src, i + 2, end) === C &&
    at(src, i + 3, end) === H
  ) {
    return put(m, 4, C, H)
  }
  if (c === S && at(src, i + 1, end) === C && at(src, i + 2, end) === H) return put(m, 3, S, H)
  if (c === C && at(src, i + 1, end) === H) return put(m, 2, K, H)
  if (c === S && at(src, i + 1, end) === S) return put(m, 2, S)
  if (c === Z) return put(m, 1, T, S)
  if (c === S && isVowelOrY(at(src, i + 1, end))) return put(m, 1, Z)
  return 0
}

/** a e i o u y. */
function isVowelOrY(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U || c === Y
}
