// The tick: the scheduled handler's whole job. Load the configuration and feed state, poll the due
// feeds, match their new items against the watches, enqueue alerts, then commit state.
//
// Order matters (DESIGN.md, "At least once, never lost"): alerts are enqueued BEFORE the seen
// state that hides their items is written. A crash in between re-finds the items next tick and
// enqueues alerts with the same ids, which the consumer and receivers deduplicate.
// Costs: 1 + shards KV reads; ≤ 1 write per shard, and none when nothing changed (a heartbeat
// write at most hourly keeps "last checked" honest); no list().
import type { Alert, Feed, Item, Watch } from '../model'
import { compileWatchIndex, matchItem, type WatchIndex } from '../watch'
import { errorMessage } from '../lib/errors'
import { loadConfig, updateConfig, type ConfigDoc } from '../store/config'
import { loadShards, saveShard, type TickSummary } from '../store/shards'
import { buildAlerts, inScope, sharedCanonicalUrls, storyKey } from './alerts'
import { pollFeed, type PollOutcome } from './poll'
import { isDue, shardOf } from './schedule'

/**
 * Feeds polled per tick at most. The free plan allows 50 subrequests per invocation; this leaves
 * room for redirects and the queue send. Due feeds beyond it wait for a later tick (rotating, so
 * none starves); the status counts them as deferred.
 */
export const DEFAULT_MAX_POLLS_PER_TICK = 40
/** Workers allow 6 simultaneous outbound connections; more would only queue inside the runtime. */
export const POLL_CONCURRENCY = 6
/** A shard unchanged for this long is written anyway, so the status shows the monitor is alive. */
export const HEARTBEAT_MINUTES = 60
/** Queues accept up to 100 messages (256 KB) per sendBatch; alerts are ≤ ~10 KB each. */
const SEND_BATCH = 20

export interface TickDeps {
  kv: KVNamespace
  queue: Queue<Alert>
  fetch: typeof fetch
  now: Date
  shardCount: number
  maxPollsPerTick: number
  maxItemAgeHours: number
  log?: (line: string) => void
}

/** The compiled watch index, cached in the isolate for the configuration version it came from. */
let cachedIndex: { version: number; index: WatchIndex } | undefined

export function watchIndexFor(config: ConfigDoc): WatchIndex {
  if (cachedIndex?.version !== config.version || config.version === 0) {
    const specs = config.watches
      .filter((w) => w.enabled)
      .map((w) => ({ id: w.id, query: w.query, options: w.options }))
    cachedIndex = { version: config.version, index: compileWatchIndex(specs) }
  }
  return cachedIndex.index
}

/** The host a feed is fetched from ('' for an unparseable URL: those fail on their own). */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '' // reported by the fetcher as an invalid URL
  }
}

/**
 * Runs `task` over `inputs` with at most `limit` in flight, never two at once for the same host
 * (politeness: several feeds of one site are fetched one after another); results in input order.
 */
