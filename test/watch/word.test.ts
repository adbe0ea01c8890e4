// The lexicon (src/watch/word.ts): one Word per term with its derived forms, bounded without
// forgetting the words in use.
import { describe, expect, it } from 'vitest'
import { Lexicon, wordFor } from '../../src/watch/word'
import { termHash } from '../../src/watch/tokenize'
import { stemWord } from '../../src/watch/stem'
import { transliterationKey } from '../../src/watch/transliterate'

describe('Lexicon', () => {
  it('gives one Word per term', () => {
    const lexicon = new Lexicon(10)
    expect(lexicon.get('a')).toBe(lexicon.get('a'))
    expect(lexicon.get('a').term).toBe('a')
  })

  it('does nothing until full', () => {
    const lexicon = new Lexicon(3)
    const a = lexicon.get('a')
    lexicon.get('b')
    lexicon.sweep()
    expect(lexicon.size).toBe(2)
    expect(lexicon.get('a')).toBe(a)
  })

  it('when full, drops the words not looked up lately and keeps the others', () => {
    const lexicon = new Lexicon(16) // an epoch every 4 new words
    const early = lexicon.get('early')
    for (let i = 0; i < 11; i++) lexicon.get(`old${i}`)
    lexicon.get('early') // looked up again, late
    for (let i = 0; i < 4; i++) lexicon.get(`new${i}`)
    expect(lexicon.size).toBe(16)
    lexicon.sweep()
    expect(lexicon.get('early')).toBe(early)
    expect(lexicon.size).toBeLessThan(16)
    expect(lexicon.size).toBeGreaterThan(4)
  })

  it('finds every word again as it grows, each under its own id', () => {
    const lexicon = new Lexicon(1_000_000)
    const terms = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}`)
    const words = terms.map((t) => lexicon.get(t))
    expect(new Set(words.map((w) => w.id)).size).toBe(terms.length)
    terms.forEach((t, i) => expect(lexicon.get(t)).toBe(words[i]))
    expect(lexicon.size).toBe(terms.length)
  })

  it('looks terms up as units, short ones kept in their row and long ones in the pool', () => {
    const lexicon = new Lexicon(100)
    const terms = [
      'belgorod',
      'белгород',
      'a',
      'bundesverfassungsgericht',
      'bundesverfassungsgerichts',
    ]
    const units = new Uint16Array(200)
    const from: number[] = []
    let end = 0
    for (const term of terms) {
      from.push(end)
      for (const c of term) units[end++] = c.charCodeAt(0)
    }
    const ids = terms.map((term, i) =>
      lexicon.find(units, from[i]!, from[i]! + term.length, termHash(term)),
    )
    expect(ids.map((id) => lexicon.word(id).term)).toEqual(terms)
    expect(terms.map((t) => lexicon.get(t).id)).toEqual(ids)
    const again = new Int32Array(terms.length)
    const to = Int32Array.from(terms, (t, i) => from[i]! + t.length)
    lexicon.findAll(
      terms.length,
      units,
      Int32Array.from(from),
      to,
      Int32Array.from(terms, termHash),
      again,
    )
    expect([...again]).toEqual(ids)
    expect(lexicon.size).toBe(terms.length)
  })

  it('tells apart terms under one hash', () => {
    // 'aa' and 'bB' share a polynomial hash with multiplier 31 (97·31 + 97 = 98·31 + 66).
    expect(termHash('aa')).toBe(termHash('bB'))
    const lexicon = new Lexicon(100)
    const a = lexicon.get('aa')
    const b = lexicon.get('bB')
    expect(a).not.toBe(b)
    expect(lexicon.get('aa')).toBe(a)
    expect(lexicon.get('bB')).toBe(b)
  })

  it('renumbers the words a sweep keeps, and finds them under their new ids', () => {
    const lexicon = new Lexicon(16)
    for (let i = 0; i < 12; i++) lexicon.get(`old${i}`)
    const kept = ['keep1', 'keep2', 'keep3', 'keep4'].map((t) => lexicon.get(t))
    lexicon.sweep()
    expect(lexicon.size).toBe(4)
    for (const word of kept) {
      expect(lexicon.word(word.id)).toBe(word)
      expect(lexicon.get(word.term)).toBe(word)
    }
    expect(lexicon.get('old1').id).toBe(4)
  })

  it('empties itself when a sweep would free less than a quarter', () => {
    const lexicon = new Lexicon(4)
    for (const t of ['a', 'b', 'c', 'd']) lexicon.get(t)
    for (const t of ['a', 'b', 'c', 'd']) lexicon.get(t)
    lexicon.sweep()
    expect(lexicon.size).toBe(0)
  })
})

describe('Word', () => {
  it('is one object per term', () => {
    expect(wordFor('armements')).toBe(wordFor('armements'))
    expect(wordFor('armements').term).toBe('armements')
  })

  it.each([
    ['armements', 'fr'],
    ['armements', 'en'],
    ['белгороде', 'ru'],
    ['weapons', 'xx'],
  ])('stems %s in %s as stemWord does', (term, lang) => {
    const word = wordFor(term)
    expect(word.stem(lang)).toBe(stemWord(term, lang))
  })

  it('answers for the language asked, whichever it was asked before', () => {
    const word = wordFor('attaques')
    expect(word.stem('fr')).toBe(stemWord('attaques', 'fr'))
    expect(word.stem('en')).toBe(stemWord('attaques', 'en'))
    expect(word.stem('fr')).toBe(stemWord('attaques', 'fr'))
    for (const lang of ['de', 'xx', 'en', 'ru', 'fr', 'de', 'xx']) {
      expect(word.stem(lang)).toBe(stemWord('attaques', lang))
    }
  })

  it.each(['белгород', 'kyiv', '東京'])('transliterates %s as transliterationKey does', (term) => {
    const word = wordFor(term)
    expect(word.translit()).toBe(transliterationKey(term))
  })
})
