// When each feed is polled: pure functions of the feed, its stored state and `now`.
//
// A feed is due on the minutes where (epochMinute + phase) is a multiple of its effective
// interval, the phase being a hash of its id. The schedule is therefore derived, not stored: a
// poll that finds nothing new changes no state and costs no KV write (docs/decisions.md, 1),
// and feeds with the same interval are spread evenly over the minutes instead of all polling on
// the hour. New feeds are polled at once.
import type { Feed } from '../model'
import type { FeedState } from '../store/shards'

/** Default minutes between polls: news monitoring wants minutes, not hours, and polls are free. */
export const DEFAULT_INTERVAL_MINUTES = 10
export const MIN_INTERVAL_MINUTES = 1
export const MAX_INTERVAL_MINUTES = 24 * 60
/**
 * A publisher's own hint (RSS ttl, Cache-Control max-age, Expires) may lengthen the interval, but
 * only up to an hour: many feeds declare ttl=1440 by template, and obeying that would hold a
 * breaking story back for a day.
 */
export const MAX_HINTED_INTERVAL_MINUTES = 60
/** Backoff after failures doubles the interval up to 6 hours, so a dead feed costs 4 polls a day. */
export const MAX_BACKOFF_MINUTES = 6 * 60

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

export interface IntervalSignals {
  /** RSS <ttl> in minutes. */
  ttlMinutes?: number
  /** Seconds the response stays fresh: Cache-Control max-age, else what Expires leaves (poll.ts). */
  maxAgeSeconds?: number
}

/** Minutes between polls for a healthy feed, from the user's choice and the feed's own signals. */
export function baseInterval(feed: Feed, signals: IntervalSignals): number {
  const chosen = feed.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES
  const hints = [signals.ttlMinutes, signals.maxAgeSeconds && Math.ceil(signals.maxAgeSeconds / 60)]
    .filter((m): m is number => typeof m === 'number' && Number.isFinite(m) && m > 0)
    .map((m) => Math.min(m, MAX_HINTED_INTERVAL_MINUTES))
  const interval = Math.max(chosen, ...hints)
  return Math.min(MAX_INTERVAL_MINUTES, Math.max(MIN_INTERVAL_MINUTES, Math.round(interval)))
}

/** The interval after `failures` consecutive failures: doubled each time, capped. */
export function backoffInterval(base: number, failures: number): number {
  if (failures <= 0) return base
  return Math.min(Math.max(base, MAX_BACKOFF_MINUTES), base * 2 ** Math.min(failures, 16))
}

/** Whether the feed should be polled on this tick. */
export function isDue(feedId: string, state: FeedState | undefined, now: Date): boolean {
  if (!state || state.health === 'pending') return true
  if (state.notBefore && Date.parse(state.notBefore) > now.getTime()) return false
  const interval = backoffInterval(state.intervalMinutes, state.failures)
  return (epochMinute(now) + fnv1a(feedId)) % interval === 0
}

/** Which shard document holds a feed's state. */
export const shardOf = (feedId: string, shardCount: number): number => fnv1a(feedId) % shardCount
