// The scheduling rules as tables: intervals from each signal (with clamps), backoff, Retry-After,
// host throttling, 410, the floor, skipHours/skipDays, the order in which deferred feeds come back,
// and the status's next poll, which must be the schedule's own.
import { describe, expect, it } from 'vitest'
import type { Feed } from '../../src/model'
import {
  DEFAULT_INTERVAL_MINUTES,
  MAX_BACKOFF_MINUTES,
  MAX_RETRY_AFTER_SECONDS,
  MIN_INTERVAL_MINUTES,
  backoffInterval,
  dueSince,
  isDue,
  pollInterval,
  throttleSeconds,
} from '../../src/monitor/schedule'
import { detailedStatus, nextPoll } from '../../src/monitor/health'
import { emptyConfig } from '../../src/store/config'
import { emptyShard } from '../../src/store/shards'
import { fairOrder } from '../../src/monitor/tick'
import type { FeedState } from '../../src/store/shards'

const feed = (intervalMinutes?: number): Feed => ({
  id: 'f',
  url: 'https://example.org/feed',
  enabled: true,
  tags: [],
  intervalMinutes,
})
const state = (over: Partial<FeedState> = {}): FeedState => ({
  url: 'https://example.org/feed',
  intervalMinutes: 10,
  failures: 0,
  health: 'ok',
  seen: [],
  ...over,
})
const T0 = Date.UTC(2026, 0, 1)
const at = (minute: number) => new Date(T0 + minute * 60_000)

/** Minutes in [0, span) at which a feed is polled, each poll recorded as the tick would. */
function pollMinutes(id: string, over: Partial<FeedState>, span: number, floor?: number): number[] {
  let s = state({ checkedAt: at(-1).toISOString(), ...over })
  const polled: number[] = []
  for (let m = 0; m < span; m++) {
    if (!isDue(id, s, at(m), floor)) continue
    polled.push(m)
    s = { ...s, checkedAt: at(m).toISOString() }
  }
  return polled
}

describe('the interval and the signal that set it', () => {
  it.each([
    ['the default when nothing is said', undefined, {}, DEFAULT_INTERVAL_MINUTES, 'default'],
    ['the user’s choice', 7, {}, 7, 'user'],
    ['the floor under a shorter choice', 2, {}, MIN_INTERVAL_MINUTES, 'floor'],
    ['a longer RSS ttl', 7, { ttlMinutes: 30 }, 30, 'ttl'],
    ['a ttl capped at an hour', 7, { ttlMinutes: 1440 }, 60, 'ttl'],
    [
      'a Cache-Control max-age in minutes, rounded up',
      5,
      { maxAgeSeconds: 550 },
      10,
      'cache-control',
    ],
    [
      'an Expires as the time left',
      5,
      { maxAgeSeconds: 1200, maxAgeFrom: 'expires' },
      20,
      'expires',
    ],
    ['a max-age capped at an hour', 5, { maxAgeSeconds: 86_400 }, 60, 'cache-control'],
    ['never shorter than the user’s choice', 20, { ttlMinutes: 5 }, 20, 'user'],
    ['hourly for a feed quiet for 6 hours', 5, { quietMinutes: 360 }, 60, 'update-rate'],
    ['its own interval for a feed quiet for less', undefined, { quietMinutes: 359 }, 15, 'default'],
    ['a ttl over the update rate when longer', 5, { quietMinutes: 999, ttlMinutes: 90 }, 60, 'ttl'],
  ] as const)('uses %s', (_, chosen, signals, minutes, signal) => {
    expect(pollInterval(feed(chosen), signals)).toEqual({ minutes, signal })
  })
})

describe('backoff and throttling', () => {
  it.each([
    [10, 0, 10],
    [10, 1, 20],
    [10, 3, 80],
    [10, 10, MAX_BACKOFF_MINUTES],
    [1440, 2, 1440],
  ])('base %i after %i failures waits %i minutes', (base, failures, expected) => {
    expect(backoffInterval(base, failures)).toBe(expected)
  })

  it.each([
    ['a Retry-After as given', 600, 0, 600],
    ['a Retry-After capped at 7 days', 30 * 86_400, 0, MAX_RETRY_AFTER_SECONDS],
    ['30 minutes without one', undefined, 0, 1800],
    ['doubling when it repeats', undefined, 2, 7200],
  ])('waits %s', (_, retryAfter, repeats, seconds) => {
    expect(throttleSeconds(retryAfter, repeats)).toBe(seconds)
  })
})

