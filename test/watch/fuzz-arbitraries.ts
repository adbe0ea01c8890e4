// fast-check arbitraries for fuzzing the watch engine: query strings of any code unit or code
// point (controls, astral characters, lone surrogates) mixed with the query language's own
// syntax so the parser is driven deep, and items made the same way. Shared by the fuzz test
// (test/watch/fuzz.test.ts, in workerd) and the fuzz bench (bench/watch-fuzz.bench.ts, in Node,
// where case times can be measured).
import fc from 'fast-check'
import type { MatchInput } from '../../src/watch'

/** The longest query the API takes (src/http/validate.ts); the parser refuses past 2,000. */
export const MAX_API_QUERY_LENGTH = 4000

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
/** Any code point, astral ones included (emoji, CJK extension B, Gothic…). */
const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c))
/** Control characters and white space: what issue #9's lexer stood still on. */
const breakChar = fc
  .constantFrom(0x00, 0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0d, 0x1f, 0x20, 0x7f, 0x85, 0xa0, 0x2028)
  .map((c) => String.fromCharCode(c))

/** Pieces of query syntax and of words every rule of the language treats specially. */
const SYNTAX = [
  'AND',
  'OR',
  'NOT',
  'NEAR',
  'NEAR/3',
  'ONEAR/0',
  'NEAR/x',
  'ONEAR/500',
  '(',
  ')',
  '"',
  '|',
  '-',
  '*',
  '?',
  ':',
  '/',
  ' ',
  'title:',
  'text:',
  'category:',
  'site:',
  'lang:',
  'feed:',
  'titel:',
  'url:',
  'http://',
]
const WORDS = [
  'belgorod',
  'Белгороде',
  'otan',
  'l’Otan',
  "qu'il",
  'e-mail',
  'F-16',
  '4-6',
  "he'll",
  'we’re',
  "O'Neill",
  'muenchen',
  'München',
  'Київ',
  'Charkiw',
  'Koursk',
  '東京都',
  '价格200元',
  'Αθήνα',
  'ß',
  'ﬁ',
  'مُحَمَّد',
  '\u00ad',
  '\u200d',
  '😀',
  '𝔘',
]
const piece = fc.constantFrom(...SYNTAX, ...WORDS)

const unit = fc.oneof(
  { weight: 4, arbitrary: piece },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: codeUnit },
  { weight: 1, arbitrary: codePoint },
  { weight: 1, arbitrary: breakChar },
)

/** Strings of `unit`s cut to `max` code units (a cut may leave a lone surrogate: wanted). */
function textOf(max: number, size: fc.SizeForArbitrary) {
  return fc.string({ unit, maxLength: max, size }).map((s) => s.slice(0, max))
}

/** A query word: a special word, a random ASCII one, a wildcard or a phrase. */
const asciiWord = fc.stringMatching(/^[a-z0-9]{1,9}$/)
const term = fc.oneof(
  fc.constantFrom(...WORDS),
  asciiWord,
  fc.stringMatching(/^[a-z]{3,8}$/).map((w) => `${w}*`),
  asciiWord.map((w) => `${w.slice(0, 1)}?${w.slice(1)}`),
  fc
    .array(fc.oneof(asciiWord, fc.constantFrom(...WORDS)), { minLength: 1, maxLength: 4 })
    .map((words) => `"${words.join(' ')}"`),
)
const operand = fc
  .tuple(fc.constantFrom('', '', '', '', 'title:', 'text:', 'author:', '-', 'NOT '), term)
  .map(([prefix, t]) => prefix + t)
const JOINS = [' ', ' ', ' ', ' AND ', ' OR ', ' OR ', ' | ', ' NEAR ', ' ONEAR/2 ']

/**
 * A query as people write one (operands joined by operators, some groups in parentheses), with
 * (one time in two) up to three random units inserted anywhere: most parse, and the insertions reach the corners
 * of the lexer that well-formed queries never do.
 */
const shapedQuery = fc
  .tuple(
    fc.array(fc.tuple(operand, fc.constantFrom(...JOINS), fc.boolean()), {
      minLength: 1,
      maxLength: 12,
    }),
    fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), unit), { maxLength: 3 })),
  )
  .map(([parts, insertions]) => {
    let query = ''
    parts.forEach(([op, join, group], k) => {
      query += (k > 0 ? join : '') + (group && k > 0 ? `(${op}${join}${op})` : op)
    })
    for (const [at, u] of insertions) {
      const i = query.length === 0 ? 0 : at % query.length
      query = query.slice(0, i) + u + query.slice(i)
    }
    return query.slice(0, MAX_API_QUERY_LENGTH)
  })

/**
 * Query strings: shaped like real queries (most parse), or random units (most are refused),
 * mostly short; one random case in five long, up to the API's limit (past the parser's 2,000
 * they must be refused with a position, not parsed).
 */
export const queryString = fc.oneof(
  { weight: 5, arbitrary: shapedQuery },
  { weight: 4, arbitrary: textOf(200, 'medium') },
  { weight: 1, arbitrary: textOf(MAX_API_QUERY_LENGTH, 'max') },
)

export const matchOptions = fc.record({ stem: fc.boolean(), transliterate: fc.boolean() })

const LANGS = ['fr', 'en', 'de', 'ru', 'uk', 'be', 'zh', 'fr-CA', 'xx']

export const matchInput: fc.Arbitrary<MatchInput> = fc.record({
  title: textOf(80, 'small'),
  summary: textOf(300, 'medium'),
  content: textOf(2000, 'medium'),
  url: fc.option(fc.webUrl(), { nil: undefined }),
  author: fc.option(textOf(30, 'small'), { nil: undefined }),
  categories: fc.array(textOf(20, 'small'), { maxLength: 3 }),
  lang: fc.option(fc.constantFrom(...LANGS), { nil: undefined }),
  feedLang: fc.option(fc.constantFrom(...LANGS), { nil: undefined }),
  feedId: fc.constantFrom('f1', 'f2'),
  feedTags: fc.array(fc.constantFrom('press', 'ru'), { maxLength: 2 }),
})
