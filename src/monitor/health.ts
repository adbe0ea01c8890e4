// Health of the monitor as a whole and of each feed, computed from stored state: pure.
// The public summary carries no URLs, ids of destinations or error texts (they can hold secrets
// or internal hostnames); the detailed view is for the bearer-token API.
import type { ConfigDoc } from '../store/config'
import type { DeliveryLog } from '../store/deliveries'
import type { FeedState, ShardDoc, TickSummary } from '../store/shards'
import { HEARTBEAT_MINUTES } from './tick'

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
