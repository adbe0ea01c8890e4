// Snowball stemmers per item language, for watches that opt in with `options.stem`.
// Not responsible for choosing when to stem (evaluate.ts decides, per item language) nor for
// folding (words arrive normalised; the stemmers cope with folded input the same way for query
// and text, which is all matching needs).
// Library: @orama/stemmers (Snowball algorithms compiled to plain ESM, one subpath per language,
// no Node built-ins, so it bundles for workerd and only the languages imported here ship).
// Reference: https://snowballstem.org/algorithms/

import { boundedMemo } from '../lib/memo'
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

/** Per-language memos: ~1.5 µs a stem, and article vocabularies repeat across items. */
const memos = new Map<string, (word: string) => string>()
/** Entries per language, bounded so a long-lived isolate cannot grow them without limit. */
const MEMO_LIMIT = 50_000

/** The primary language subtag of a BCP 47 tag, lowercased: 'fr-CA' → 'fr'. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0]
  return primary === '' ? undefined : primary
}

export function hasStemmer(lang: string | undefined): boolean {
  return lang !== undefined && lang in STEMMERS
}

/** stemWord without the memo, for callers that keep the stem themselves (word.ts). */
export function computeStem(word: string, lang: string): string {
  const stemmer = STEMMERS[lang]
  return stemmer ? stemmer(word) : word
}

/** The stem of a normalised word in `lang`, or the word itself when there is no stemmer. */
export function stemWord(word: string, lang: string): string {
  const stemmer = STEMMERS[lang]
  if (!stemmer) return word
  let memo = memos.get(lang)
  if (!memo) memos.set(lang, (memo = boundedMemo(MEMO_LIMIT, stemmer)))
  return memo(word)
}
