// The one notion of a word character (src/watch/word-chars.ts): the query lexer and the item
// tokenizer must agree on every code unit, or a query can mean something no item can hold, or
// (issue #9) the lexer can stand still on a character it neither skips nor takes.
import { describe, expect, it } from 'vitest'
import { parseQuery, tokenize, type Token } from '../../src/watch'
import { isWordBreak } from '../../src/watch/word-chars'

function words(text: string): string[] {
  const out: Token[] = []
  tokenize(text, out)
  return out.filter((t) => t.kind === 0).map((t) => t.term)
}

/** Every BMP code unit that is not a surrogate, in one list. */
const BMP = Array.from({ length: 0x10000 }, (_, c) => c).filter((c) => c < 0xd800 || c > 0xdfff)

describe('word breaks', () => {
  it.each([
    ['white space', [0x09, 0x0a, 0x0d, 0x20, 0xa0, 0x2028, 0x3000, 0xfeff]],
    ['C0 controls that are not white space', [0x00, 0x01, 0x08, 0x0e, 0x1b, 0x1f]],
    ['DEL and C1 controls', [0x7f, 0x85, 0x9f]],
  ])('%s are breaks', (_name, codes) => {
    for (const c of codes) expect(isWordBreak(c)).toBe(true)
  })

  it.each([
    ['letters and digits', [0x61, 0x41, 0x30, 0xe9, 0x439, 0x6771]],
    ['punctuation the query language reads', [0x2d, 0x2a, 0x3f, 0x3a, 0x22, 0x28, 0x7c]],
    ['invisible joiners kept inside words', [0xad, 0x200c, 0x200d]],
  ])('%s are not breaks', (_name, codes) => {
    for (const c of codes) expect(isWordBreak(c)).toBe(false)
  })

  it('a break splits an item word and a query word alike, for every BMP break', () => {
    const breaks = BMP.filter(isWordBreak)
    expect(breaks.length).toBeGreaterThan(60)
    for (const c of breaks) {
      const ch = String.fromCharCode(c)
      expect(words(`otan${ch}belge`)).toEqual(['otan', 'belge'])
      expect(parseQuery(`otan${ch}belge`)).toMatchObject({
        type: 'and',
        children: [{ term: 'otan' }, { term: 'belge' }],
      })
    }
  })

  it('no word character is a break, for every BMP code unit', () => {
    const inWords = BMP.filter((c) => words(`a${String.fromCharCode(c)}b`).length === 1)
    expect(inWords.filter(isWordBreak)).toEqual([])
  })
})
