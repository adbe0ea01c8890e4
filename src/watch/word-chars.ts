// Which characters belong to words and which separate them: the one definition that the item
// tokenizer (tokenize.ts) and the query lexer (query-parser.ts) share, so that a character can
// never be a boundary to one and part of a word to the other.
// Not responsible for folding (normalize.ts) nor for query syntax (query-parser.ts decides what
// `(`, `"`, `|` and `-` mean).
// References: Unicode UAX #29 (word boundaries, approximated by \p{L}\p{N}\p{M}); UCD general
// category Cc (control characters) and the White_Space property as JavaScript's \s has it.
//
// Why this is its own file: the query lexer once ended a word at any code unit up to U+0020 while
// skipping only white space between words, so a control character such as U+0001 was neither
// skipped nor taken into a word, and the lexer stood on it forever, filling the heap (issue #9).

import { APOSTROPHES } from './normalize'

/**
 * The characters a word is made of, as a regex class body: letters, digits and combining marks of
 * any script, plus the invisible soft hyphen and zero-width (non-)joiner that publishers leave
 * inside words (normalize.ts removes them).
 */
export const WORD_CHARS = '\\p{L}\\p{N}\\p{M}\\u00ad\\u200c\\u200d'

/** Hyphens (- ‐ ‑) and apostrophes that join two runs of word characters into one compound. */
export const JOINERS = `\\-\\u2010\\u2011${APOSTROPHES}`

const SPACE_RE = /\s/

/**
 * Whether the code unit `code` separates words wherever it appears: white space (what \s
 * matches) or a control character (U+0000–U+001F, U+007F–U+009F), which is in no word of any
 * script. The lexer skips these between query words and ends a word at them; the tokenizer never
 * takes one into a word, since neither class is in WORD_CHARS.
 */
export function isWordBreak(code: number): boolean {
  if (code <= 0x20) return true
  if (code < 0x7f) return false
  if (code <= 0x9f) return true
  return SPACE_RE.test(String.fromCharCode(code))
}
