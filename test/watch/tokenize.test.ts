// Word boundaries, elisions, compounds and CJK bigrams (src/watch/tokenize.ts).
import { describe, expect, it } from 'vitest'
import { tokenize, type Token } from '../../src/watch'
import { scanTokens, termHash, tokenizeByRegex, unitsToString } from '../../src/watch/tokenize'
import { grown } from '../../src/watch/buffers'
import { prng } from '../support/prng'

function terms(text: string): string[] {
  const out: Token[] = []
  tokenize(text, out)
  return out.map((t) => (t.kind === 0 ? t.term : `${t.term}@${t.pos}`))
}

describe('tokenize', () => {
  it.each([
    ['splits l’Otan (curly apostrophe)', 'l’Otan', ['otan']],
    ["splits l'Otan (ASCII apostrophe)", "l'Otan", ['otan']],
    ['splits lʼOtan (modifier letter apostrophe)', 'lʼOtan', ['otan']],
    ['splits d’armes', 'd’armes de facture', ['armes', 'de', 'facture']],
    ['splits qu’il', 'qu’il', ['il']],
    ['splits jusqu’à', 'jusqu’à', ['a']],
    ['splits lorsqu’on', 'lorsqu’on', ['on']],
    ['splits Italian dell’', 'dell’Unione', ['unione']],
    ['drops the English possessive', "NATO's summit", ['nato', 'summit']],
    ['keeps other apostrophes as a compound', 'O’Neill', ['o', 'oneill@0', 'neill']],
    ['splits hyphenated words into parts plus the solid form', 'e-mail', ['e', 'email@0', 'mail']],
    ['numbers are terms', 'F-16 in 2024', ['f', 'f16@0', '16', 'in', '2024']],
    ['splits on punctuation', 'news.example.com/path', ['news', 'example', 'com', 'path']],
    ['Cyrillic words', 'В Белгороде — взрывы', ['в', 'белгороде', 'взрывы']],
    ['Greek words', 'Η Αθήνα', ['η', 'αθηνα']],
    ['Arabic words', 'وزير الخارجية', ['وزير', 'الخارجية']],
    ['Hebrew words', 'ראש הממשלה', ['ראש', 'הממשלה']],
    ['CJK by bigrams with unigram alternates', '東京都', ['東京', '東@0', '京都', '京@1', '都@1']],
    ['a single CJK character is a word', '東', ['東']],
    ['mixed CJK and Latin', 'NHK東京', ['nhk', '東京', '東@1', '京@1']],
    ["he'll is two words, not hell", "he'll", ['he', 'll']],
    ['we’ll is two words, not well', 'we’ll', ['we', 'll']],
    ["we're is two words, not were", "we're", ['we', 're']],
    ["they've, I'd, I'm are two words each", "they've I'd I'm", ['they', 've', 'i', 'd', 'i', 'm']],
    ["can't is not cant, don't not French dont", "can't don't", ['can', 't', 'don', 't']],
    ["O'Neill still has its solid form", "O'Neill", ['o', 'oneill@0', 'neill']],
    ['a numeric range is not a number', '4-6 2-4', ['4', '6', '2', '4']],
    ['a date range neither', '2024-2026', ['2024', '2026']],
    ['F-16 keeps f16', 'F-16', ['f', 'f16@0', '16']],
    ['COVID-19 keeps covid19', 'COVID-19', ['covid', 'covid19@0', '19']],
    [
      'digits inside CJK text are a word of their own',
      '价格200元',
      ['价格', '价@0', '格@0', '200', '元'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(terms(text)).toEqual(expected)
  })

  it('keeps offsets into the original text', () => {
    const out: Token[] = []
    tokenize('Sommet de l’Otan', out)
    const otan = out.find((t) => t.term === 'otan')!
    expect('Sommet de l’Otan'.slice(otan.start, otan.end)).toBe('Otan')
  })

  it('gives consecutive positions across an elision', () => {
    const out: Token[] = []
    tokenize('livraison d’armes de', out)
    expect(out.map((t) => t.pos)).toEqual([0, 1, 2])
  })
})

/** Characters around every edge of the code-unit scan: plain, joiners, separators, others. */
const ALPHABET = [
  ...'aZq09Яжё Й',
  ..."-'`’ʼ‘′‐‑",
  ...' .,;:!?()"«»—/@[]{}_\t\n',
  ...'éßœłа́東京\u00ad\u200c\u200d\u0301😀𝒜ʹ',
  // Letters the scan folds by its table, and neighbours it must leave to the regex.
  ...'ÉàÇñøÆæİıŁЁїЇєґўÿǅĳẞΣςΆ\u0308',
]

describe('tokenize scan', () => {
  it.each([
    ['a plain word at the very end', 'abc'],
    ['a word before a joiner', 'abc-def x'],
    ['a word before a non-ASCII letter', 'prés ident'],
    ['a joiner with no word before it', " -abc 'def `ghi"],
    ['a trailing joiner', "abc- def' ghi`"],
    ['an elision after punctuation', '(l’Otan), "d’armes"'],
    ['a combining mark after a plain run', 'а́ба x'],
    ['an astral letter after a plain run', 'ab𝒜c'],
    ['a soft hyphen inside a word', 'ab\u00adcd ef'],
    ['accented letters the table folds', 'État, Straße; Ålesund. İstanbul Łódź Ёлки'],
    ['a combining mark after a folded letter', 'e\u0301te\u0301 é\u0308'],
    ['Greek, left to the regex', 'ΟΔΟΣ οδός'],
  ])('agrees with the regex definition: %s', (_name, text) => {
    const scanned: Token[] = []
    const byRegex: Token[] = []
    expect(tokenize(text, scanned, 3, 7)).toBe(tokenizeByRegex(text, byRegex, 3, 7))
    expect(scanned).toEqual(byRegex)
  })

  it('agrees with the regex definition on 5,000 random texts', () => {
    const random = prng(4)
    for (let n = 0; n < 5000; n++) {
      const length = Math.floor(random() * 40)
      let text = ''
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]
      const scanned: Token[] = []
      const byRegex: Token[] = []
      const pos = tokenize(text, scanned, 0, 0)
      expect({ text, pos, tokens: scanned }).toEqual({
        text,
        pos: tokenizeByRegex(text, byRegex, 0, 0),
        tokens: byRegex,
      })
    }
  })

  it("hands each plain word over as its term's units and hash (what the lexicon files it under)", () => {
    const random = prng(5)
    let plain = 0
    for (let n = 0; n < 2000; n++) {
      let text = ''
      for (let i = 0; i < 30; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]
      const byRegex: Token[] = []
      tokenizeByRegex(text, byRegex, 0, 0)
      const seen: Array<{ term: string; hash: number }> = []
      const sink = {
        offset: 0,
        units: new Uint16Array(8) as Uint16Array,
        unitEnd: 0,
        reserve(n: number) {
          this.units = grown(this.units, this.unitEnd + n)
        },
        plain(start: number, end: number, hash: number) {
          // The word's lowercased units, where the scan wrote them.
          seen.push({
            term: unitsToString(this.units, this.unitEnd, this.unitEnd + end - start),
            hash,
          })
          this.unitEnd += end - start
          plain++
        },
        token(term: string) {
          seen.push({ term, hash: termHash(term) })
        },
      }
      scanTokens(text, sink)
      expect(seen).toEqual(byRegex.map((t) => ({ term: t.term, hash: termHash(t.term) })))
    }
    expect(plain).toBeGreaterThan(1000)
  })
})
