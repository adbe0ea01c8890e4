// When each feed is polled: pure functions of the feed, its stored state and `now`.
//
// Every feed has slots: the minutes where (epochMinute + phase) is a multiple of its effective
// interval, the phase being a hash of its id, so feeds with one interval spread over the minutes
// instead of all polling on the hour. A feed is due from its slot until it has been polled for it:
// a feed the budget defers stays due, and the one that has waited longest goes first next tick
// (docs/decisions.md, 18). Never sooner than the floor after its last poll, never before a
// Retry-After or a throttled host's wait, never again after a 410. New feeds are polled at once.
//
// The interval comes from one signal, remembered so the status can say which:
// the user's choice or the default, the feed's ttl, Cache-Control or Expires (within an hour), its
// observed update rate, failures (backoff). Follows RFC 9110 (Retry-After) and RFC 9111 (freshness).
import type { Feed } from '../model'
import type { FeedState } from '../store/shards'

/**
 * Default minutes between polls: a news story is rarely worth more than a quarter-hour's head
 * start, and most publishers' CDNs cache feeds for 5–15 minutes anyway.
 */
export const DEFAULT_INTERVAL_MINUTES = 15
/** Never poll a feed more often than this (publishers and their CDNs call faster polling abuse). */
export const MIN_INTERVAL_MINUTES = 5
/**
 * The floor where politeness towards a publisher is moot: ENVIRONMENT=development (the demo and
 * the tests poll their own loopback servers every minute). Production always uses 5.
 */
export const DEVELOPMENT_MIN_INTERVAL_MINUTES = 1
export const MAX_INTERVAL_MINUTES = 24 * 60
/**
 * A publisher's own hint (RSS ttl, Cache-Control max-age, Expires) or the observed update rate may
 * lengthen the interval, but only up to an hour: many feeds declare ttl=1440 by template, and
 * obeying that would hold a breaking story back for a day.
 */
export const MAX_HINTED_INTERVAL_MINUTES = 60
/**
 * A feed that showed no new item for this long changes rarely: it is polled at the hint cap (hourly)
 * until it shows one. Six hours: busy news feeds publish every few minutes, and even a quiet
 * institutional feed publishes several times a working day; a story after such a silence waits at
 * most an hour, a sixth of the silence.
 */
export const RARELY_CHANGING_AFTER_MINUTES = 6 * 60
/** Backoff after failures doubles the interval up to 6 hours, so a dead feed costs 4 polls a day. */
export const MAX_BACKOFF_MINUTES = 6 * 60
/** A Retry-After longer than this is read as this (RFC 9110 sets no bound; a week is plenty). */
export const MAX_RETRY_AFTER_SECONDS = 7 * 24 * 3600
/** 429 or 503 without a Retry-After: the host waits this long (doubled per repeat, as backoff). */
export const DEFAULT_THROTTLE_MINUTES = 30

export const epochMinute = (now: Date): number => Math.floor(now.getTime() / 60_000)

/** A small, stable string hash (FNV-1a, 32 bits) for phases and shard numbers. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Which signal set a feed's interval (shown in the status). */
export type IntervalSignal =
  'default' | 'user' | 'floor' | 'ttl' | 'cache-control' | 'expires' | 'update-rate'

/** What the status names as the signal behind a feed's next poll: the interval's, or a skip. */
export type PollSignal = IntervalSignal | 'skip-hours' | 'skip-days'

export interface IntervalSignals {
  /** RSS <ttl> in minutes. */
  ttlMinutes?: number
  /** Seconds the response stays fresh: Cache-Control max-age, else what Expires leaves (poll.ts). */
  maxAgeSeconds?: number
  /** Which header `maxAgeSeconds` came from. */
  maxAgeFrom?: 'cache-control' | 'expires'
  /** Minutes since the feed last showed a new item (its observed update rate). */
  quietMinutes?: number
}

export interface Interval {
  minutes: number
  signal: IntervalSignal
}

