// Binding an item to an index's leaves (src/watch/presearcher.ts, src/watch/item.ts): after bind,
// every leaf must hold exactly the item words a scan of all the item's words would give, in the
// item's word order, and a word's occurrences must be exactly its tokens.
import { describe, expect, it } from 'vitest'
import { compileQuery, type CompiledNode } from '../../src/watch/compile'
import { FIELD_ORDER, indicesOf, occursIn, prepareItem } from '../../src/watch/item'
import { buildPresearcher } from '../../src/watch/presearcher'
import { stemWord } from '../../src/watch/stem'
import { transliterationKey } from '../../src/watch/transliterate'
import type { Word } from '../../src/watch/word'
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

const termsOf = (words: readonly Word[]) => words.map((w) => w.term)

describe('binding an item to the leaves', () => {
  it.each([0, 1, 5, 40, 400])('agrees with a scan of the words (%i words)', (count) => {
    const random = prng(count + 1)
    const item = prepareItem({ content: randomText(random, count), title: 'armement', lang: 'fr' })
    const probes = [...new Set(item.words.map((w) => w.term))].slice(0, 40)
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
    const pick = (test: (w: Word) => boolean) => termsOf(item.words.filter(test))
    for (const q of queries) {
      for (const leaf of leavesOf(q.root)) {
        const bound = (l: { stamp: number; words: Word[] }) =>
          l.stamp === item.stamp ? termsOf(l.words) : []
        if (leaf.type === 'words') {
          const m = leaf.words[0]!
          const stem = stemWord(m.term, 'fr')
          expect(bound(m.stemLeaf!)).toEqual(pick((w) => stemWord(w.term, 'fr') === stem))
          const key = transliterationKey(m.term)
          expect(bound(m.keyLeaf!)).toEqual(pick((w) => transliterationKey(w.term) === key))
        } else if (leaf.type === 'wildcard') {
          expect(bound(leaf.leaf)).toEqual(pick((w) => leaf.test(w.term)))
          if (leaf.keyLeaf) {
            const prefix = leaf.keyPrefix!
            expect(bound(leaf.keyLeaf)).toEqual(
              pick((w) => transliterationKey(w.term).startsWith(prefix)),
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
    for (const word of item.words) {
      for (const f of FIELD_ORDER) {
        const expected = item.fields[f].tokens.flatMap((t, i) => (t.term === word.term ? [i] : []))
        expect(indicesOf(item, f, [word]) ?? []).toEqual(expected)
        expect(occursIn(item, word, [f])).toBe(expected.length > 0)
      }
    }
    const [belgorod, news] = ['belgorod', 'news'].map((t) => item.words.find((w) => w.term === t)!)
    expect(indicesOf(item, 'category', [news!, belgorod!])).toEqual([0, 2])
  })

  it('hands a word over to the next item that holds it', () => {
    const first = prepareItem({ title: 'belgorod' })
    const word = first.words[0]!
    expect(occursIn(first, word, ['title'])).toBe(true)
    const second = prepareItem({ summary: 'kursk belgorod' })
    expect(second.words[1]).toBe(word)
    expect(occursIn(first, word, ['title'])).toBe(false)
    expect(indicesOf(second, 'summary', [word])).toEqual([1])
  })
})
