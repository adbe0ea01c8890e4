// compileWatchIndex + matchItem: the presearcher returns what each watch means, skips bad watches.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, matchItem, QueryError, type MatchInput } from '../../src/watch'

function item(fields: Partial<MatchInput>): MatchInput {
  return {
    title: '',
    summary: '',
    content: '',
    categories: [],
    feedId: 'f',
    feedTags: [],
    ...fields,
  }
}

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

  it('matches nothing with an empty index', () => {
    expect(matchItem(compileWatchIndex([]), item({ title: 'x' }))).toEqual([])
  })
})
