// One feed's poll against a real publisher on loopback: what is silent, what may alert, and what
// changes state.
import { describe, expect, it } from 'vitest'
import type { Feed } from '../../src/model'
import { freshFor, pollFeed, type PollDeps } from '../../src/monitor/poll'
import { SEEN_RUN_TO_STOP } from '../../src/monitor/seen'
import { prng } from '../support/prng'
import { rss, type TestItem } from '../support/feeds'
import { script, type ScriptedResponse } from '../support/loopback'

const now = new Date('2026-11-29T12:00:00Z')
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000)
const deps: PollDeps = { fetch: (i, init) => fetch(i, init), now, maxItemAgeHours: 72 }
const feedAt = (url: string, over: Partial<Feed> = {}): Feed => ({
  id: 'f',
  url,
  enabled: true,
  tags: [],
  ...over,
})
const items = (...ids: string[]): TestItem[] =>
  ids.map((id) => ({ guid: id, title: `Story ${id}`, pubDate: hoursAgo(1) }))

describe('pollFeed', () => {
  it('keeps a feed silent until it has been read once, even after failed polls', async () => {
    const path = '/poll/down-then-up.xml'
    const url = await script(path, { status: 500 })
    const failed = await pollFeed(feedAt(url), undefined, deps)
    expect(failed.proposed.health).toBe('error')
    expect(failed.changed).toBe(true)

    await script(path, { body: rss('F', items('a', 'b')) })
    const first = await pollFeed(feedAt(url), failed.proposed, deps)
    expect(first.fresh).toBe(2)
    expect(first.alertable).toEqual([])
    expect(first.proposed.health).toBe('ok')

    await script(path, { body: rss('F', items('c', 'a', 'b')) })
    const second = await pollFeed(feedAt(url), first.proposed, deps)
    expect(second.alertable.map((i) => i.title)).toEqual(['Story c'])
  })

  it('lets the newest `backfill` items of a new feed alert', async () => {
    const url = await script('/poll/backfill.xml', { body: rss('F', items('n1', 'n2', 'n3')) })
    const first = await pollFeed(feedAt(url, { backfill: 2 }), undefined, deps)
    expect(first.alertable.map((i) => i.title)).toEqual(['Story n1', 'Story n2'])
  })

  it('does not alert items first seen when older than the cutoff; 0 turns it off', async () => {
    const path = '/poll/old.xml'
    const url = await script(path, { body: rss('F', items('x')) })
    const first = await pollFeed(feedAt(url), undefined, deps)
    const old: TestItem = { guid: 'old', title: 'Old story', pubDate: hoursAgo(100) }
    const undated: TestItem = { guid: 'undated', title: 'Undated story' }
    await script(path, { body: rss('F', [old, undated, ...items('x')]) })
    const next = await pollFeed(feedAt(url), first.proposed, deps)
    expect(next.fresh).toBe(2)
    expect(next.alertable.map((i) => i.title)).toEqual(['Undated story'])
    const noCutoff = await pollFeed(feedAt(url, { maxItemAgeHours: 0 }), first.proposed, deps)
    expect(noCutoff.alertable.map((i) => i.title).sort()).toEqual(['Old story', 'Undated story'])
  })

  it('skips parsing an identical body from a server that ignores validators, keeping its new ETag', async () => {
    const path = '/poll/no-validators.xml'
    const url = await script(path, { body: rss('F', items('s1')), headers: { etag: '"random-1"' } })
    const first = await pollFeed(feedAt(url), undefined, deps)
    await script(path, { body: rss('F', items('s1')), headers: { etag: '"random-2"' } })
    const second = await pollFeed(feedAt(url), first.proposed, deps)
    expect(second).toMatchObject({ notModified: true, items: [], bytesParsed: 0 })
    expect(second.proposed.etag).toBe('"random-2"')
    const third = await pollFeed(feedAt(url), second.proposed, deps)
    expect(third).toMatchObject({ notModified: true, changed: false })
  })

  it('remembers Retry-After and the error, and recovers', async () => {
    const path = '/poll/busy.xml'
    const url = await script(path, { status: 429, headers: { 'retry-after': '600' } })
    const busy = await pollFeed(feedAt(url), undefined, deps)
    expect(busy.proposed.notBefore).toBe(new Date(now.getTime() + 600_000).toISOString())
    expect(busy.proposed.lastError?.status).toBe(429)
    await script(path, { body: rss('F', items('r1')) })
    const ok = await pollFeed(feedAt(url), busy.proposed, deps)
    expect(ok.proposed).toMatchObject({ health: 'ok', failures: 0 })
    expect(ok.proposed.notBefore).toBeUndefined()
    expect(ok.proposed.lastError).toBeUndefined()
  })

  it('follows a permanent redirect and reports the new URL', async () => {
    const target = await script('/poll/new-home.xml', { body: rss('F', items('m1')) })
    const url = await script('/poll/old-home.xml', { status: 301, headers: { location: target } })
    const moved = await pollFeed(feedAt(url), undefined, deps)
    expect(moved.movedTo).toBe(target)
    expect(moved.proposed).toMatchObject({ url: target, movedFrom: url })
  })
})

