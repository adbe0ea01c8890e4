// Alerts stay within MAX_ALERT_BYTES whatever the item (issue 9.4: a term repeated 5,000 times gave
// a 319 KB alert), and carry the feed's own title when the user gave none (issue 9.8).
import { describe, expect, it } from 'vitest'
import type { Feed, Item, Watch } from '../../src/model'
import {
  MAX_ALERT_BYTES,
  MAX_HITS,
  alertBytes,
  boundAlert,
  clip,
} from '../../src/monitor/alert-bounds'
import { buildAlerts } from '../../src/monitor/alerts'
import { compileWatchIndex, matchItem } from '../../src/watch'
import { openFeed } from '../../src/ingest'

const feed: Feed = { id: 'f1', url: 'https://a.example/feed', enabled: true, tags: [] }
const watch: Watch = {
  id: 'w1',
  name: 'Otan',
  query: 'otan OR 北约 OR "x y"',
  scope: {},
  destinations: ['d1'],
  mode: 'instant',
  enabled: true,
}

const baseItem = (over: Partial<Item>): Item => ({
  key: 'g:1',
  feedId: 'f1',
  title: 'otan',
  summary: '',
  content: '',
  categories: [],
  enclosures: [],
  ...over,
})

/** The alert the tick would build for `item`, with the real matcher's explanation. */
async function alertFor(item: Item, feedOver: Partial<Feed> = {}, feedTitle?: string) {
  const index = compileWatchIndex([{ id: watch.id, query: watch.query }])
  // The fields matching reads, named: spreading the item would read its lazy contentHtml.
  const { title, summary, content, categories, url, lang } = item
  const input = { title, summary, content, categories, url, lang, feedId: feed.id, feedTags: [] }
  const [match] = matchItem(index, input)
  if (!match) throw new Error('the item should match')
  const [alert] = await buildAlerts({
    watch,
    feed: { ...feed, ...feedOver },
    item,
    story: 'u:x',
    match: match.explanation,
    detectedAt: new Date('2026-12-01T10:00:00Z'),
    feedTitle,
  })
  if (!alert) throw new Error('one destination, one alert')
  return alert
}

const repeated = (word: string, n: number) => Array.from({ length: n }, () => word).join(' ')
const controls = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(1 + (i % 30))).join(
  '',
)

describe('alert size bounds', () => {
  it.each([
    {
      behaviour: 'a term repeated 5,000 times',
      item: baseItem({ content: repeated('otan', 5000) }),
    },
    {
      behaviour: 'a term repeated in every field',
      item: baseItem({
        title: repeated('otan', 5000),
        summary: repeated('otan', 5000),
        content: repeated('otan', 50_000),
        categories: Array.from({ length: 1000 }, () => repeated('otan', 100)),
      }),
    },
    {
      behaviour: 'three-byte characters in every field',
      item: baseItem({
        title: '北约'.repeat(100_000),
        summary: '北约'.repeat(100_000),
        content: '北约'.repeat(100_000),
        author: '北'.repeat(100_000),
        url: 'https://a.example/' + '北'.repeat(100_000),
        key: '北'.repeat(100_000),
      }),
    },
    {
      behaviour: 'characters JSON escapes to six bytes, in every field and list',
      item: baseItem({
        title: 'otan ' + controls,
        summary: controls,
        content: controls,
        author: controls,
        key: controls,
        url: controls,
        canonicalUrl: controls,
        lang: controls,
        published: controls,
        categories: Array.from({ length: 1000 }, () => controls.slice(0, 5000)),
        enclosures: Array.from({ length: 1000 }, () => ({ url: controls, type: controls })),
      }),
    },
  ])('stays within MAX_ALERT_BYTES with $behaviour', async ({ item }) => {
    const alert = await alertFor(item, { title: controls.slice(0, 50_000) })
    expect(alertBytes(alert)).toBeLessThanOrEqual(MAX_ALERT_BYTES)
    expect(alert.match.hits.length).toBeLessThanOrEqual(MAX_HITS)
    for (const [start, end] of alert.match.highlights) {
      expect(start).toBeLessThan(end)
      expect(end).toBeLessThanOrEqual(alert.match.snippet.length)
    }
    // Ids are never cut: they route and deduplicate the alert.
    expect(alert.watch.id).toBe('w1')
    expect(alert.destinationId).toBe('d1')
  })

  it('leaves an ordinary alert exactly as built', async () => {
    const alert = await alertFor(baseItem({ summary: 'L’Otan se réunit à Bruxelles.' }))
    expect(boundAlert(alert)).toEqual(alert)
    expect(alert.item.summary).toBe('L’Otan se réunit à Bruxelles.')
  })

  it('carries the publisher’s guid but not the item’s HTML, whatever its size', async () => {
    const html = `<p>${repeated('otan', 100_000)}</p>`
    const alert = await alertFor(
      baseItem({ summary: 'L’Otan se réunit.', guid: 'urn:uuid:1', contentHtml: html }),
    )
    expect(alert.item.guid).toBe('urn:uuid:1')
    expect('contentHtml' in alert.item).toBe(false)
    expect(alertBytes(alert)).toBeLessThanOrEqual(MAX_ALERT_BYTES)
  })

  it('leaves out a parsed item’s HTML without sanitising it', async () => {
    // As a poll gives it: the reader's item, extended in place, its contentHtml still the lazy
    // getter that sanitises on first read (src/ingest/fields.ts).
    const body =
      '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>' +
      '<title>Feed</title><item><guid>1</guid><title>Otan</title>' +
      '<content:encoded><![CDATA[<p>L’Otan <b>réuni</b></p>]]></content:encoded>' +
      '</item></channel></rss>'
    const [parsed] = openFeed(body, { url: feed.url }).items()
    const item: Item = Object.assign(parsed!, { feedId: feed.id })
    const lazy = () => Object.getOwnPropertyDescriptor(item, 'contentHtml')?.get
    expect(lazy()).toBeDefined()
    const alert = await alertFor(item)
    expect('contentHtml' in alert.item).toBe(false)
    expect(alert.item.title).toBe('Otan')
    expect(lazy()).toBeDefined()
  })

  it.each([
    { behaviour: 'keeps a string within the limit', s: 'abc', max: 3, out: 'abc' },
    { behaviour: 'cuts at the limit', s: 'abcdef', max: 4, out: 'abcd' },
    { behaviour: 'never splits a surrogate pair', s: 'ab😀cd', max: 3, out: 'ab' },
  ])('clip $behaviour', ({ s, max, out }) => {
    expect(clip(s, max)).toBe(out)
  })
})

describe('the feed title an alert carries', () => {
  it.each([
    { behaviour: 'the user’s title wins', user: 'Mine', parsed: 'Le Fil', out: 'Mine' },
    {
      behaviour: 'the feed’s own title when the user gave none',
      user: undefined,
      parsed: 'Le Fil',
      out: 'Le Fil',
    },
    {
      behaviour: 'no title when neither has one',
      user: undefined,
      parsed: undefined,
      out: undefined,
    },
  ])('$behaviour', async ({ user, parsed, out }) => {
    const alert = await alertFor(baseItem({}), { title: user }, parsed)
    expect(alert.feed.title).toBe(out)
  })
})
