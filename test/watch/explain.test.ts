// Explanations: matched terms, fields, hit offsets into the original text, snippet + highlights.
import { describe, expect, it } from 'vitest'
import {
  compileWatchIndex,
  matchItem,
  matchQuery,
  previewQuery,
  type MatchInput,
} from '../../src/watch'
import { matchInput } from './inputs'

const item = (fields: Partial<MatchInput>): MatchInput => matchInput(fields)

function marked(snippet: string, highlights: Array<[number, number]>): string {
  let out = ''
  let at = 0
  for (const [s, e] of highlights) {
    out += `${snippet.slice(at, s)}[${snippet.slice(s, e)}]`
    at = e
  }
  return out + snippet.slice(at)
}

describe('explanations', () => {
  it('gives hits as offsets into the original field text', () => {
    const content = 'Sommet de l’Otan: livraisons d’armes.'
    const result = matchQuery('otan armes', item({ content }))!
    expect(result.terms).toEqual(['otan', 'armes'])
    expect(result.fields).toEqual(['content'])
    expect(result.hits.map((h) => content.slice(h.start, h.end))).toEqual(['Otan', 'armes'])
  })

  it.each([
    ['short text, whole', 'otan', { content: 'Sommet de l’Otan.' }, 'Sommet de l’[Otan].'],
    [
      'a phrase is one highlight',
      '"armes de facture belge"',
      { content: 'Livraison d’armes de facture belge' },
      'Livraison d’[armes de facture belge]',
    ],
    [
      'phrases on both sides of NEAR, each one highlight',
      '"drones ukrainiens" NEAR/3 "région de Belgorod"',
      { content: 'Des drones ukrainiens ont frappé la région de Belgorod hier' },
      'Des [drones ukrainiens] ont frappé la [région de Belgorod] hier',
    ],
    [
      'cut at both ends around the hit',
      'belgorod',
      {
        content:
          'one two three four five six seven eight nine ten Belgorod eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone twentytwo twentythree twentyfour twentyfive twentysix twentyseven twentyeight',
      },
      '…five six seven eight nine ten [Belgorod] eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone twentytwo twentythree twentyfour twentyfive twentysix twentyseven…',
    ],
    [
      'collapses whitespace',
      'belgorod',
      { content: 'In\n\n  Belgorod   today' },
      'In [Belgorod] today',
    ],
    ['Cyrillic wildcard', 'белгород*', { content: 'Взрывы в Белгороде.' }, 'Взрывы в [Белгороде].'],
    [
      'prefers the body over the title when both hit',
      'belgorod',
      { title: 'Belgorod', summary: 'Drones over Belgorod again' },
      'Drones over [Belgorod] again',
    ],
    [
      'picks the window with the most distinct terms',
      'drones belgorod',
      { summary: 'Drones seen. ' + 'filler '.repeat(40) + 'Drones over Belgorod.' },
      '…filler filler filler filler filler filler [Drones] over [Belgorod].',
    ],
    [
      'no text hit: opening words',
      'lang:fr',
      { summary: 'Bonjour à tous', lang: 'fr' },
      'Bonjour à tous',
    ],
    ['merges overlapping hits', 'e-mail', { content: 'your e-mail here' }, 'your [e-mail] here'],
    [
      'drops a trailing space',
      'belgorod',
      { content: 'Drones over Belgorod ' },
      'Drones over [Belgorod]',
    ],
    ['drops a leading space', 'belgorod', { content: ' Belgorod' }, '[Belgorod]'],
    [
      'collapses doubled spaces alone',
      'belgorod',
      { content: 'Drones  over Belgorod' },
      'Drones over [Belgorod]',
    ],
    [
      'turns a lone tab into a space',
      'belgorod',
      { content: 'Drones\tover Belgorod' },
      'Drones over [Belgorod]',
    ],
    [
      'a later field with more distinct terms beats a preferred one',
      'drones OR belgorod OR sommet',
      { summary: 'Drones seen', content: 'Sommet: drones over Belgorod', title: 'Belgorod' },
      '[Sommet]: [drones] over [Belgorod]',
    ],
    [
      'a site: hit alongside text hits',
      'site:example.com belgorod',
      { url: 'https://news.example.com/belgorod', title: 'Belgorod' },
      '[Belgorod]',
    ],
    [
      'turns a no-break space into a space',
      'belgorod',
      { content: 'Drones\u00a0over Belgorod' },
      'Drones over [Belgorod]',
    ],
  ])('%s', (_name, query, fields, expected) => {
    const result = matchQuery(query, item(fields))!
    expect(marked(result.snippet, result.highlights)).toBe(expected)
  })

  it('reports site: hits on the host inside the URL', () => {
    const url = 'https://news.example.com/a'
    const result = matchQuery('site:example.com', item({ url }))!
    expect(result.fields).toEqual(['site'])
    expect(url.slice(result.hits[0]!.start, result.hits[0]!.end)).toBe('news.example.com')
  })

  it('gives every match without a text hit the opening words, each its own highlights', () => {
    const index = compileWatchIndex([
      { id: 'a', query: 'feed:wire' },
      { id: 'b', query: 'lang:fr -football' },
      { id: 'c', query: 'belgorod' },
    ])
    const summary = 'Une frappe de drone a touché Belgorod dans la nuit, selon les autorités.'
    const matches = matchItem(index, item({ summary, feedId: 'wire', lang: 'fr' }))
    expect(matches.map((m) => m.watchId)).toEqual(['a', 'b', 'c'])
    const [a, b, c] = matches.map((m) => m.explanation)
    expect(a!.snippet).toBe(summary)
    expect(b!.snippet).toBe(summary)
    expect(a!.highlights).toEqual([])
    expect(a!.highlights).not.toBe(b!.highlights)
    expect(marked(c!.snippet, c!.highlights)).toContain('touché [Belgorod]')
  })

  it('does not report negated terms', () => {
    const result = matchQuery('belgorod -kursk', item({ content: 'Belgorod' }))!
    expect(result.terms).toEqual(['belgorod'])
  })

  it('reports only the OR branches that matched', () => {
    const result = matchQuery('kursk OR belgorod', item({ content: 'Belgorod' }))!
    expect(result.terms).toEqual(['belgorod'])
  })
})