export async function pollPolitely<T extends { url: string }, R>(
  inputs: T[],
  limit: number,
  task: (input: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(inputs.length)
  const byHost = new Map<string, number[]>()
  inputs.forEach((input, i) => {
    const host = hostOf(input.url)
    byHost.set(host, [...(byHost.get(host) ?? []), i])
  })
  const queues = [...byHost.values()]
  let next = 0
  const worker = async () => {
    while (next < queues.length) {
      for (const i of queues[next++] ?? []) results[i] = await task(inputs[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, queues.length) }, worker))
  return results
}

/** Picks up to `max` of the due feeds, starting at a place that moves every minute (fairness). */
function takeWithinBudget(due: Feed[], max: number, minute: number): Feed[] {
  if (due.length <= max) return due
  const start = minute % due.length
  return [...due.slice(start), ...due.slice(0, start)].slice(0, max)
}

export interface TickResult extends TickSummary {
  written: number[]
}

export async function runTick(deps: TickDeps): Promise<TickResult> {
  const started = Date.now()
  const { now } = deps
  const say = deps.log ?? ((line: string) => console.log(line))
  const config = await loadConfig({ KV: deps.kv })
  const shards = await loadShards(deps.kv, deps.shardCount)
  const stateOf = (feedId: string) => shards[shardOf(feedId, deps.shardCount)]?.feeds[feedId]

  const enabled = config.feeds.filter((f) => f.enabled)
  const due = enabled.filter((f) => isDue(f.id, stateOf(f.id), now))
  const minute = Math.floor(now.getTime() / 60_000)
  const polled = takeWithinBudget(due, deps.maxPollsPerTick, minute)

  const outcomes = await pollPolitely(polled, POLL_CONCURRENCY, (feed) =>
    pollFeed(feed, stateOf(feed.id), {
      fetch: deps.fetch,
      now,
      maxItemAgeHours: deps.maxItemAgeHours,
    }),
  )

  // Match new items against the watches in scope, and build one alert per destination.
  const index = watchIndexFor(config)
  const watches = new Map(config.watches.map((w) => [w.id, w]))
  const alertsByFeed = new Map<string, Alert[]>()
  const errors: string[] = []
  for (const outcome of outcomes) {
    if (outcome.error) errors.push(`${outcome.feed.id}: ${outcome.error}`)
    if (outcome.alertable.length === 0) continue
    const shared = sharedCanonicalUrls(outcome.items)
    const alerts: Alert[] = []
    for (const item of outcome.alertable) {
      alerts.push(...(await alertsForItem(item, outcome.feed, shared, index, watches, now)))
    }
    if (alerts.length) alertsByFeed.set(outcome.feed.id, alerts)
  }

  // Enqueue before committing. Alerts with the same id (one story through two feeds in this
  // tick) are sent once.
  const unique = new Map<string, Alert>()
  for (const alerts of alertsByFeed.values()) for (const a of alerts) unique.set(a.id, a)
  const enqueueFailed = await enqueue(deps.queue, [...unique.values()]).then(
    () => false,
    (error: unknown) => {
      errors.push(`enqueue failed: ${errorMessage(error)}`)
      return true
    },
  )

  // Commit state. If the alerts could not be enqueued, the feeds that produced them keep their
  // previous seen set, so the next tick finds the same items new again: nothing is lost.
  for (const outcome of outcomes) {
    const n = shardOf(outcome.feed.id, deps.shardCount)
    const doc = shards[n]
    if (!doc) continue
    if (enqueueFailed && alertsByFeed.has(outcome.feed.id)) {
      outcome.state.seen = doc.feeds[outcome.feed.id]?.seen ?? []
    }
    doc.feeds[outcome.feed.id] = outcome.state
  }
  const touched = new Set<number>()
  for (const outcome of outcomes) {
    if (outcome.changed) touched.add(shardOf(outcome.feed.id, deps.shardCount))
  }
  // Forget state of feeds that were deleted from the configuration.
  const known = new Set(config.feeds.map((f) => f.id))
  for (const doc of shards) {
    for (const id of Object.keys(doc.feeds)) {
      if (!known.has(id)) {
        delete doc.feeds[id]
        touched.add(doc.shard)
      }
    }
  }

  const summary: TickSummary = {
    at: now.toISOString(),
    durationMs: Date.now() - started,
    polled: outcomes.length,
    notModified: outcomes.filter((o) => o.notModified).length,
    failed: outcomes.filter((o) => o.error).length,
    newItems: outcomes.reduce((n, o) => n + o.fresh, 0),
    alerts: enqueueFailed ? 0 : unique.size,
    deferred: due.length - polled.length,
    errors: errors.slice(0, 20),
  }
  const written: number[] = []
  for (const doc of shards) {
    const heartbeatDue =
      now.getTime() - Date.parse(doc.writtenAt) >= HEARTBEAT_MINUTES * 60_000 &&
      Object.keys(doc.feeds).length > 0
    if (!touched.has(doc.shard) && !heartbeatDue) continue
    doc.writtenAt = now.toISOString()
    doc.lastTick = summary
    await saveShard(deps.kv, doc)
    written.push(doc.shard)
  }

  await storeMovedFeeds(deps.kv, now, outcomes)
  lastTickInIsolate = summary
  say(
    `tick ${summary.at}: ${summary.polled} polled (${summary.notModified} unchanged, ` +
      `${summary.failed} failed, ${summary.deferred} deferred), ${summary.newItems} new items, ` +
      `${summary.alerts} alerts`,
  )
  return { ...summary, written }
}

async function alertsForItem(
  item: Item,
  feed: Feed,
  shared: ReadonlySet<string>,
  index: WatchIndex,
  watches: Map<string, Watch>,
  now: Date,
): Promise<Alert[]> {
  const matches = matchItem(index, {
    title: item.title,
    summary: item.summary,
    content: item.content,
    url: item.url,
    author: item.author,
    categories: item.categories,
    lang: item.lang,
    feedId: feed.id,
    feedTags: feed.tags,
  })
  const alerts: Alert[] = []
  for (const { watchId, explanation } of matches) {
    const watch = watches.get(watchId)
    if (!watch || !watch.enabled || !inScope(watch, feed)) continue
    alerts.push(
      ...(await buildAlerts({
        watch,
        feed,
        item,
        story: storyKey(item, shared),
        match: explanation,
        detectedAt: now,
      })),
    )
  }
  return alerts
}

async function enqueue(queue: Queue<Alert>, alerts: Alert[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += SEND_BATCH) {
    await queue.sendBatch(alerts.slice(i, i + SEND_BATCH).map((body) => ({ body })))
  }
}

/** A permanent redirect updates the feed's stored URL (rare: one config write when it happens). */
async function storeMovedFeeds(kv: KVNamespace, now: Date, outcomes: PollOutcome[]): Promise<void> {
  const moved = new Map(
    outcomes.filter((o) => o.movedTo).map((o) => [o.feed.id, o.movedTo as string]),
  )
  if (moved.size === 0) return
  await updateConfig({ KV: kv }, now, (config) => ({
    ...config,
    feeds: config.feeds.map((f) =>
      moved.has(f.id) ? { ...f, url: moved.get(f.id) as string } : f,
    ),
  }))
}

/** The last tick this isolate ran: fresher than KV when the status is served by the same isolate. */
export let lastTickInIsolate: TickSummary | undefined