describe('reading newest first, stopping at items already seen', () => {
  const story = (n: number, minutesAgo = 0): TestItem => ({
    guid: `s${n}`,
    title: `Story ${n}`,
    pubDate: new Date(now.getTime() - minutesAgo * 60_000),
  })
  const later = (minutes: number): PollDeps => ({
    ...deps,
    now: new Date(now.getTime() + minutes * 60_000),
  })

  it('reads the new item and the run of seen ones under it, and counts only that as read', async () => {
    const path = '/poll/stop-early.xml'
    const thirty = Array.from({ length: 30 }, (_, i) => story(30 - i, i + 1))
    const url = await script(path, { body: rss('F', thirty), etag: '"e1"' })
    const first = await pollFeed(feedAt(url), undefined, deps)
    expect(first.items).toHaveLength(30)
    expect(first.bytesRead).toBe(first.bytesParsed)

    await script(path, { body: rss('F', [story(31), ...thirty]), etag: '"e2"' })
    const second = await pollFeed(feedAt(url), first.proposed, later(15))
    expect(second.alertable.map((i) => i.title)).toEqual(['Story 31'])
    expect(second.items).toHaveLength(1 + SEEN_RUN_TO_STOP)
    expect(second.bytesRead).toBeLessThan(second.bytesParsed / 4)
    // The feed's length is still known, and nothing it holds is forgotten.
    expect(second.proposed.itemCount).toBe(31)
    expect(second.proposed.seen).toHaveLength(31)
  })

  it('finds a new item beneath a pinned old one', async () => {
    const path = '/poll/pinned.xml'
    const items = Array.from({ length: 20 }, (_, i) => story(20 - i, i + 1))
    const url = await script(path, { body: rss('F', items), etag: '"p1"' })
    const first = await pollFeed(feedAt(url), undefined, deps)
    const pinned = items[15]!
    await script(path, {
      body: rss('F', [pinned, story(21), ...items.filter((i) => i !== pinned)]),
      etag: '"p2"',
    })
    const second = await pollFeed(feedAt(url), first.proposed, later(15))
    expect(second.alertable.map((i) => i.title)).toEqual(['Story 21'])
  })

  it('finds an item added beneath older ones at the hourly whole read, then reads that feed whole', async () => {
    const path = '/poll/inserts-below.xml'
    const items = Array.from({ length: 20 }, (_, i) => story(20 - i, i + 1))
    const url = await script(path, { body: rss('F', items), etag: '"i1"' })
    const first = await pollFeed(feedAt(url), undefined, deps)
    const inserted = [...items.slice(0, 10), story(99, 5), ...items.slice(10)]
    await script(path, { body: rss('F', inserted), etag: '"i2"' })
    // Read down to the run of seen items at the top: the insertion is not reached yet.
    const partial = await pollFeed(feedAt(url), first.proposed, later(15))
    expect(partial.alertable).toEqual([])
    expect(partial.proposed.insertsBelow).toBeUndefined()
    // The hourly whole read finds it, and marks the feed.
    await script(path, { body: rss('F', inserted), etag: '"i3"' })
    const whole = await pollFeed(feedAt(url), partial.proposed, later(60))
    expect(whole.alertable.map((i) => i.title)).toEqual(['Story 99'])
    expect(whole.proposed.insertsBelow).toBe(true)
    await script(path, { body: rss('F', [story(100), ...inserted]), etag: '"i4"' })
    const next = await pollFeed(feedAt(url), whole.proposed, later(75))
    expect(next.items).toHaveLength(22)
  })

  it('counts a new item’s URL as shared with an older item it did not read, as a whole read does', async () => {
    const path = '/poll/shared-url.xml'
    const linked = (n: number, link: string): TestItem => ({ ...story(n, 30 - n), link })
    const items = Array.from({ length: 20 }, (_, i) =>
      linked(20 - i, `https://news.example.org/story/${20 - i}`),
    )
    const url = await script(path, { body: rss('F', items), etag: '"u1"' })
    const first = await pollFeed(feedAt(url), undefined, deps)
    // An update of story 3 (deep in the feed) published as a new item with the same link.
    const update = linked(21, 'https://news.example.org/story/3')
    await script(path, { body: rss('F', [update, ...items]), etag: '"u2"' })
    const partial = await pollFeed(feedAt(url), first.proposed, later(15))
    const whole = await pollFeed(feedAt(url), { ...first.proposed, insertsBelow: true }, later(15))
    expect(partial.items.length).toBeLessThan(whole.items.length)
    expect(partial.alertable.map((i) => i.title)).toEqual(['Story 21'])
    expect(whole.sharedUrls?.has('https://news.example.org/story/3')).toBe(true)
    expect(partial.sharedUrls?.has('https://news.example.org/story/3')).toBe(true)
  })

  it('alerts what a whole read alerts, over a feed that pins, moves up and adds items', async () => {
    const path = '/poll/differential.xml'
    const rand = prng(7)
    let feed = Array.from({ length: 25 }, (_, i) => story(1000 - i, i + 1))
    const url = await script(path, { body: rss('F', feed), etag: '"d0"' })
    let early = (await pollFeed(feedAt(url), undefined, deps)).proposed
    // The same poll with every read whole: a feed marked as adding items beneath older ones.
    let whole: typeof early = { ...early, insertsBelow: true }
    const alerted = { early: [] as string[], whole: [] as string[] }
    let next = 2000
    for (let step = 1; step <= 40; step++) {
      const news = Array.from({ length: Math.floor(rand() * 3) }, () => story(next++))
      let top: TestItem[] = []
      const r = rand()
      // An old item pinned or moved to the top (an update), or none.
      if (r < 0.3) top = [feed[Math.floor(rand() * feed.length)]!]
      const rest = feed.filter((i) => !top.includes(i))
      feed = [...top, ...news, ...rest].slice(0, 25)
      await script(path, { body: rss('F', feed), etag: `"d${step}"` })
      const at = later(step * 15)
      const a = await pollFeed(feedAt(url), early, at)
      const b = await pollFeed(feedAt(url), whole, at)
      alerted.early.push(...a.alertable.map((i) => i.title))
      alerted.whole.push(...b.alertable.map((i) => i.title))
      early = a.proposed
      whole = b.proposed
    }
    expect(alerted.whole.length).toBeGreaterThan(20)
    expect(alerted.early.sort()).toEqual(alerted.whole.sort())
  })
})

