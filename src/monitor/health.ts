// Health of the monitor as a whole and of each feed, computed from stored state: pure.
// The public summary carries no URLs, ids of destinations or error texts (they can hold secrets
// or internal hostnames); the detailed view is for the bearer-token API.
import type { ConfigDoc } from '../store/config'
import type { DeadLetter, DeliveryLog } from '../store/deliveries'
import type { FeedState, ShardDoc, TickSummary } from '../store/shards'
import { redactFeedUrl } from '../lib/redact'
import { HEALTH_RULES, silentAfterMinutes, usualGapMinutes } from './health-events'
import {
  MIN_INTERVAL_MINUTES,
  backoffInterval,
  epochMinute,
  hostOf,
  hostWaits,
  nextDue,
  type IntervalSignal,
  type PollSignal,
} from './schedule'
import { HEARTBEAT_MINUTES } from './tick'
import { sumWatchStats } from './watch-stats'

export type OverallStatus = 'ok' | 'degraded' | 'stalled' | 'idle'

export interface PublicStatus {
  status: OverallStatus
  /** The most recent tick known (persisted, or this isolate's own if fresher). */
  lastTick?: TickSummary
  feeds: { total: number; ok: number; error: number; pending: number; disabled: number }
  watches: number
  alerts: { sent: number; retried: number; deadLettered: number; duplicates: number }
  configVersion: number
}

/**
 * A tick is expected every minute, but an unchanged shard is only written hourly; "stalled" means
 * no evidence of a tick for two heartbeats.
 */
const STALLED_AFTER_MS = 2 * HEARTBEAT_MINUTES * 60_000

export function latestTick(shards: ShardDoc[], inIsolate?: TickSummary): TickSummary | undefined {
  const candidates = [...shards.map((s) => s.lastTick), inIsolate].filter(
    (t): t is TickSummary => t !== undefined,
  )
  return candidates.sort((a, b) => b.at.localeCompare(a.at))[0]
}

export function feedStates(shards: ShardDoc[]): Map<string, FeedState> {
  const states = new Map<string, FeedState>()
  for (const shard of shards) for (const [id, s] of Object.entries(shard.feeds)) states.set(id, s)
  return states
}

export function summarizeStatus(
  config: ConfigDoc,
  shards: ShardDoc[],
  log: DeliveryLog,
  now: Date,
  inIsolate?: TickSummary,
): PublicStatus {
  const states = feedStates(shards)
  const feeds = { total: config.feeds.length, ok: 0, error: 0, pending: 0, disabled: 0 }
  for (const feed of config.feeds) {
    if (!feed.enabled) feeds.disabled++
    else feeds[states.get(feed.id)?.health ?? 'pending']++
  }
  const lastTick = latestTick(shards, inIsolate)
  const deadLettered = Math.max(0, log.counters.dead - log.counters.replayed)
  let status: OverallStatus
  if (!lastTick) status = 'idle'
  else if (now.getTime() - Date.parse(lastTick.at) > STALLED_AFTER_MS) status = 'stalled'
  else if (feeds.error > 0 || deadLettered > 0) status = 'degraded'
  else status = 'ok'
  return {
    status,
    lastTick: lastTick && {
      ...lastTick,
      errors: lastTick.errors.length ? ['(see /api/status)'] : [],
    },
    feeds,
    watches: config.watches.filter((w) => w.enabled).length,
    alerts: {
      sent: log.counters.sent,
      retried: log.counters.retried,
      deadLettered,
      duplicates: log.counters.duplicates,
    },
    configVersion: config.version,
  }
}

