// The politeness self-test: a fake origin (the loopback server) plays publishers while the real
// tick polls them for a simulated hour at the production floor, and checks what publishers expect
// of a feed reader: validators only as the server sent them, latest first, never made up from feed
// dates; no cookies; no cache-busting query strings; no poll under the 5-minute floor; Retry-After
// honoured for the whole host; one request at a time per host.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BUDGETS } from '../../src/monitor/budget'
import { MIN_INTERVAL_MINUTES } from '../../src/monitor/schedule'
import { runTick } from '../../src/monitor/tick'
import { rss, type TestItem } from '../support/feeds'
import { loopbackUrl, received, script, type RecordedRequest } from '../support/loopback'
import { api } from '../support/worker'

const T0 = Math.floor(Date.now() / 60_000) * 60_000 + 7 * 24 * 60 * 60_000
const at = (minute: number) => new Date(T0 + minute * 60_000)
const DELAY_MS = 40
const L1 = 'Tue, 01 Dec 2026 10:00:00 GMT'
const L2 = 'Tue, 01 Dec 2026 11:00:00 GMT'
const item = (n: number): TestItem => ({
  guid: `p-${n}`,
  title: `Story ${n}`,
  pubDate: new Date(T0 - n * 3_600_000),
})
const body = (n: number) => rss('Polite', [item(n), item(n + 1)])

describe('politeness towards publishers', () => {
  it('keeps every promise over a simulated hour', async () => {
    const local = loopbackUrl()
    // The same server under another name: another host, to be throttled on its own.
    const other = local.replace('127.0.0.1', 'localhost')
    const cookie = { 'set-cookie': 'session=abc; Path=/' }
    const feeds: Array<[string, string, number | undefined]> = [
      // Validators that change on a 304 and vanish on a later 200; asked every minute.
      [
        'pol-validators',
        await script(
          '/polite/validators.xml',
          { body: body(1), etag: '"a1"', lastModified: L1, headers: cookie, delayMs: DELAY_MS },
          { status: 304, headers: { etag: '"a2"', 'last-modified': L2 }, delayMs: DELAY_MS },
          { body: body(2), headers: { etag: '"a3"' }, delayMs: DELAY_MS },
          { body: body(2), etag: '"a3"', delayMs: DELAY_MS },
        ),
        1,
      ],
      // No validators at all, dated items: never an If-Modified-Since.
      [
        'pol-dated',
        await script('/polite/dated.xml', { body: body(3), headers: cookie, delayMs: DELAY_MS }),
        undefined,
      ],
      ['pol-third', await script('/polite/third.xml', { body: body(5), delayMs: DELAY_MS }), 5],
    ]
    // A host that asks for 30 minutes of quiet, and its second feed.
    await script(
      '/polite/busy.xml',
      { status: 429, headers: { 'retry-after': '1800' } },
      { body: body(7) },
    )
    await script('/polite/sibling.xml', { body: body(9) })
    feeds.push(
      ['pol-busy', `${other}/polite/busy.xml`, 5],
      ['pol-sibling', `${other}/polite/sibling.xml`, 5],
    )
    for (const [id, url, intervalMinutes] of feeds) {
      const r = await api('POST', '/api/feeds', { id, url, discover: false, intervalMinutes })
      expect(r.status).toBe(201)
    }

    const minuteOf = new Map<RecordedRequest, number>()
    let seen = 0
    for (let m = 0; m < 60; m++) {
      await runTick({
        store: env,
        queue: env.DELIVERIES,
        fetch: (input, init) => fetch(input, init),
        now: at(m),
        shardCount: 1,
        maxItemAgeHours: 72,
        budget: DEFAULT_BUDGETS.paid,
        floorMinutes: MIN_INTERVAL_MINUTES,
        log: () => undefined,
      })
      const all = await received('/polite/')
      for (const r of all.slice(seen)) minuteOf.set(r, m)
      seen = all.length
    }
    const requests = [...minuteOf.keys()]
    const to = (path: string) => requests.filter((r) => r.path === path)

    // No cookies, no query strings, only the feeds' own paths.
    for (const r of requests) {
      expect(r.headers.cookie).toBeUndefined()
      expect(r.path).toMatch(/^\/polite\/[a-z]+\.xml$/)
    }
    // Validators: exactly the latest the server sent, never invented.
    const validators = to('/polite/validators.xml').map((r) => [
      r.headers['if-none-match'],
      r.headers['if-modified-since'],
    ])
    expect(validators.slice(0, 4)).toEqual([
      [undefined, undefined],
      ['"a1"', L1],
      ['"a2"', L2],
      ['"a3"', undefined],
    ])
    for (const r of to('/polite/dated.xml')) {
      expect(r.headers['if-modified-since']).toBeUndefined()
      expect(r.headers['if-none-match']).toBeUndefined()
    }
    // No poll under the floor, even for a feed asked every minute.
    for (const path of ['/polite/validators.xml', '/polite/dated.xml', '/polite/third.xml']) {
      const minutes = to(path).map((r) => minuteOf.get(r)!)
      expect(minutes.length).toBeGreaterThan(1)
      minutes.slice(1).forEach((m, i) => expect(m - minutes[i]!).toBeGreaterThanOrEqual(5))
    }
    // Retry-After: after the 429, neither feed of that host is asked for 30 minutes.
    const busy = to('/polite/busy.xml')
    const throttledAt = minuteOf.get(busy[0]!)!
    const afterwards = [...busy.slice(1), ...to('/polite/sibling.xml')]
      .filter((r) => r.at > busy[0]!.at)
      .map((r) => minuteOf.get(r)!)
    expect(afterwards.filter((m) => m < throttledAt + 30)).toEqual([])
    expect(busy.length).toBeGreaterThan(1)
    // One request at a time per host: each answer takes DELAY_MS, so arrivals are that far apart.
    const local127 = requests
      .filter((r) => r.headers.host?.startsWith('127.0.0.1'))
      .map((r) => r.at)
      .sort((a, b) => a - b)
    local127
      .slice(1)
      .forEach((t, i) => expect(t - local127[i]!).toBeGreaterThanOrEqual(DELAY_MS - 5))

    // The status says the busy feed is throttled, not broken, and why each interval is what it is.
    const status = await api('GET', '/api/status')
    const byId = Object.fromEntries(status.json.feeds.map((f: any) => [f.id, f]))
    expect(byId['pol-validators'].intervalSignal).toBe('floor')
    expect(byId['pol-dated'].intervalSignal).toBe('default')
  })
})