/** Minutes between polls for a healthy feed, from the user's choice and the feed's own signals. */
export function pollInterval(
  feed: Feed,
  signals: IntervalSignals,
  floor = MIN_INTERVAL_MINUTES,
): Interval {
  const chosen = feed.intervalMinutes
  let best: Interval =
    chosen === undefined
      ? { minutes: DEFAULT_INTERVAL_MINUTES, signal: 'default' }
      : { minutes: chosen, signal: 'user' }
  if (best.minutes < floor) best = { minutes: floor, signal: 'floor' }
  const hints: Array<[number | undefined, IntervalSignal]> = [
    [signals.ttlMinutes, 'ttl'],
    [
      signals.maxAgeSeconds === undefined ? undefined : Math.ceil(signals.maxAgeSeconds / 60),
      signals.maxAgeFrom ?? 'cache-control',
    ],
    [
      (signals.quietMinutes ?? 0) >= RARELY_CHANGING_AFTER_MINUTES
        ? MAX_HINTED_INTERVAL_MINUTES
        : undefined,
      'update-rate',
    ],
  ]
  for (const [raw, signal] of hints) {
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) continue
    const minutes = Math.round(Math.min(raw, MAX_HINTED_INTERVAL_MINUTES))
    if (minutes > best.minutes) best = { minutes, signal }
  }
  return { minutes: Math.min(MAX_INTERVAL_MINUTES, best.minutes), signal: best.signal }
}

/** The interval alone (kept for callers that need no signal). */
export const baseInterval = (feed: Feed, signals: IntervalSignals, floor?: number): number =>
  pollInterval(feed, signals, floor).minutes

/** The interval after `failures` consecutive failures: doubled each time, capped. */
export function backoffInterval(base: number, failures: number): number {
  if (failures <= 0) return base
  return Math.min(Math.max(base, MAX_BACKOFF_MINUTES), base * 2 ** Math.min(failures, 16))
}

/** Seconds to wait after a 429 or 503: its Retry-After within a week, else the doubling default. */
export function throttleSeconds(retryAfterSeconds: number | undefined, repeats: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) {
    return Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS)
  }
  return backoffInterval(DEFAULT_THROTTLE_MINUTES, repeats) * 60
}

/** The slot (epoch minute) a feed with this interval most recently reached at `minute`. */
export function lastSlot(feedId: string, interval: number, minute: number): number {
  return minute - ((((minute + fnv1a(feedId)) % interval) + interval) % interval)
}

/** What, beyond the feed's own slot, puts its next poll later (shown in the status). */
export type HeldBy = 'floor' | 'retry-after' | 'host' | 'skip-hours' | 'skip-days'

/** When the schedule lets a feed be polled next. */
export interface NextDue {
  /** The earliest time (ms) it may be polled at, never before `now`: due when it is `now`. */
  at: number
  /** The slot (epoch minute) it waits since once due: longest waiting goes first. New feeds: 0. */
  since: number
  heldBy?: HeldBy
}

/** RSS skipHours/skipDays as honoured: ignored when they would cover the whole week. */
export function effectiveSkips(skip: { skipHours?: number[]; skipDays?: number[] }): {
  hours: ReadonlySet<number>
  days: ReadonlySet<number>
} {
  const hours = new Set(skip.skipHours ?? [])
  const days = new Set(skip.skipDays ?? [])
  // All 24 hours, or all 7 days, would never let the feed be read: such a feed is read as usual.
  return { hours: hours.size >= 24 ? new Set() : hours, days: days.size >= 7 ? new Set() : days }
}

/** Whether `ms` falls in a skipped hour (GMT) or day; which one. */
export function skippedAt(
  skips: ReturnType<typeof effectiveSkips>,
  ms: number,
): 'skip-hours' | 'skip-days' | undefined {
  const d = new Date(ms)
  if (skips.days.has(d.getUTCDay())) return 'skip-days'
  if (skips.hours.has(d.getUTCHours())) return 'skip-hours'
  return undefined
}

