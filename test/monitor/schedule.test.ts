import { describe, expect, it } from 'vitest'
import type { Feed } from '../../src/model'
import {
  DEFAULT_INTERVAL_MINUTES,
  MAX_BACKOFF_MINUTES,
  backoffInterval,
  baseInterval,
  isDue,
} from '../../src/monitor/schedule'
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

describe('baseInterval', () => {
  it.each([
    ['the default when nothing is said', undefined, {}, DEFAULT_INTERVAL_MINUTES],
    ['the user’s choice', 3, {}, 3],
    ['a longer RSS ttl', 3, { ttlMinutes: 30 }, 30],
    ['a ttl capped at an hour', 3, { ttlMinutes: 1440 }, 60],
    ['a Cache-Control max-age in minutes, rounded up', 1, { maxAgeSeconds: 150 }, 3],
    ['never shorter than the user’s choice', 20, { ttlMinutes: 5 }, 20],
  ])('uses %s', (_, chosen, signals, expected) => {
    expect(baseInterval(feed(chosen), signals)).toBe(expected)
  })
})

describe('backoffInterval', () => {
  it.each([
    [10, 0, 10],
    [10, 1, 20],
    [10, 3, 80],
    [10, 10, MAX_BACKOFF_MINUTES],
    [1440, 2, 1440],
  ])('base %i after %i failures waits %i minutes', (base, failures, expected) => {
    expect(backoffInterval(base, failures)).toBe(expected)
  })
})

describe('isDue', () => {
  const minutes = (n: number) =>
    Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, i)))

  it('polls a new feed at once', () => {
    expect(isDue('f', undefined, new Date())).toBe(true)
    expect(isDue('f', state({ health: 'pending' }), new Date())).toBe(true)
  })

  it('polls a 10-minute feed on exactly one minute in ten', () => {
    const due = minutes(60).filter((m) => isDue('feed-a', state(), m))
    expect(due).toHaveLength(6)
    expect(due[1]!.getTime() - due[0]!.getTime()).toBe(10 * 60_000)
  })

  it('spreads feeds with the same interval over different minutes', () => {
    const firstDue = (id: string) => minutes(10).findIndex((m) => isDue(id, state(), m))
    const phases = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(firstDue))
    expect(phases.size).toBeGreaterThan(3)
  })

  it('backs off after failures', () => {
    const due = minutes(60).filter((m) => isDue('feed-a', state({ failures: 2 }), m))
    expect(due).toHaveLength(2) // every 40 minutes
  })

  it('waits for a Retry-After to pass', () => {
    const now = new Date(Date.UTC(2026, 0, 1))
    const later = new Date(now.getTime() + 3_600_000).toISOString()
    const s = state({ intervalMinutes: 1, notBefore: later })
    expect(isDue('x', s, now)).toBe(false)
    expect(isDue('x', s, new Date(now.getTime() + 3_601_000))).toBe(true)
  })
})
