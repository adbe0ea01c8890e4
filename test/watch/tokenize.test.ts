// Word boundaries, elisions, compounds and CJK bigrams (src/watch/tokenize.ts).
import { describe, expect, it } from 'vitest'
import { tokenize, type Token } from '../../src/watch'

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