/** When a feed is polled next, and why then. */
export interface NextPoll {
  at?: string
  why: string
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/**
 * The tick that polls the feed next and why then, by the schedule's own rule (schedule.ts
 * nextDue: slot, floor, Retry-After, the host's wait, skipHours/skipDays), and the signal behind it.
 */
export function nextPoll(
  feed: { id: string; enabled: boolean },
  state: FeedState | undefined,
  now: Date,
  floor = MIN_INTERVAL_MINUTES,
  hostUntil = 0,
): NextPoll & { signal?: PollSignal } {
  if (!feed.enabled) return { why: 'disabled' }
  // From the next tick on: a feed due now is polled by it, unless a skipped hour starts then.
  const nextTick = new Date((epochMinute(now) + 1) * 60_000)
  const next = nextDue(feed.id, state, nextTick, floor, hostUntil)
  // nextDue answers nothing only for a feed that answered 410.
  if (!next) return { why: 'stopped: the publisher answered 410 Gone' }
  const at = new Date(Math.ceil(next.at / 60_000) * 60_000).toISOString()
  const signal = state?.intervalSignal as IntervalSignal | undefined
  switch (next.heldBy) {
    case 'retry-after':
      return { at, why: `the server asked to wait (Retry-After) until ${state?.notBefore}`, signal }
    case 'host':
      return {
        at,
        why: `its host asked to wait (429/503) until ${new Date(hostUntil).toISOString()}`,
        signal,
      }
    case 'skip-hours':
      return {
        at,
        why: `the feed asks not to be read at these hours (skipHours, GMT): ${state?.skipHours?.join(', ')}`,
        signal: 'skip-hours',
      }
    case 'skip-days':
      return {
        at,
        why: `the feed asks not to be read on these days (skipDays): ${state?.skipDays?.map((d) => DAY_NAMES[d]).join(', ')}`,
        signal: 'skip-days',
      }
  }
  if (!state || state.health === 'pending') return { at, why: 'first poll', signal }
  const interval = backoffInterval(Math.max(floor, state.intervalMinutes), state.failures)
  if (state.failures > 0) {
    return {
      at,
      why: `backing off after ${state.failures} failure(s): every ${interval} min`,
      signal,
    }
  }
  return { at, why: `every ${interval} min${signal ? ` (set by ${signal})` : ''}`, signal }
}

/** The bearer-token view: per feed, destination and watch (URLs redacted, no secrets). */
export function detailedStatus(
  config: ConfigDoc,
  shards: ShardDoc[],
  log: DeliveryLog,
  deadLetters: DeadLetter[],
  now: Date,
  inIsolate?: TickSummary,
  floor = MIN_INTERVAL_MINUTES,
) {
  const states = feedStates(shards)
  const hostUntil = hostWaits(states.values())
  const summary = summarizeStatus(config, shards, log, now, inIsolate)
  const stats = shards.map((s) => s.watchStats)
  return {
    ...summary,
    lastTick: latestTick(shards, inIsolate),
    feeds: config.feeds.map((feed) => {
      const state = states.get(feed.id)
      const { signal, ...next } = nextPoll(feed, state, now, floor, hostUntil.get(hostOf(feed.url)))
      const history = state?.published ?? []
      const silentAfter = silentAfterMinutes(history, HEALTH_RULES)
      return {
        id: feed.id,
        title: feed.title,
        url: redactFeedUrl(feed.url),
        enabled: feed.enabled,
        health: state?.health ?? 'pending',
        announced: state?.announced,
        checkedAt: state?.checkedAt,
        httpStatus: state?.lastError?.status ?? (state?.lastSuccessAt ? 200 : undefined),
        lastSuccessAt: state?.lastSuccessAt,
        lastNewItemAt: state?.lastNewItemAt,
        itemCount: state?.itemCount,
        intervalMinutes: state?.intervalMinutes,
        /** Which signal set the interval, or the skipHours/skipDays holding the next poll back. */
        intervalSignal: signal ?? state?.intervalSignal,
        throttled: !!state?.throttles,
        gone: state?.gone ?? false,
        challenged: state?.challenged ?? false,
        nextPoll: next,
        failures: state?.failures ?? 0,
        lastError: state?.lastError,
        warnings: state?.warnings ?? [],
        usualGapMinutes: usualGapMinutes(history, HEALTH_RULES),
        silentAfterMinutes: silentAfter,
        movedFrom: state?.movedFrom && redactFeedUrl(state.movedFrom),
      }
    }),
    feedCounts: summary.feeds,
    destinations: config.destinations.map((d) => {
      const health = log.destinations.find((h) => h.id === d.id)
      const recent = log.recent.filter((r) => r.destinationId === d.id)
      const count = (outcome: string) => recent.filter((r) => r.outcome === outcome).length
      return {
        id: d.id,
        name: d.name,
        type: d.type,
        enabled: d.enabled,
        disabled: health?.disabled ?? false,
        disabledReason: health?.disabledReason,
        healthEvents: (config.healthDestinations ?? []).includes(d.id),
        // The ledger keeps the last RECENT_LIMIT outcomes: these counts are over that window.
        recent: { sent: count('sent'), retried: count('retry'), dead: count('dead') },
        deadLetters: deadLetters.filter((l) => l.alert.destinationId === d.id).length,
        lastError: health?.lastError,
        lastStatus: health?.lastStatus,
        lastDeliveredAt: health?.lastDeliveredAt,
      }
    }),
    watches: config.watches.map((w) => ({
      id: w.id,
      name: w.name,
      enabled: w.enabled,
      matches: sumWatchStats(stats, w.id, now),
    })),
    deliveries: {
      counters: log.counters,
      recent: log.recent.slice(0, 20),
      destinations: log.destinations,
    },
    deadLetters: deadLetters.map((d) => ({
      alertId: d.alert.id,
      destinationId: d.alert.destinationId,
      watchId: d.alert.watch.id,
      title: d.alert.item.title,
      error: d.error,
      attempts: d.attempts,
      at: d.at,
    })),
  }
}

export type DetailedStatus = ReturnType<typeof detailedStatus>
