// Query syntax: the AST for valid queries and QueryError positions/messages for bad ones.
import { describe, expect, it } from 'vitest'
import { parseQuery, QueryError } from '../../src/watch'

function errorOf(query: string): QueryError {
  try {
    parseQuery(query)
  } catch (error) {
    if (error instanceof QueryError) return error
    throw error
  }
  throw new Error(`expected a QueryError for ${query}`)
}

describe('parseQuery: errors', () => {
  it.each([
    ['unclosed quote', 'belgorod AND "armes de', 13, 'unclosed quote at 13'],
    ['unclosed parenthesis', 'a (b OR c', 2, 'unclosed parenthesis at 2'],
    ['unexpected )', 'a b)', 3, 'unexpected ) at 3'],
    ['OR without right operand', 'belgorod OR', 9, 'OR needs a term after it at 9'],
    ['OR without left operand', 'OR belgorod', 0, 'OR needs a term before it at 0'],
    ['AND without right operand', 'a AND', 2, 'AND needs a term after it at 2'],
    ['AND then OR', 'a AND OR b', 2, 'AND needs a term after it at 2'],
    ['NOT alone', 'a NOT', 2, 'NOT needs a term after it at 2'],
    ['dangling minus', 'a - b', 2, '- must be followed by a term to exclude at 2'],
    ['empty parentheses', 'a () b', 2, 'empty parentheses at 2'],
    ['empty phrase', 'a ""', 2, 'empty phrase at 2'],
    ['empty query', '   ', 0, 'empty query at 0'],
    ['short wildcard', 'ab*', 2, '* needs at least 3 characters before it at 2'],
    ['inner star', 'be*rod', 2, '* is allowed only at the end of a word at 2'],
    [
      'wildcard across a hyphen',
      'jean-pi*',
      0,
      'a wildcard must stay inside one word (no hyphens or punctuation) at 0',
    ],
    [
      'bad NEAR distance',
      'a NEAR/x b',
      2,
      'NEAR needs a distance from 0 to 100, as in NEAR/5 at 2',
    ],
    [
      'NEAR too wide',
      'a ONEAR/500 b',
      2,
      'ONEAR needs a distance from 0 to 100, as in ONEAR/5 at 2',
    ],
    ['NEAR without right operand', 'a NEAR/3', 2, 'NEAR needs a term after it at 2'],
    [
      'NEAR over a NOT',
      '(a -b) NEAR/3 c',
      7,
      'NEAR operands must be terms, phrases, wildcards or (a OR b) groups of those at 7',
    ],
    [
      'unknown field',
      'titel:belgorod',
      0,
      'unknown field titel: (known: title, summary, content, text, author, category, url, site, feed, lang) at 0',
    ],
    ['field without value', 'title: belgorod', 6, 'missing value after title: at 6'],
    ['phrase in site:', 'site:"a b"', 5, 'site: takes a single value, not a phrase at 5'],
    ['punctuation only', 'a +', 2, 'nothing to search for in "+" at 2'],
  ])('%s: %s', (_name, query, position, message) => {
    const error = errorOf(query)
    expect(error.position).toBe(position)
    expect(error.message).toBe(message)
    expect(error.query).toBe(query)
  })

  it('displays the reason, the excerpt and a caret under the position', () => {
    expect(errorOf('belgorod AND "armes de').display).toBe(
      'unclosed quote at 13\nbelgorod AND "armes de\n             ^',
    )
  })

  it('cuts long queries around the error', () => {
    const query = `${'word '.repeat(20)}"open`
    const lines = errorOf(query).display.split('\n')
    expect(lines[1]!.startsWith('…')).toBe(true)
    expect(lines[1]![lines[2]!.indexOf('^')]).toBe('"')
  })

  it('rejects very long queries', () => {
    expect(errorOf('a '.repeat(1500)).message).toMatch(/longer than 2000/)
  })

  it('rejects deep nesting without overflowing the stack', () => {
    expect(errorOf(`${'('.repeat(100)}a${')'.repeat(100)}`).message).toMatch(/nests too deeply/)
  })
})

