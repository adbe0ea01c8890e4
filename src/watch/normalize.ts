// Word normalisation shared by queries and item text: one word in, its search form out.
// Not responsible for finding word boundaries (tokenize.ts) nor for stemming or transliteration
// (stem.ts, transliterate.ts), which are opt-in per watch.
// References: Unicode UAX #15 (NFKC), CaseFolding.txt (full folding), UCD combining marks
// (U+0300–U+036F, Arabic harakat U+064B–U+065F, Hebrew points U+0591–U+05C7).
//
// Decisions, each with its reason:
// - NFKC first: fullwidth letters, ligatures such as ﬁ, superscripts and compatibility forms are
//   typed by nobody but appear in scraped text; NFKC maps them to the letters people type.
// - Full case folding: toLowerCase plus the full-folding cases it misses (ß/ẞ → ss, final ς → σ,
//   long ſ → s), so `hauptstrasse` finds "Hauptstraße" and Greek words match in any position.
// - Accent folding: strip combining diacritics after NFD, so `etat` finds « État ». Users omit
//   accents in queries far more often than accents distinguish two words they care about; the cost
//   is rare conflations (Spanish año/ano), accepted as Google News does.
// - Kept marks (the mark makes another letter that its users type as such): Cyrillic й (и + breve),
//   Belarusian ў, Ukrainian ї, Macedonian ѓ and ќ. Russian ё is NOT kept: Russian text writes е for
//   ё most of the time, so `елки` must find «Ёлки». Marks outside the Latin/Greek/Cyrillic
//   diacritic block are kept (Devanagari vowel signs, kana voicing marks), because there they are
//   part of the letter, except Arabic harakat and Hebrew niqqud: vowel pointing that everyday text
//   and queries omit. Stripping hamza/madda also folds أ إ آ to ا, as Arabic search engines do.
// - Letters with a stroke or other non-decomposing marks fold by table: ł→l, ø→o, đ/ð→d, ħ→h,
//   ı→i, ŧ→t, þ→th. Ligatures: œ→oe, æ→ae (NFKC does not split them).
// - Soft hyphens (U+00AD), zero-width joiners and the Arabic tatweel are invisible layout
//   characters and are removed.
// - German ä/ö/ü fold to a/o/u, not ae/oe/ue: folding the transcription everywhere would make
//   `michael` equal `michal` and `blue` equal `blü`. Instead a query word gets its other German
//   spelling (germanSpelling below), which matches in German items only (evaluate.ts).

import { boundedMemo } from '../lib/memo'

/** Apostrophe-like characters unified in tokenising: ’ ʼ ‘ ` ′ and the ASCII apostrophe. */
export const APOSTROPHES = "'’ʼ‘`′"

/**
 * French and Italian elided articles and conjunctions, in folded form: « l’Otan » indexes `otan`.
 * The list plus the common ones it implies (quelqu’un, presqu’île, Italian dell’, all’…).
 */
export const ELISIONS: ReadonlySet<string> = new Set([
  'l',
  'd',
  'qu',
  'j',
  'n',
  's',
  'c',
  'm',
  't',
  'jusqu',
  'lorsqu',
  'puisqu',
  'quoiqu',
  'quelqu',
  'presqu',
  'dell',
  'all',
  'dall',
  'nell',
  'sull',
  'un',
  'quest',
  'quell',
])

const STROKE_LETTERS: Record<string, string> = {
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ŧ: 't',
  þ: 'th',
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ς: 'σ',
  ſ: 's',
  ŀ: 'l',
}
const STROKE_RE = /[łøđðħıŧþœæßςſŀ]/g
const INVISIBLE_RE = /[\u00ad\u200b-\u200d\u2060\ufeff\u0640]/g
/** Words that fold by lowercasing alone: ASCII, and basic Cyrillic а–я (ё/й lie outside it). */
const PLAIN_WORD_RE = /^[A-Za-z0-9\u0410-\u044f]*$/
const NEEDS_MARK_WORK_RE = /[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]/

/**
 * Memo of folded words: article vocabularies repeat, and NFD/NFC are the costly steps
 * (100,000 entries, ~100 bytes each).
 */
export const foldMemo = boundedMemo(100_000, (word) => foldWord(word))

/** The search form of one word (no spaces or punctuation inside; tokenize.ts finds words). */
export function normalizeWord(word: string): string {
  if (PLAIN_WORD_RE.test(word)) return word.toLowerCase()
  return foldMemo(word)
}

