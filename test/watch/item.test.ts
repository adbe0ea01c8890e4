// Binding an item to an index's leaves (src/watch/presearcher.ts, src/watch/item.ts): after bind,
// every leaf must hold exactly the item words a scan of all the item's words would give, in the
// item's word order, and a word's occurrences must be exactly its tokens.
import { describe, expect, it } from 'vitest'
import { compileQuery, type CompiledNode } from '../../src/watch/compile'
import {
  FIELD_ORDER,
  MAX_FIELD_CHARS,
  indicesOf,
  occursIn,
  prepareItem,
} from '../../src/watch/item'
import { buildPresearcher } from '../../src/watch/presearcher'
import { stemWord } from '../../src/watch/stem'
import { transliterationKey } from '../../src/watch/transliterate'
import { lexicon, wordFor } from '../../src/watch/word'
import { tokenizeByRegex, type Token } from '../../src/watch/tokenize'
import { prng } from '../support/prng'

/** Few letters, so many words share a prefix, a stem or a key. */
const LETTERS = ['a', 'b', 'e', 'r', 's', 'ar', 'ment', 'é', 'б', 'е', 'л', 'г', 'о', 'ро', 'д']

function randomText(random: () => number, words: number): string {
  const out: string[] = []
  for (let n = 0; n < words; n++) {
    let word = ''
    const length = 3 + Math.floor(random() * 4)
    for (let i = 0; i < length; i++) word += LETTERS[Math.floor(random() * LETTERS.length)]
    out.push(word)
  }
  return out.join(' ')
}

function leavesOf(node: CompiledNode, out: CompiledNode[] = []): CompiledNode[] {
  switch (node.type) {
    case 'words':
    case 'wildcard':
      out.push(node)
      return out
    case 'and':
    case 'or':
      for (const child of node.children) leavesOf(child, out)
      return out
    case 'not':
      return leavesOf(node.child, out)
    case 'near':
      leavesOf(node.left, out)
      return leavesOf(node.right, out)
    case 'meta':
      return out
  }
}

const termOf = (id: number) => lexicon.word(id).term
const termsOf = (ids: ArrayLike<number>) => Array.from(ids, termOf)

