import { describe, expect, it } from 'vitest'
import type { Feed, Item, Watch } from '../../src/model'
import {
  buildAlerts,
  inScope,
  sharedCanonicalUrls,
  storyKey,
  titleFingerprint,
} from '../../src/monitor/alerts'

const item = (over: Partial<Item> = {}): Item => ({
  key: 'g:1',
  feedId: 'f1',
  title: 'Raid raté près de Belgorod, selon l’armée',
  summary: '',
  content: '',
  categories: [],
  enclosures: [],
  ...over,
})
const feed = (over: Partial<Feed> = {}): Feed => ({
  id: 'f1',
  url: 'https://a.example/feed',
  enabled: true,
  tags: ['fr'],
  ...over,
})
const watch = (over: Partial<Watch> = {}): Watch => ({
  id: 'w1',
  name: 'W',
  query: 'belgorod',
  scope: {},
  destinations: ['d1', 'd2'],
  mode: 'instant',
  enabled: true,
  ...over,
})

describe('storyKey', () => {
  it('uses the canonical URL when the feed gives each item its own', () => {
    expect(storyKey(item({ canonicalUrl: 'https://a.example/x' }), new Set())).toBe(
      'u:https://a.example/x',
    )
  })
  it('falls back to the title when the feed links several items to one page', () => {
    const shared = new Set(['https://a.example/'])
    expect(storyKey(item({ canonicalUrl: 'https://a.example/' }), shared)).toBe(
      't:raid rate pres de belgorod selon l armee',
    )
  })
  it('falls back to the item key when the title is too short to identify a story', () => {
    expect(storyKey(item({ title: 'Live' }), new Set())).toBe('k:f1:g:1')
  })
})

describe('titleFingerprint', () => {
  it.each([
    ['Raid raté près de Belgorod', 'raid rate pres de belgorod'],
    ['RAID RATÉ — près de  Belgorod !', 'raid rate pres de belgorod'],
    ['Breaking news', undefined],
  ])('fingerprints %s', (title, expected) => {
    expect(titleFingerprint(title)).toBe(expected)
  })
})

describe('sharedCanonicalUrls', () => {
  it('lists URLs used by more than one item', () => {
    const items = [
      item({ canonicalUrl: 'https://a/' }),
      item({ canonicalUrl: 'https://a/' }),
      item({ canonicalUrl: 'https://a/1' }),
    ]
    expect([...sharedCanonicalUrls(items)]).toEqual(['https://a/'])
  })
})

describe('buildAlerts', () => {
  const match = { terms: ['belgorod'], fields: ['title'], hits: [], snippet: 'x', highlights: [] }
  it('makes one alert per destination with ids stable across feeds and runs', async () => {
    const args = {
      watch: watch(),
      feed: feed(),
      item: item(),
      story: 'u:x',
      match,
      detectedAt: new Date(),
    }
    const a = await buildAlerts(args)
    const b = await buildAlerts({ ...args, feed: feed({ id: 'f2' }), item: item({ feedId: 'f2' }) })
    expect(a.map((x) => x.destinationId)).toEqual(['d1', 'd2'])
    expect(a[0]!.id).not.toBe(a[1]!.id)
    expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id))
  })
  it('trims long text so queue messages stay small', async () => {
    const long = 'x'.repeat(100_000)
    const [alert] = await buildAlerts({
      watch: watch(),
      feed: feed(),
      item: item({ content: long, summary: long }),
      story: 'u:x',
      match,
      detectedAt: new Date(),
    })
    expect(JSON.stringify(alert).length).toBeLessThan(12_000)
  })
})

describe('inScope', () => {
  it.each([
    [{}, true],
    [{ feeds: ['f1'] }, true],
    [{ feeds: ['f2'] }, false],
    [{ tags: ['fr'] }, true],
    [{ tags: ['ru'] }, false],
    [{ feeds: ['f2'], tags: ['fr'] }, true],
  ])('scope %j applies to feed f1 tagged fr: %s', (scope, expected) => {
    expect(inScope(watch({ scope }), feed())).toBe(expected)
  })
})