function foldWord(word: string): string {
  let s = word.normalize('NFKC').replace(INVISIBLE_RE, '').toLowerCase()
  s = s.replace(STROKE_RE, (c) => STROKE_LETTERS[c] ?? c)
  const decomposed = s.normalize('NFD')
  if (!NEEDS_MARK_WORK_RE.test(decomposed)) return s
  let out = ''
  let base = ''
  for (const ch of decomposed) {
    const code = ch.codePointAt(0) ?? 0
    if (isFoldedMark(code) && !keepsMark(base, code)) continue
    out += ch
    if (!isMark(code)) base = ch
  }
  return out.normalize('NFC')
}

function isMark(code: number): boolean {
  return (code >= 0x300 && code <= 0x36f) || isSemiticPointing(code)
}

function isSemiticPointing(code: number): boolean {
  return (code >= 0x591 && code <= 0x5c7) || (code >= 0x64b && code <= 0x65f) || code === 0x670
}

/** Marks that folding removes: Latin/Greek/Cyrillic diacritics and Semitic vowel pointing. */
function isFoldedMark(code: number): boolean {
  return isMark(code)
}

/** й ў (breve), ї (diaeresis on і), ѓ ќ (acute on г к): separate letters their users type. */
function keepsMark(base: string, mark: number): boolean {
  if (mark === 0x306) return base === 'и' || base === 'у'
  if (mark === 0x308) return base === 'і'
  if (mark === 0x301) return base === 'г' || base === 'к'
  return false
}

const UMLAUT_RE = /[äöü]/

/**
 * Whether germanSpelling can act on `raw`: an umlaut (composed or not) or ae/oe/ue in any case.
 * A loop, not a regex: it runs for every word of every query when 10,000 watches compile.
 */
export function maybeGerman(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x65 || c === 0x45) {
      // e or E after a, o or u in either case
      const before = i > 0 ? raw.charCodeAt(i - 1) | 0x20 : 0
      if (before === 0x61 || before === 0x6f || before === 0x75) return true
    } else if (c >= 0xc4) {
      // ä ö ü Ä Ö Ü, and the combining diaeresis
      if (c === 0xe4 || c === 0xf6 || c === 0xfc || c === 0xc4 || c === 0xd6 || c === 0xdc) {
        return true
      }
      if (c === 0x308) return true
    }
  }
  return false
}
const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue' }
/**
 * ae/oe/ue where German writes them for ä/ö/ü when a keyboard lacks the umlaut: not at the end
 * of a word (blue, Sue, Joe, Mae are not blü, Sü, Jö, Mä), not after a vowel (the diphthongs of
 * neue, Bauer, Feuer: `neuen` is not `neün`) and not after q (Quelle, Quote).
 */
const TRANSCRIBED_RE = /(?<![aeiouyq])([aou])e(?!$)/g
/** ä/ö/ü where TRANSCRIBED_RE would read its transcription back: not last, nor after a vowel or q. */
const SPELLED_OUT_RE = /(?<![aeiouyq])[äöü](?!$)/g

/**
 * A query word's other German spelling, folded, or null: `muenchen` → `munchen` (the folded
 * form of München), `münchen` → `muenchen`, `fuer` → `fur`. German text uses both spellings,
 * the transcription where the umlaut is missing; matching takes the other spelling in German
 * items only, so `mueller` does not find Thomas Müller in an English article about Robert
 * Mueller. `raw` is the word as written (one word: no spaces or punctuation).
 */
export function germanSpelling(raw: string): string | null {
  // Most query words have neither: no normalising for them (10,000 watches compile at once).
  if (!maybeGerman(raw)) return null
  const lower = raw.normalize('NFC').toLowerCase()
  let other: string
  if (UMLAUT_RE.test(lower)) {
    // Only where the transcription would be read back as the umlaut: `neün` is not `neuen`.
    other = lower.replace(SPELLED_OUT_RE, (c) => UMLAUTS[c]!)
    if (other === lower) return null
  } else {
    TRANSCRIBED_RE.lastIndex = 0
    if (!TRANSCRIBED_RE.test(lower)) return null
    other = lower.replace(TRANSCRIBED_RE, '$1')
  }
  const folded = normalizeWord(other)
  return folded === normalizeWord(lower) ? null : folded
}
