// Ingesting a push (W3C WebSub §7) through the path polls use: the feed's seen set (seen.ts
// rules), the watch index and alert building of the tick (tick.ts), the same alert ids, so a push,
// a poll and a hub's duplicate delivery of one item give one alert. A verified payload is parsed and
// its items only ever added to the seen set, never removed; a message without one (thin ping,
// unverifiable signature, large body) runs one conditional GET of the topic (pollFeed).
// Runs under the tick lease, so it never races a tick (or another push) to the feed's shard: when a
// tick holds the lease, the message is retried a few seconds later.
// Not responsible for verifying signatures (src/http/websub.ts) or subscriptions (websub.ts).
import type { Feed, Item } from '../model'
import { parseFeed } from '../ingest'
import { errorMessage } from '../lib/errors'
import { shortHash } from '../lib/hash'
import { beginTickLease, endTickLease } from '../store/config'
import type { FeedState } from '../store/shards'
import { updateWebSub } from '../store/websub'
import { isTooOld, newFeedState, pollFeed, type PollOutcome } from './poll'
import { baseInterval, epochMinute, shardOf } from './schedule'
import { SEEN_MAX, updateSeen } from './seen'
import {
  alertsForOutcome,
  commitShardChange,
  enqueue,
  shardForChange,
  watchIndexFor,
  type LeasedWorkDeps,
} from './tick'
import type { PushMessage } from './websub-message'
import { PUSHED_MEMORY } from './websub'

/** A push holds the tick lease this long at most (one parse, or one GET of up to 10 s, and a write). */
export const PUSH_LEASE_MS = 60_000

/** What a push needs: what all work under the tick lease needs (tick.ts). */
export type PushDeps = LeasedWorkDeps

export type PushResult =
  | { kind: 'busy' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'ingested'; fresh: number; alerts: number; fetched: boolean }

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

/**
 * The items of a pushed payload added to `previous`'s seen set: new ones recorded and returned,
 * none forgotten except the oldest beyond SEEN_MAX.
 */
export async function ingestPayload(
  feed: Feed,
  previous: FeedState,
  bytes: Uint8Array,
  contentType: string | undefined,
  topic: string,
  deps: Pick<PushDeps, 'now' | 'maxItemAgeHours'>,
): Promise<{ outcome: PollOutcome; digests: string[] }> {
  const parsed = parseFeed(bytes, { url: topic, contentType })
  const items: Item[] = parsed.items.map((item) =>
    Object.assign(item, { feedId: feed.id, lang: item.lang ?? parsed.feed.lang }),
  )
  const digests = await Promise.all(items.map((item) => shortHash(item.key)))
  // The poll's seen-set rule, bounded at its largest: a push's items are not the whole feed.
  const update = updateSeen(previous.seen, digests, epochMinute(deps.now), SEEN_MAX)
  const seen = update.next
  const freshDigests = new Set(update.fresh)
  const newItems = items.filter((_, i) => freshDigests.has(digests[i] ?? ''))
  // A feed not yet read by a poll: its pushed items are recorded, and its first poll stays silent
  // for the rest (pollFeed's first-poll rule), exactly as for a polled feed.
  const maxAge = feed.maxItemAgeHours ?? deps.maxItemAgeHours
  const alertable = newItems.filter((item) => !isTooOld(item, deps.now, maxAge))
  const proposed: FeedState = { ...previous, seen }
  if (newItems.length) proposed.lastNewItemAt = deps.now.toISOString()
  return {
    outcome: {
      feed,
      proposed,
      feedTitle: parsed.feed.title,
      changed: newItems.length > 0,
      items,
      alertable,
      fresh: newItems.length,
      notModified: false,
      // A push is parsed like a poll's body, but fetched nothing.
      bytesParsed: bytes.byteLength,
      bytesRead: bytes.byteLength,
      fetches: 0,
    },
    digests,
  }
}

export async function ingestPush(message: PushMessage, deps: PushDeps): Promise<PushResult> {
  const say = deps.log ?? ((line: string) => console.log(line))
  const { subscriptionId, feedId, body, contentType } = message.websub
  const holder = `push:${crypto.randomUUID()}`
  const { config, leased } = await beginTickLease(deps.store, holder, PUSH_LEASE_MS)
  if (!leased) return { kind: 'busy' }
  try {
    const feed = config.feeds.find((f) => f.id === feedId && f.enabled)
    if (!feed) return { kind: 'ignored', reason: `feed ${feedId} is not enabled` }
    const shard = await shardForChange(deps.store.KV, shardOf(feed.id, deps.shardCount))
    for (const problem of shard.problems) say(`websub ${feed.id}: ${problem}`)
    const previous = shard.doc.feeds[feed.id]
    const current =
      previous && previous.url === feed.url
        ? previous
        : newFeedState(feed.url, baseInterval(feed, {}))
    let outcome: PollOutcome | undefined
    let digests: string[] = []
    let fetched = false
    if (body !== undefined) {
      try {
        ;({ outcome, digests } = await ingestPayload(
          feed,
          current,
          decode(body),
          contentType,
          feed.url,
          deps,
        ))
      } catch (error) {
        say(
          `websub ${feed.id}: pushed payload unreadable, fetching the topic: ${errorMessage(error)}`,
        )
      }
    }
    if (!outcome) {
      fetched = true
      outcome = await pollFeed(feed, previous, deps)
      // Only what the fetch found new counts as brought by the ping.
      const known = new Set(current.seen.map(([d]) => d))
      digests = (await Promise.all(outcome.items.map((i) => shortHash(i.key)))).filter(
        (d) => !known.has(d),
      )
    }
    const alerts = await alertsForOutcome(
      outcome,
      watchIndexFor(config),
      new Map(config.watches.map((w) => [w.id, w])),
      deps.now,
    )
    // Alerts first, then the state (docs/decisions.md, 14): a failed send leaves the seen set as it
    // was, and the queue retries this message.
    await enqueue(deps.queue, alerts)
    if (outcome.changed) {
      shard.doc.feeds[feed.id] = outcome.proposed
      // Under the tick's KV write budget: written when the spacing allows, else held here.
      await commitShardChange(deps.store.KV, shard.doc, deps.budget, deps.shardCount, deps.now)
    }
    // What this push brought, for the miss count (an item a poll finds first is a miss).
    await updateWebSub(deps.store, (doc) => {
      const sub = doc.subscriptions[subscriptionId]
      if (!sub) return
      sub.pushes += 1
      sub.lastPushAt = deps.now.toISOString()
      sub.pushed = [...sub.pushed.filter((d) => !digests.includes(d)), ...digests].slice(
        -PUSHED_MEMORY,
      )
    })
    return { kind: 'ingested', fresh: outcome.fresh, alerts: alerts.length, fetched }
  } finally {
    await endTickLease(deps.store, holder).catch((error: unknown) =>
      say(`websub: could not give the lease back, it expires by itself: ${errorMessage(error)}`),
    )
  }
}
