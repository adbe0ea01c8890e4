// compileWatchIndex + matchItem: the presearcher returns what each watch means, skips bad watches.
import { describe, expect, it } from 'vitest'
import {
  compileWatchIndex,
  matchItem,
  matchQuery,
  QueryError,
  type MatchInput,
  type WatchSpec,
} from '../../src/watch'
import { matchInput } from './inputs'

const item = (fields: Partial<MatchInput>): MatchInput => matchInput(fields)

describe('compileWatchIndex', () => {
  it('skips invalid watches and reports them', () => {
    const index = compileWatchIndex([
      { id: 'ok', query: 'belgorod' },
      { id: 'bad', query: '"open' },
    ])
    expect(index.size).toBe(1)
    expect(index.errors).toHaveLength(1)
    expect(index.errors[0]!.watchId).toBe('bad')
    expect(index.errors[0]!.error).toBeInstanceOf(QueryError)
  })

  it('matches several watches, in watch order, with explanations', () => {
    const index = compileWatchIndex([
      { id: 'w1', query: 'otan' },
      { id: 'w2', query: 'kursk' },
      { id: 'w3', query: '-football' },
      { id: 'w4', query: 'belg* OR kursk' },
      { id: 'w5', query: 'lang:fr' },
      { id: 'w6', query: 'site:example.com' },
      { id: 'w7', query: 'feed:press' },
      { id: 'w8', query: 'armement', options: { stem: true } },
      { id: 'w9', query: 'белгород', options: { transliterate: true } },
      { id: 'w10', query: 'белг*', options: { transliterate: true } },
    ])
    const result = matchItem(
      index,
      item({
        title: 'L’Otan et Belgorod',
        content: 'armements',
        lang: 'fr',
        url: 'https://www.example.com/a',
        feedTags: ['press'],
      }),
    )
    expect(result.map((r) => r.watchId)).toEqual([
      'w1',
      'w3',
      'w4',
      'w5',
      'w6',
      'w7',
      'w8',
      'w9',
      'w10',
    ])
    expect(result[0]!.explanation.terms).toEqual(['otan'])
  })

  it('stems per item language, whichever languages came before', () => {
    const watches: WatchSpec[] = [
      { id: 'armement', query: 'armement', options: { stem: true } },
      { id: 'attack', query: 'attack', options: { stem: true } },
      { id: 'phrase', query: '"armes livrées"', options: { stem: true } },
      { id: 'белгород', query: 'белгород', options: { stem: true, transliterate: true } },
      { id: 'plain', query: 'attacks' },
    ]
    const index = compileWatchIndex(watches)
    const items = [
      item({ content: 'Livraisons d’armements et d’arme livrée', lang: 'fr' }),
      item({ content: 'Drone attacks on Belgorod', lang: 'en' }),
      item({ content: 'Взрывы в Белгороде, атаки', lang: 'ru' }),
      item({ content: 'armements attacks', lang: 'fr' }),
      item({ content: 'armements attacks', feedLang: 'en' }),
      item({ content: 'armements attacks' }),
    ]
    // The first item must find the French stem of the first watch (the example).
    expect(matchItem(index, items[0]!).map((r) => r.watchId)).toContain('armement')
    for (const it of items) {
      const expected = watches
        .filter((w) => matchQuery(w.query, it, w.options) !== null)
        .map((w) => w.id)
      expect(matchItem(index, it).map((r) => r.watchId)).toEqual(expected)
    }
  })

  it('finds wildcard and transliterated-wildcard terms in any field', () => {
    const watches: WatchSpec[] = [
      { id: 'w1', query: 'belg*', options: { transliterate: true } },
      { id: 'w2', query: 'title:белг*', options: { transliterate: true } },
      { id: 'w3', query: 'b?lgorod' },
      { id: 'w4', query: 'ar?es' },
    ]
    const index = compileWatchIndex(watches)
    for (const it of [
      item({ title: 'Белгород', content: 'belgian armes' }),
      item({ summary: 'Belgorod', author: 'Belgium' }),
      item({ content: 'arme armes armées' }),
    ]) {
      const got = matchItem(index, it)
      const expected = watches.flatMap((w) => {
        const explanation = matchQuery(w.query, it, w.options)
        return explanation ? [{ watchId: w.id, explanation }] : []
      })
      expect(got).toEqual(expected)
    }
  })

  it("finds every watch when most of a long item's words select one, at every item length", () => {
    // Lengths grow by less than twice, so that each reaches past what the previous one left of
    // any scratch space.
    const words = Array.from({ length: 13_000 }, (_, i) => `mot${i.toString(36)}`)
    const index = compileWatchIndex(words.map((w, i) => ({ id: `w${i}`, query: w })))
    for (const length of [600, 1_100, 2_000, 3_700, 7_000, 13_000]) {
      const content = words.slice(0, length).join(' ')
      expect(matchItem(index, item({ content })).length).toBe(length)
    }
  })

  it('matches nothing with an empty index', () => {
    expect(matchItem(compileWatchIndex([]), item({ title: 'x' }))).toEqual([])
  })
})