describe('parseQuery: structure', () => {
  it.each([
    ['implicit AND', 'a b', { type: 'and' }],
    ['OR', 'a OR b', { type: 'or' }],
    ['| as OR', 'a|b', { type: 'or' }],
    ['NOT', 'NOT a', { type: 'not' }],
    ['- as NOT', '-a', { type: 'not' }],
    ['hyphen inside a word is not NOT', 'e-mail', { type: 'or' }],
    [
      'term',
      'Belgorod',
      { type: 'term', term: 'belgorod', fields: ['title', 'summary', 'content'] },
    ],
    ['elided term', 'l’Otan', { type: 'term', term: 'otan' }],
    ['phrase', '"Armes de"', { type: 'phrase', terms: ['armes', 'de'] }],
    ['field', 'title:x', { type: 'term', fields: ['title'] }],
    ['field is case-insensitive', 'Title:x', { type: 'term', fields: ['title'] }],
    ['wildcard', 'Белгород*', { type: 'wildcard', pieces: ['белгород'], star: true }],
    ['? wildcard', 'b?lg', { type: 'wildcard', pieces: ['b', 'lg'], star: false }],
    ['NEAR default distance', 'a NEAR b', { type: 'near', distance: 5, ordered: false }],
    ['ONEAR', 'a ONEAR/2 b', { type: 'near', distance: 2, ordered: true }],
    [
      'site value',
      'site:News.Example.com/path',
      { type: 'meta', field: 'site', value: 'news.example.com' },
    ],
    ['lang value', 'lang:fr_CA', { type: 'meta', field: 'lang', value: 'fr-ca' }],
    [
      'URL-looking word is a phrase',
      'http://x.org',
      { type: 'phrase', terms: ['http', 'x', 'org'] },
    ],
    ['time is a phrase', '10:30', { type: 'phrase', terms: ['10', '30'] }],
  ])('%s: %s', (_name, query, expected) => {
    expect(parseQuery(query)).toMatchObject(expected)
  })

  it('applies NOT > AND > OR', () => {
    expect(parseQuery('a -b c OR d')).toMatchObject({
      type: 'or',
      children: [
        {
          type: 'and',
          children: [{ term: 'a' }, { type: 'not', child: { term: 'b' } }, { term: 'c' }],
        },
        { term: 'd' },
      ],
    })
  })

  it('applies a field to every term of a group', () => {
    expect(parseQuery('title:(a OR "b c")')).toMatchObject({
      type: 'or',
      children: [
        { type: 'term', fields: ['title'] },
        { type: 'phrase', fields: ['title'] },
      ],
    })
  })
})

/** Every control character that is not white space: U+0000–U+0008, U+000E–U+001F, U+007F–U+009F. */
const CONTROLS = [
  ...Array.from({ length: 0x09 }, (_, c) => c),
  ...Array.from({ length: 0x20 - 0x0e }, (_, k) => 0x0e + k),
  ...Array.from({ length: 0xa0 - 0x7f }, (_, k) => 0x7f + k),
].map((c) => String.fromCharCode(c))

describe('parseQuery: control characters separate words (issue #9: the lexer looped on them)', () => {
  it.each(CONTROLS.map((c) => [c.charCodeAt(0).toString(16).padStart(4, '0'), c]))(
    'U+%s after a word ends it',
    (_code, c) => {
      expect(parseQuery(`otan${c}`)).toMatchObject({ type: 'term', term: 'otan' })
    },
  )

  it.each([
    ['before a word', '\u0001otan', { type: 'term', term: 'otan' }],
    [
      'between two words',
      'ot\u0001an',
      { type: 'and', children: [{ term: 'ot' }, { term: 'an' }] },
    ],
    ['inside a group', '(\u001fotan\u0002)', { type: 'term', term: 'otan' }],
    ['inside a phrase', '"otan\u0001belge"', { type: 'phrase', terms: ['otan', 'belge'] }],
    ['after a field value', 'title:otan\u0007', { type: 'term', fields: ['title'] }],
    ['after a minus sign and a word', '-otan\u0000 belge', { type: 'and' }],
  ])('%s', (_name, query, expected) => {
    expect(parseQuery(query)).toMatchObject(expected)
  })

  it.each([
    ['alone', '\u0001\u0002', 0, 'empty query at 0'],
    ['after a minus sign', 'a -\u0001b', 2, '- must be followed by a term to exclude at 2'],
    ['after a field name', 'title:\u0001x', 6, 'missing value after title: at 6'],
  ])('%s: a QueryError, not a hang', (_name, query, position, message) => {
    const error = errorOf(query)
    expect(error.position).toBe(position)
    expect(error.message).toBe(message)
  })
})