/** A week and a day of hours: past it every hour has been tried, so a skip cannot hold longer. */
const MAX_SKIP_STEPS = 8 * 24

/**
 * The one schedule rule, for the tick (dueSince) and the status (health.ts nextPoll): the feed's
 * next slot after its last poll (its interval with backoff, at its phase), never sooner than the
 * floor after that poll, nor before its Retry-After or its host's wait (`hostUntil`, ms), nor inside
 * an hour or day its skipHours/skipDays exclude; never again after a 410 (undefined).
 */
export function nextDue(
  feedId: string,
  state: FeedState | undefined,
  now: Date,
  floor = MIN_INTERVAL_MINUTES,
  hostUntil = 0,
): NextDue | undefined {
  if (state?.gone) return undefined
  const t = now.getTime()
  let at = t
  let since = 0
  let heldBy: HeldBy | undefined
  const later = (ms: number, why: HeldBy) => {
    if (ms > at) {
      at = ms
      heldBy = why
    }
  }
  if (state?.checkedAt !== undefined) {
    const checked = epochMinute(new Date(state.checkedAt))
    if (state.notBefore && Date.parse(state.notBefore) > Date.parse(state.checkedAt)) {
      // After a Retry-After the feed is asked again as soon as the wait (and the floor) is over.
      since = checked
    } else {
      const interval = backoffInterval(Math.max(floor, state.intervalMinutes), state.failures)
      // The first slot after the last poll: a feed deferred since then keeps its place in line.
      since = lastSlot(feedId, interval, checked) + interval
    }
    at = Math.max(t, since * 60_000)
    later((checked + floor) * 60_000, 'floor')
  }
  if (state?.notBefore) later(Date.parse(state.notBefore), 'retry-after')
  later(hostUntil, 'host')
  const skips = effectiveSkips(state ?? {})
  for (let step = 0; step < MAX_SKIP_STEPS; step++) {
    const skipped = skippedAt(skips, at)
    if (!skipped) break
    // To the start of the next hour (a skipped day is left hour by hour).
    at = (Math.floor(at / 3_600_000) + 1) * 3_600_000
    heldBy = skipped
  }
  return { at, since, heldBy }
}

/**
 * The epoch minute since which the feed has been waiting for a poll, or undefined when it is not
 * due (nextDue). New feeds wait "since 0": first in line. `hostUntil` is when the feed's host lets
 * us ask again (a 429/503 from any of its feeds), in ms.
 */
export function dueSince(
  feedId: string,
  state: FeedState | undefined,
  now: Date,
  floor = MIN_INTERVAL_MINUTES,
  hostUntil = 0,
): number | undefined {
  const next = nextDue(feedId, state, now, floor, hostUntil)
  return next && next.at <= now.getTime() ? next.since : undefined
}

/** The host a feed is fetched from ('' for an unparseable URL: those fail on their own). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '' // reported by the fetcher as an invalid URL
  }
}

/**
 * When each host that answered 429/503 lets us ask again (ms): every feed of it waits
 * (RFC 9110, Retry-After), read from the feeds' states.
 */
export function hostWaits(states: Iterable<FeedState>): Map<string, number> {
  const until = new Map<string, number>()
  for (const state of states) {
    if (!state.throttles || !state.notBefore) continue
    const host = hostOf(state.url)
    until.set(host, Math.max(until.get(host) ?? 0, Date.parse(state.notBefore)))
  }
  return until
}

/** Whether the feed should be polled on this tick. */
export const isDue = (
  feedId: string,
  state: FeedState | undefined,
  now: Date,
  floor?: number,
): boolean => dueSince(feedId, state, now, floor) !== undefined

/** Which shard document holds a feed's state. */
export const shardOf = (feedId: string, shardCount: number): number => fnv1a(feedId) % shardCount