describe('previewQuery', () => {
  it('answers in item order, matched or not', () => {
    const results = previewQuery('belgorod', [
      { title: 'Belgorod' },
      { title: 'Kursk' },
      { content: 'Белгород', lang: 'ru' },
    ])
    expect(results.map((r) => r.matched)).toEqual([true, false, false])
    expect(results[0]).toMatchObject({ snippet: 'Belgorod', highlights: [[0, 8]] })
    expect(results[1]).toEqual({ matched: false, hits: [], snippet: '', highlights: [] })
  })

  it('applies options', () => {
    const [result] = previewQuery('belgorod', [{ content: 'Белгород' }], { transliterate: true })
    expect(result!.matched).toBe(true)
  })

  it('throws QueryError for a bad query', () => {
    expect(() => previewQuery('"open', [])).toThrow('unclosed quote at 0')
  })
})

describe('hits found more than once', () => {
  it.each([
    ['the same term twice', 'otan otan', ['content:12-16:otan', 'content:22-26:otan']],
    [
      'two terms at one place, in the order found',
      'otan* OR (otan title:sommet)',
      [
        'content:12-16:otan*',
        'content:12-16:otan',
        'content:22-26:otan*',
        'content:22-26:otan',
        'title:0-6:sommet',
      ],
    ],
  ])('reports each once: %s', (_name, query, expected) => {
    const result = matchQuery(
      query,
      item({ title: 'Sommet', content: 'Sommet de l’Otan et l’Otan.' }),
    )!
    expect(result.hits.map((h) => `${h.field}:${h.start}-${h.end}:${h.term}`)).toEqual(expected)
  })
})