describe('when a feed is due', () => {
  it('polls a new feed at once, first in line', () => {
    expect(dueSince('f', undefined, at(0))).toBe(0)
    expect(dueSince('f', state({ health: 'pending' }), at(7))).toBe(0)
  })

  it.each([
    ['a 10-minute feed every 10 minutes', { intervalMinutes: 10 }, 120, undefined, 12, 10],
    ['a 1-minute choice at the 5-minute floor', { intervalMinutes: 1 }, 60, undefined, 12, 5],
    ['1 minute under the development floor', { intervalMinutes: 1 }, 30, 1, 30, 1],
    ['every 40 minutes after 2 failures', { failures: 2 }, 120, undefined, 3, 40],
  ])('polls %s', (_, over, span, floor, count, gap) => {
    const polled = pollMinutes('feed-a', over, span, floor)
    expect(polled.length).toBeGreaterThanOrEqual(count - 1)
    expect(polled.length).toBeLessThanOrEqual(count)
    const gaps = polled.slice(1).map((m, i) => m - polled[i]!)
    expect(new Set(gaps)).toEqual(new Set([gap]))
  })

  it('spreads feeds with the same interval over different minutes', () => {
    const first = (id: string) => pollMinutes(id, { checkedAt: at(0).toISOString() }, 30)[0]
    expect(new Set('abcdefghijklmnop'.split('').map(first)).size).toBeGreaterThan(3)
  })

  it('keeps a deferred feed due, waiting since its slot, until it is polled', () => {
    const s = state({ checkedAt: at(0).toISOString() })
    const slot = dueSince('late', s, at(40))!
    const base = T0 / 60_000
    expect(slot - base).toBeGreaterThan(0)
    expect(slot - base).toBeLessThanOrEqual(10)
    expect(dueSince('late', s, at(41))).toBe(slot)
    expect(dueSince('late', { ...s, checkedAt: at(41).toISOString() }, at(42))).toBeUndefined()
  })

  it.each([
    ['a Retry-After not yet over', { notBefore: at(60).toISOString() }, 30, 0, false],
    ['a Retry-After over', { notBefore: at(60).toISOString() }, 61, 0, true],
    ['a throttled host', {}, 30, at(45).getTime(), false],
    ['a host whose wait is over', {}, 50, at(45).getTime(), true],
    ['a feed that answered 410', { gone: true }, 500, 0, false],
  ])('waits for %s', (_, over, minute, hostUntil, due) => {
    const s = state({ checkedAt: at(0).toISOString(), intervalMinutes: 5, ...over })
    // Over a window of 5 minutes, so the feed's slot falls inside whatever its phase.
    const window = Array.from({ length: 5 }, (_, i) => minute + i)
    const anyDue = window.some((m) => dueSince('x', s, at(m), 5, hostUntil) !== undefined)
    expect(anyDue).toBe(due)
  })
})

describe('the fair order of due feeds', () => {
  const due = (id: string, since: number) => ({ feed: { ...feed(), id }, since })

  it('offers the longest-waiting feeds first', () => {
    const order = fairOrder([due('new', 100), due('deferred', 90), due('added', 0)], 101)
    expect(order.map((d) => d.feed.id)).toEqual(['added', 'deferred', 'new'])
  })

  it('puts every feed of a tie first on some minute', () => {
    const tied = 'abcde'.split('').map((id) => due(id, 5))
    const firsts = new Set(Array.from({ length: 60 }, (_, m) => fairOrder(tied, m)[0]!.feed.id))
    expect(firsts.size).toBe(5)
  })
})