describe('skipHours and skipDays', () => {
  it('stores them with the feed state, and forgets them when the feed drops them', async () => {
    const path = '/poll/skips.xml'
    const skips =
      '<skipHours><hour>3</hour><hour>2</hour></skipHours><skipDays><day>Sunday</day></skipDays>'
    const url = await script(path, { body: rss('F', items('a'), skips), etag: '"s1"' })
    const first = await pollFeed(feedAt(url), undefined, deps)
    expect(first.proposed).toMatchObject({ skipHours: [2, 3], skipDays: [0] })

    await script(path, { body: rss('F', items('a')), etag: '"s2"' })
    const second = await pollFeed(feedAt(url), first.proposed, deps)
    expect(second.changed).toBe(true)
    expect(second.proposed.skipHours).toBeUndefined()
    expect(second.proposed.skipDays).toBeUndefined()
  })
})

describe('how long a response says it stays fresh', () => {
  const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000).toUTCString()
  it.each([
    { behaviour: 'max-age alone', hints: { maxAgeSeconds: 600 }, out: 600 },
    { behaviour: 'Expires alone, as the time left', hints: { expires: inMinutes(30) }, out: 1800 },
    {
      behaviour: 'max-age over Expires (RFC 9111)',
      hints: { maxAgeSeconds: 60, expires: inMinutes(30) },
      out: 60,
    },
    {
      behaviour: 'nothing for an Expires in the past',
      hints: { expires: inMinutes(-5) },
      out: undefined,
    },
    { behaviour: 'nothing without hints', hints: {}, out: undefined },
  ])('$behaviour', ({ hints, out }) => {
    const expires = hints.expires && new Date(hints.expires).toISOString()
    expect(freshFor({ ...hints, expires }, now)).toBe(out)
  })

  it('lengthens the interval from an Expires header', async () => {
    const url = await script('/poll/expires.xml', {
      body: rss('Expires', items('a')),
      headers: { expires: inMinutes(30) },
    })
    const outcome = await pollFeed(feedAt(url), undefined, deps)
    expect(outcome.proposed.intervalMinutes).toBe(30)
  })
})

