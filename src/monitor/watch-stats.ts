// Matches per watch, today and in total, with the last match: counted in the feed-state shard of
// the feed that matched. Pure. Counting costs no write of its own: matches come only from new
// items, and new items already make the tick write that shard (docs/health.md, "Counting").
// Not responsible for delivery counts (the delivery ledger keeps those).
import type { Alert } from '../model'
import type { WatchStats } from '../store/shards'

/** The stats after `alerts` (one per match and destination: a match is counted once). */
export function countMatches(
  stats: Record<string, WatchStats> | undefined,
  alerts: Alert[],
  now: Date,
): Record<string, WatchStats> | undefined {
  const matches = new Map<string, Set<string>>()
  for (const a of alerts) {
    if (a.watch.id === 'health') continue
    const keys = matches.get(a.watch.id) ?? new Set<string>()
    keys.add(a.item.key)
    matches.set(a.watch.id, keys)
  }
  if (matches.size === 0) return stats
  const day = now.toISOString().slice(0, 10)
  const next = { ...stats }
  for (const [watchId, keys] of matches) {
    const prev = next[watchId]
    const today = prev?.day === day ? prev.today : 0
    next[watchId] = {
      total: (prev?.total ?? 0) + keys.size,
      day,
      today: today + keys.size,
      lastMatchAt: now.toISOString(),
    }
  }
  return next
}

/** Every shard's stats for one watch, summed; `today` counts only the current UTC day. */
export function sumWatchStats(
  all: Array<Record<string, WatchStats> | undefined>,
  watchId: string,
  now: Date,
): { total: number; today: number; lastMatchAt?: string } {
  const day = now.toISOString().slice(0, 10)
  let total = 0
  let today = 0
  let lastMatchAt: string | undefined
  for (const stats of all) {
    const s = stats?.[watchId]
    if (!s) continue
    total += s.total
    if (s.day === day) today += s.today
    if (!lastMatchAt || s.lastMatchAt > lastMatchAt) lastMatchAt = s.lastMatchAt
  }
  return { total, today, lastMatchAt }
}
