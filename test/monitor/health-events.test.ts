// The health rules of docs/health.md, as pure functions: transitions, once each, and the learned
// rhythm of a feed.
import { describe, expect, it } from 'vitest'
import type { Feed, Item } from '../../src/model'
import {
  HEALTH_RULES,
  feedHealthStep,
  healthAlerts,
  historyFromItems,
  silentAfterMinutes,
  usualGapMinutes,
  type FeedHealthInput,
} from '../../src/monitor/health-events'
import { nextPoll } from '../../src/monitor/health'
import { countMatches, sumWatchStats } from '../../src/monitor/watch-stats'
import type { FeedState } from '../../src/store/shards'

const feed: Feed = { id: 'f1', url: 'https://example.org/feed?key=s3cret', enabled: true, tags: [] }
const now = new Date('2026-03-10T12:00:00Z')
const minute = (d: Date) => Math.floor(d.getTime() / 60_000)
const base: FeedState = {
  url: feed.url,
  intervalMinutes: 10,
  failures: 0,
  health: 'ok',
  seen: [],
  lastSuccessAt: '2026-03-10T11:00:00Z',
}
const failing = (failures: number, extra: Partial<FeedState> = {}): FeedState => ({
  ...base,
  health: 'error',
  failures,
  lastError: { message: 'HTTP 500', status: 500, at: now.toISOString() },
  ...extra,
})
const step = (previous: FeedState, proposed: FeedState, fresh = 0, items: Item[] = []) =>
  feedHealthStep({ feed, previous, proposed, items, fresh, now } satisfies FeedHealthInput)

describe('feed transitions', () => {
  it.each([
    ['two failures are not yet broken', failing(1), failing(2), []],
    ['the third failure in a row announces "feed broken"', failing(2), failing(3), ['feed-broken']],
    [
      'a fourth failure announces nothing more',
      failing(3, { announced: 'broken' }),
      failing(4, { announced: 'broken' }),
      [],
    ],
    [
      'a broken feed that works again announces "feed recovered"',
      failing(5, { announced: 'broken' }),
      { ...base, announced: 'broken' as const },
      ['feed-recovered'],
    ],
    ['a feed that failed twice and recovered announces nothing', failing(2), base, []],
  ])('%s', (_, previous, proposed, kinds) => {
    const result = step(previous, proposed)
    expect(result.events.map((e) => e.kind)).toEqual(kinds)
    // What was announced is remembered, so the next tick does not announce it again.
    const again = step(result.proposed, result.proposed)
    expect(again.events).toEqual([])
  })

  it('says how many polls failed, with the HTTP status, and never the feed URL', () => {
    const [event] = step(failing(2), failing(3)).events
    expect(event?.detail).toBe('3 polls in a row failed (HTTP 500): HTTP 500')
    expect(JSON.stringify(event)).not.toContain('s3cret')
  })

  it('gives a resent event the same streak, whatever the tick', () => {
    const a = step(failing(2), failing(3)).events[0]
    const b = feedHealthStep({
      feed,
      previous: failing(2),
      proposed: failing(3),
      items: [],
      fresh: 0,
      now: new Date(now.getTime() + 60_000),
    }).events[0]
    expect(a?.streak).toBe(b?.streak)
  })
})