describe('skipHours and skipDays', () => {
  // T0 is Thursday 1 January 2026, 00:00 GMT (getUTCDay 4).
  const interval10 = { intervalMinutes: 10 }
  const unskipped = pollMinutes('f', interval10, 3 * 1440, 5)
  it.each([
    [
      'no poll inside skipped hours, the first right after',
      { skipHours: [1, 2] },
      [[60, 180]],
      180,
    ],
    [
      'hours are GMT, each day',
      { skipHours: [23] },
      [
        [1380, 1440],
        [2820, 2880],
      ],
      1440,
    ],
    ['no poll on a skipped day, the first at its end', { skipDays: [4] }, [[0, 1440]], 1440],
    [
      'days and hours together (Saturday 00:00 GMT is a skipped hour too)',
      { skipDays: [5], skipHours: [0] },
      [
        [0, 60],
        [1440, 2940],
      ],
      2940,
    ],
  ])('%s', (_name, skips, windows, resume) => {
    const polled = pollMinutes('f', { ...interval10, ...skips }, 3 * 1440, 5)
    for (const [from, to] of windows) {
      expect(polled.filter((m) => m >= from! && m < to!)).toEqual([])
    }
    expect(polled).toContain(resume)
    // Outside the windows, the feed keeps its pace.
    expect(polled.length).toBeGreaterThan(100)
  })

  it.each([
    ['all 24 hours', { skipHours: Array.from({ length: 24 }, (_, h) => h) }],
    ['all 7 days', { skipDays: [0, 1, 2, 3, 4, 5, 6] }],
  ])('are ignored when they cover the whole week: %s', (_name, skips) => {
    expect(pollMinutes('f', { ...interval10, ...skips }, 3 * 1440, 5)).toEqual(unskipped)
  })

  it('keep a feed due since its slot, so it goes first when the skip ends', () => {
    const s = state({ ...interval10, checkedAt: at(50).toISOString(), skipHours: [1] })
    const since = dueSince('f', s, at(120), 5)
    expect(since).toBeDefined()
    expect(since!).toBeLessThan(T0 / 60_000 + 70)
    expect(dueSince('f', s, at(90), 5)).toBeUndefined()
  })
})

describe('the next poll the status shows is the schedule’s own', () => {
  const host = Date.parse('2026-01-01T03:07:30Z')
  const checked = at(-3).toISOString()
  it.each([
    ['a healthy feed', state({ checkedAt: checked }), 5, 0, /every 10 min/],
    [
      'a feed under the floor',
      state({ checkedAt: checked, intervalMinutes: 1 }),
      5,
      0,
      /every 5 min/,
    ],
    ['a development floor', state({ checkedAt: checked, intervalMinutes: 1 }), 1, 0, /every 1 min/],
    ['a failing feed', state({ checkedAt: checked, failures: 3 }), 5, 0, /backing off after 3/],
    [
      'a Retry-After',
      state({ checkedAt: checked, notBefore: at(200).toISOString() }),
      5,
      0,
      /Retry-After/,
    ],
    ['its host’s wait', state({ checkedAt: checked }), 5, host, /host asked to wait/],
    [
      'skipped hours',
      state({ checkedAt: checked, skipHours: [0, 1] }),
      5,
      0,
      /skipHours, GMT\): 0, 1/,
    ],
    ['skipped days', state({ checkedAt: checked, skipDays: [4] }), 5, 0, /skipDays\): Thursday/],
    ['a new feed', undefined, 5, 0, /first poll/],
  ])('%s', (_name, s, floor, hostUntil, why) => {
    const now = at(0)
    const next = nextPoll({ id: 'f', enabled: true }, s, now, floor, hostUntil)
    expect(next.why).toMatch(why)
    // The first minute after now at which the tick finds the feed due (not polling it meanwhile).
    let first = 1
    while (dueSince('f', s, at(first), floor, hostUntil) === undefined && first < 3 * 1440) first++
    expect(next.at).toBe(at(first).toISOString())
  })

  it('shows the skip as the feed’s interval signal in the detailed status', () => {
    const config = {
      ...emptyConfig(),
      feeds: [{ id: 'f', url: 'https://example.org/feed', enabled: true, tags: [] }],
    }
    const shard = {
      ...emptyShard(0),
      feeds: {
        f: state({ checkedAt: at(-3).toISOString(), intervalSignal: 'ttl', skipHours: [0, 1] }),
      },
    }
    const log = {
      schema: 1 as const,
      counters: { sent: 0, retried: 0, dead: 0, duplicates: 0, dropped: 0, replayed: 0, held: 0 },
      recent: [],
      destinations: [],
    }
    const [feed] = detailedStatus(config, [shard], log, [], at(0), undefined, 5).feeds
    expect(feed).toMatchObject({
      intervalSignal: 'skip-hours',
      nextPoll: { at: at(120).toISOString() },
    })
  })

  it('names the skip as the signal behind the next poll', () => {
    const s = state({ checkedAt: at(-3).toISOString(), intervalSignal: 'ttl', skipDays: [4] })
    expect(nextPoll({ id: 'f', enabled: true }, s, at(0)).signal).toBe('skip-days')
    expect(nextPoll({ id: 'f', enabled: true }, { ...s, skipDays: [] }, at(0)).signal).toBe('ttl')
  })
})