describe('binding an item to the leaves', () => {
  it.each([0, 1, 5, 40, 400])('agrees with a scan of the words (%i words)', (count) => {
    const random = prng(count + 1)
    const item = prepareItem({ content: randomText(random, count), title: 'armement', lang: 'fr' })
    const probes = [...new Set(termsOf(item.words))].slice(0, 40)
    probes.push('zzz', 'armement', 'белгород')
    const queries = [
      ...probes.map((p) => compileQuery(p, { stem: true, transliterate: true })),
      ...probes
        .filter((p) => p.length >= 3)
        .flatMap((p) => [
          compileQuery(`${p.slice(0, 3)}*`, { transliterate: true }),
          compileQuery(`${p.slice(0, 1)}?${p.slice(2)}`),
        ]),
    ]
    buildPresearcher(queries).bind(item)
    const pick = (test: (term: string) => boolean) => termsOf(item.words).filter(test)
    for (const q of queries) {
      for (const leaf of leavesOf(q.root)) {
        const bound = (l: { stamp: number; ids: number[] }) =>
          l.stamp === item.stamp ? termsOf(l.ids) : []
        if (leaf.type === 'words') {
          const m = leaf.words[0]!
          const stem = stemWord(m.term, 'fr')
          expect(bound(m.stemLeaf!)).toEqual(pick((w) => stemWord(w, 'fr') === stem))
          const key = transliterationKey(m.term)
          expect(bound(m.keyLeaf!)).toEqual(pick((w) => transliterationKey(w) === key))
        } else if (leaf.type === 'wildcard') {
          expect(bound(leaf.leaf)).toEqual(pick((w) => leaf.test(w)))
          if (leaf.keyLeaf) {
            const prefix = leaf.keyPrefix!
            expect(bound(leaf.keyLeaf)).toEqual(
              pick((w) => transliterationKey(w).startsWith(prefix)),
            )
          }
        }
      }
    }
  })

  it('chains each word to exactly its tokens, field by field', () => {
    const item = prepareItem({
      title: 'Belgorod belgorod news',
      summary: 'news from Belgorod',
      content: 'nothing here; news, news',
      categories: ['Belgorod', 'World news'],
    })
    for (const id of item.words) {
      for (const f of FIELD_ORDER) {
        const { base, count } = item.fields[f]
        const expected: number[] = []
        for (let i = 0; i < count; i++) if (item.ids[base + i] === id) expected.push(i)
        expect(indicesOf(item, f, [id]) ?? []).toEqual(expected)
        expect(occursIn(item, id, [f])).toBe(expected.length > 0)
      }
    }
    const [belgorod, news] = ['belgorod', 'news'].map((t) => wordFor(t).id)
    expect(indicesOf(item, 'category', [news!, belgorod!])).toEqual([0, 2])
  })

  it('hands a word over to the next item that holds it', () => {
    const first = prepareItem({ title: 'belgorod' })
    const id = first.words[0]!
    expect(occursIn(first, id, ['title'])).toBe(true)
    const second = prepareItem({ summary: 'kursk belgorod' })
    expect(second.words[1]).toBe(id)
    expect(occursIn(first, id, ['title'])).toBe(false)
    expect(indicesOf(second, 'summary', [id])).toEqual([1])
  })

  it("gives each token its term's one id, with the offsets and positions of tokenize", () => {
    const fields = {
      title: 'L’Otan et Belgorod: NATO’s e-mail, БЕЛГОРОД, белгород, Hauptstraße 東京都',
      summary: 'belgorod BELGOROD Belgorod armes d’armes',
      content: 'Ёлки и ёлки; cœur, CŒUR; 3.5',
      author: 'Jane Doe',
      categories: ['World', 'Belgorod news'],
      url: 'https://news.example.com/belgorod',
    }
    const item = prepareItem(fields)
    const texts: Record<string, string[]> = {
      title: [fields.title],
      summary: [fields.summary],
      content: [fields.content],
      author: [fields.author],
      category: fields.categories,
      url: [fields.url],
    }
    for (const f of FIELD_ORDER) {
      const expected: Token[] = []
      let pos = 0
      let offset = 0
      for (const text of texts[f]!) {
        pos = tokenizeByRegex(text, expected, pos, offset) + 100
        offset += text.length + 2
      }
      const { base, count } = item.fields[f]
      const got = Array.from({ length: count }, (_, i) => ({
        id: item.ids[base + i],
        pos: item.pos[base + i],
        start: item.start[base + i],
        end: item.end[base + i],
      }))
      expect(got).toEqual(
        expected.map((t) => ({ id: wordFor(t.term).id, pos: t.pos, start: t.start, end: t.end })),
      )
    }
  })

  it('prepares an item longer than its scratch space and finds words at its end', () => {
    const words = Array.from({ length: 12_000 }, (_, i) => `mot${i.toString(36)}ière`)
    const content = `${words.join(' ')} Белгород`
    const item = prepareItem({ content })
    const { base, count } = item.fields.content
    expect(count).toBe(12_001)
    const last = base + count - 1
    expect(termOf(item.ids[last]!)).toBe('белгород')
    expect(content.slice(item.start[last], item.end[last])).toBe('Белгород')
    expect(termOf(item.ids[base + 11_999]!)).toBe(`mot${(11_999).toString(36)}iere`)
    expect(indicesOf(item, 'content', [wordFor('белгород').id])).toEqual([12_000])
  })

  it('matches a field on its first MAX_FIELD_CHARS characters, cut between words', () => {
    const filler = 'lorem '.repeat(Math.ceil(MAX_FIELD_CHARS / 6))
    const content = `belgorod ${filler.slice(0, MAX_FIELD_CHARS - 16)} kursk-oblast ${filler} kharkiv`
    const item = prepareItem({ content, categories: [filler, filler, 'donetsk'] })
    const terms = new Set(Array.from(item.ids, termOf))
    expect(terms.has('belgorod')).toBe(true)
    expect(terms.has('kharkiv')).toBe(false)
    // A word astride the limit is left out whole, never cut into another word.
    expect(terms.has('kursk')).toBe(false)
    expect(terms.has('kurs')).toBe(false)
    expect(terms.has('donetsk')).toBe(false)
    expect(item.fields.content.text).toBe(content)
  })

  it('gives back the space of a huge item, and prepares the next one right', () => {
    // 66,000 two-digit words: more tokens than the scratch keeps, within MAX_FIELD_CHARS.
    const huge = Array.from({ length: 66_000 }, (_, i) => String(10 + (i % 90))).join(' ')
    const first = prepareItem({ content: `${huge} kursk` })
    expect(first.fields.content.count).toBe(66_001)
    expect(termOf(first.ids[66_000]!)).toBe('kursk')
    const next = prepareItem({ title: 'Kursk, Belgorod', content: 'kursk' })
    expect(Array.from(next.ids, termOf)).toEqual(['kursk', 'belgorod', 'kursk'])
    expect(indicesOf(next, 'content', [wordFor('kursk').id])).toEqual([0])
    expect(Array.from(next.start)).toEqual([0, 7, 0])
  })
})
