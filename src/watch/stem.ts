// Snowball stemmers per item language, for watches that opt in with `options.stem`.
// Not responsible for choosing when to stem (evaluate.ts decides, per item language) nor for
// folding (words arrive normalised; the stemmers cope with folded input the same way for query
// and text, which is all matching needs).
// Library: @orama/stemmers (Snowball algorithms compiled to plain ESM, one subpath per language,
// no Node built-ins, so it bundles for workerd and only the languages imported here ship).
// Reference: https://snowballstem.org/algorithms/

import { boundedMemo, type BoundedMemo } from '../lib/memo'
import { stemmer as german } from '@orama/stemmers/german'
import { stemmer as english } from '@orama/stemmers/english'
import { stemmer as spanish } from '@orama/stemmers/spanish'
import { stemmer as french } from '@orama/stemmers/french'
import { stemmer as italian } from '@orama/stemmers/italian'
import { stemmer as dutch } from '@orama/stemmers/dutch'
import { stemmer as portuguese } from '@orama/stemmers/portuguese'
import { stemmer as russian } from '@orama/stemmers/russian'
import { stemmer as ukrainian } from '@orama/stemmers/ukrainian'

type Stemmer = (word: string) => string

const STEMMERS: Readonly<Record<string, Stemmer>> = {
  de: german,
  en: english,
  es: spanish,
  fr: french,
  it: italian,
  nl: dutch,
  pt: portuguese,
  ru: russian,
  uk: ukrainian,
}

/** Languages with a stemmer: a stemmed term is indexed once per language (presearcher.ts). */
export const STEM_LANGUAGES: readonly string[] = Object.keys(STEMMERS)

/**
 * How a stem may stray from its word, per language: the stem of a folded word w is always
 * w[0, j) followed by one of these endings, for some j. So a stem T can come only from a word
 * starting with T less one of the endings T ends with, which lets the presearcher skip the
 * stemmer for a word that starts with no such base of any stem its index holds
 * (prefix-filter.ts): the stem it would compute could only be looked up in vain.
 *
 * Read from @orama/stemmers 3.1.18, for words as they arrive here (folded: lowercase, no
 * accents, ß or ё), step by step. A step that deletes a suffix keeps the stem a prefix of what
 * it was; a rewrite leaves the part of its new suffix that differs from the word, and later
 * cuts keep a prefix of that part (and where the word happens to go on with the same letters,
 * only a suffix of it differs): so each list holds those parts and all their pieces.
 * - de, ru, uk: none, the stem is a prefix. Every step deletes a suffix (Ukrainian нн → н
 *   too); the rewrites German ß → ss, ä ö ü → a o u and Russian ё → е cannot fire on a folded
 *   word, and the marks German sets on u and y between vowels are undone at its end.
 * - en (Porter): step 1b appends `e` (hop-ing → hope), step 1c turns a final y into `i`
 *   (happy → happi), step 2 rewrites a suffix adding `e` (ational → ate, enci → ence, bli →
 *   ble, iviti → ive) or `le` (biliti → ble); steps 3 to 5 only cut.
 * - fr (Snowball): amment → ant and emment → ent leave `nt`, ic before a deleted suffix becomes
 *   iqu (`qu`: indication → indiqu), ence → ent `t`, aux → al `l`, eus(e) → eux `x`, a final
 *   y → `i`; the marks it sets on i, u and y are undone at its end; its accent rules (é, è, ç,
 *   ë, ï) cannot fire on folded words; everything else deletes.
 * Languages left out (es, it, nl, pt) are always stemmed. test/watch/stem.test.ts checks the
 * lists on words built with each language's letters and the suffixes its rules act on.
 */
export const STEM_ENDINGS: Readonly<Record<string, readonly string[]>> = {
  de: [''],
  en: ['', 'e', 'i', 'l', 'le'],
  fr: ['', 'i', 'l', 'n', 'nt', 'q', 'qu', 't', 'u', 'x'],
  ru: [''],
  uk: [''],
}

/** Per-language memos: ~1.5 µs a stem, and article vocabularies repeat across items. */
const memos = new Map<string, BoundedMemo>()
/** Entries per language, bounded so a long-lived isolate cannot grow them without limit. */
const MEMO_LIMIT = 50_000

/** The primary language subtag of a BCP 47 tag, lowercased: 'fr-CA' → 'fr'. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0]
  return primary === '' ? undefined : primary
}

export function hasStemmer(lang: string | undefined): boolean {
  // Own keys only: an item's language comes from its feed, and `constructor` is no language.
  return lang !== undefined && Object.hasOwn(STEMMERS, lang)
}

/** STEM_ENDINGS of `lang`, or undefined when its stemmer has none listed. */
export function stemEndings(lang: string): readonly string[] | undefined {
  return Object.hasOwn(STEM_ENDINGS, lang) ? STEM_ENDINGS[lang] : undefined
}

/** stemWord without the memo, for callers that keep the stem themselves (word.ts). */
export function computeStem(word: string, lang: string): string {
  return hasStemmer(lang) ? STEMMERS[lang]!(word) : word
}

/** The stem of a normalised word in `lang`, or the word itself when there is no stemmer. */
export function stemWord(word: string, lang: string): string {
  if (!hasStemmer(lang)) return word
  const stemmer = STEMMERS[lang]!
  let memo = memos.get(lang)
  if (!memo) {
    const compute = (w: string) => carriedStem(w, lang) ?? (stemmerRuns++, stemmer(w))
    memos.set(lang, (memo = boundedMemo(MEMO_LIMIT, compute)))
  }
  return memo(word)
}

/**
 * Stems of an index's watch words computed where the index was compiled and carried in its
 * snapshot (snapshot.ts): `terms`, and per language their stems in the same order. The index
 * files its stems for a language when the first item in it comes, thousands of words at 10,000
 * watches, and in a fresh isolate the stemmers' code is cold: those stems cost a lookup instead.
 * The stemmers' own results, so a cache: it never changes an answer.
 */
export interface CarriedStems {
  terms: readonly string[]
  stems(lang: string): readonly string[] | undefined
}

let carried: CarriedStems | undefined
/** carried, as a Map per language, built when the language is first asked for. */
const carriedByLang = new Map<string, Map<string, string>>()

/** Carries `stems` (the loaded index's), in place of any carried before. */
export function carryStems(stems: CarriedStems): void {
  carried = stems
  carriedByLang.clear()
}

function carriedStem(word: string, lang: string): string | undefined {
  if (carried === undefined) return undefined
  let map = carriedByLang.get(lang)
  if (map === undefined) {
    map = new Map()
    const stems = carried.stems(lang)
    if (stems) carried.terms.forEach((term, i) => map!.set(term, stems[i]!))
    carriedByLang.set(lang, map)
  }
  return map.get(word)
}

/** Forgets every memoised and carried stem (the start-up warm-up's, warm-up.ts). */
export function forgetStems(): void {
  memos.clear()
  carried = undefined
  carriedByLang.clear()
}

/** How many stems are memoised or carried (the tests check the warm-up leaves none). */
export function stemsHeld(): number {
  let held = carriedByLang.size
  for (const memo of memos.values()) held += memo.size
  return held + (carried === undefined ? 0 : 1)
}

/** How many times stemWord ran a stemmer (tests show what carried stems spare). */
let stemmerRuns = 0
export const stemmerRunCount = (): number => stemmerRuns