describe('what a failed poll means', () => {
  const challengePage =
    '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>' +
    '<script>window._cf_chl_opt={}</script></body></html>'
  it.each([
    {
      behaviour: 'a 429 waits for Retry-After and leaves the feed healthy',
      response: { status: 429, headers: { 'retry-after': '120' } },
      expected: { health: 'ok', failures: 0, throttles: 1, notBefore: inSeconds(120) },
      throttled: true,
    },
    {
      behaviour: 'a 503 with a month-long Retry-After waits 7 days',
      response: { status: 503, headers: { 'retry-after': String(30 * 86_400) } },
      expected: { health: 'ok', failures: 0, notBefore: inSeconds(7 * 86_400) },
      throttled: true,
    },
    {
      behaviour: 'a 410 stops polling and says so',
      response: { status: 410 },
      expected: { health: 'error', gone: true, failures: 1 },
      message: /410 Gone.*polling stopped/,
    },
    {
      behaviour: 'a challenge header is reported as a challenge',
      response: { status: 403, headers: { 'cf-mitigated': 'challenge' }, body: 'x' },
      expected: { health: 'error', challenged: true },
      message: /challenge page/,
    },
    {
      behaviour: 'a challenge page served with 200 is a challenge, not a parse error',
      response: { body: challengePage, headers: { 'content-type': 'text/html' } },
      expected: { health: 'error', challenged: true },
      message: /challenge page/,
    },
  ])('$behaviour', async ({ behaviour, response, expected, throttled, message }) => {
    const path = `/poll/fail/${behaviour.replace(/\W+/g, '-')}`
    const url = await script(path, { body: rss('F', items('h1')) })
    const healthy = await pollFeed(feedAt(url), undefined, deps)
    await script(path, response as ScriptedResponse)
    const outcome = await pollFeed(feedAt(url), healthy.proposed, deps)
    expect(outcome.proposed).toMatchObject(expected)
    expect(outcome.throttled ?? false).toBe(throttled ?? false)
    if (message) expect(outcome.error).toMatch(message)
  })
})

function inSeconds(s: number): string {
  return new Date(now.getTime() + s * 1000).toISOString()
}