describe('silence, learned from the feed’s history', () => {
  const hourly = Array.from({ length: 9 }, (_, i) => minute(now) - 60 * 24 * 3 - (8 - i) * 60)

  it('takes the median gap between publications', () => {
    expect(usualGapMinutes([0, 60, 120, 180, 1000])).toBe(60)
    expect(usualGapMinutes([0, 60])).toBeUndefined()
  })

  it('never calls a feed silent before the minimum, however fast it publishes', () => {
    expect(silentAfterMinutes([0, 5, 10, 15])).toBe(HEALTH_RULES.silentMinMinutes)
    expect(silentAfterMinutes([0, 1440, 2880, 4320])).toBe(4 * 1440)
  })

  it('learns the rhythm from the items of the first successful read', () => {
    const items = [0, 1, 2, 3].map(
      (h) =>
        ({
          published: new Date(now.getTime() - h * 3_600_000).toISOString(),
        }) as Item,
    )
    expect(usualGapMinutes(historyFromItems(items))).toBe(60)
  })

  it('announces "feed silent" once when nothing came for 4× the usual gap, then recovers', () => {
    const quiet = { ...base, published: hourly }
    const first = step(quiet, quiet)
    expect(first.events.map((e) => e.kind)).toEqual(['feed-silent'])
    expect(first.events[0]?.detail).toMatch(/usually publishes every 60 min/)
    expect(step(first.proposed, first.proposed).events).toEqual([])
    const back = step(first.proposed, first.proposed, 2)
    expect(back.events.map((e) => e.kind)).toEqual(['feed-recovered'])
    expect(back.proposed.announced).toBeUndefined()
  })

  it('keeps a bounded history', () => {
    let state: FeedState = { ...base, published: hourly }
    for (let i = 0; i < 30; i++) state = step(state, state, 1).proposed
    expect(state.published).toHaveLength(HEALTH_RULES.historySize)
  })
})

describe('health alerts', () => {
  const destinations = [
    { id: 'd1', name: 'Ops', type: 'webhook' as const, url: 'https://x', enabled: true },
    { id: 'd2', name: 'Off', type: 'webhook' as const, url: 'https://y', enabled: false },
  ]

  it('goes to each enabled health destination with a stable id, never to its own subject', async () => {
    const [event] = step(failing(2), failing(3)).events
    const alerts = await healthAlerts([event!], ['d1', 'd2', 'gone'], destinations, [feed])
    expect(alerts.map((a) => a.destinationId)).toEqual(['d1'])
    expect(alerts[0]?.item.title).toMatch(/^Feed broken: https:\/\/example\.org\/feed\?key=/)
    expect(JSON.stringify(alerts)).not.toContain('s3cret')
    const again = await healthAlerts([event!], ['d1'], destinations, [feed])
    expect(again[0]?.id).toBe(alerts[0]?.id)
    const own = await healthAlerts(
      [{ ...event!, kind: 'destination-failing', subjectId: 'd1' }],
      ['d1'],
      destinations,
      [feed],
    )
    expect(own).toEqual([])
  })
})

describe('next poll', () => {
  it.each([
    ['a disabled feed', { ...feed, enabled: false }, base, /disabled/],
    ['a new feed', feed, undefined, /first poll/],
    ['a healthy feed', feed, base, /every 10 min/],
    ['a failing feed', feed, failing(2), /backing off after 2 failure/],
    [
      'a feed told to wait',
      feed,
      { ...base, notBefore: '2026-03-10T13:00:00Z' },
      /Retry-After\) until 2026-03-10T13:00:00Z/,
    ],
  ])('explains %s', (_, f, state, why) => {
    const next = nextPoll(f, state, now)
    expect(next.why).toMatch(why)
    if (next.at) expect(Date.parse(next.at)).toBeGreaterThan(now.getTime())
  })
})

describe('matches per watch', () => {
  it('counts a match once whatever its destinations, and today only for the current day', () => {
    const alert = (watch: string, key: string, destinationId: string) =>
      ({ watch: { id: watch }, item: { key }, destinationId }) as never
    const day1 = countMatches(undefined, [alert('w', 'a', 'd1'), alert('w', 'a', 'd2')], now)
    const later = new Date(now.getTime() + 86_400_000)
    const day2 = countMatches(day1, [alert('w', 'b', 'd1')], later)
    expect(sumWatchStats([day1], 'w', now)).toMatchObject({ total: 1, today: 1 })
    expect(sumWatchStats([day2, day1], 'w', later)).toMatchObject({
      total: 3,
      today: 1,
      lastMatchAt: later.toISOString(),
    })
  })
})
