// The tick: the scheduled handler's whole job. Take the tick lease and read the configuration (one
// Durable Object call), read the feed-state shards, poll the due feeds, match their new items
// against the watches, then feed by feed: enqueue its alerts, and only then commit its proposed
// state. Give the lease back (a second call).
//
// At least once (docs/decisions.md, 14): a feed's state — validators, body digest, seen set — is
// committed only after its alerts are enqueued. If enqueuing fails, the feed keeps its previous
// state whole and the next poll finds the same items again; if the isolate dies between enqueue and
// commit, the next tick enqueues alerts with the same ids, which the consumer drops as duplicates
// of delivered ones (and receivers can deduplicate on `webhook-id`). An alert can therefore arrive
// late, or be enqueued twice under one id, but not be lost — unless the queue loses it.
// Two ticks never run at once (the lease, docs/decisions.md, 17).
// Costs: 2 Durable Object calls; 1 KV read per shard; ≤ 1 write per shard, and none when nothing
// changed (a heartbeat write at most hourly keeps "last checked" honest); no list().
import type { Alert, Feed, Item, Watch } from '../model'
import { compileWatchIndex, matchItem, type WatchIndex } from '../watch'
import { changeConfig } from '../config/service'
import { ConfigError, errorMessage } from '../lib/errors'
import { beginTickLease, endTickLease, type ConfigDoc, type ConfigEnv } from '../store/config'
import { loadShardsSettled, saveShard, type ShardDoc, type TickSummary } from '../store/shards'
import { alertBytes } from './alert-bounds'
import { feedHealthAlerts } from './health-events'
import { countMatches } from './watch-stats'
import { buildAlerts, inScope, sharedCanonicalUrls, storyKey } from './alerts'
import { pollFeed, type PollOutcome } from './poll'
import { isDue, shardOf } from './schedule'

/**
 * Feeds polled per tick at most. The free plan allows 50 subrequests per invocation; this leaves
 * room for redirects and the queue sends (one per feed that has alerts: few in a tick, since most
 * polls find nothing new). Due feeds beyond it wait for a later tick (rotating, so none starves);
 * the status counts them as deferred.
 */
export const DEFAULT_MAX_POLLS_PER_TICK = 40
/** Workers allow 6 simultaneous outbound connections; more would only queue inside the runtime. */
export const POLL_CONCURRENCY = 6
/** A shard unchanged for this long is written anyway, so the status shows the monitor is alive. */
export const HEARTBEAT_MINUTES = 60
/** Queues accept up to 100 messages and 256 KB per sendBatch. */
const SEND_BATCH_MESSAGES = 100
/** Below the 256 KB batch limit, with room for the queue's per-message envelope. */
const SEND_BATCH_BYTES = 200 * 1024
/**
 * No poll starts later than this into a tick. Without it, 40 slow feeds of one host (polled one
 * after another, each up to the fetcher's 10 s timeout) would keep a tick running for 400 s, and a
 * larger MAX_POLLS_PER_TICK for longer still.
 */
export const POLL_DEADLINE_MS = 3 * 60_000
/**
 * How long a tick holds its lease: the poll deadline, the last fetch's timeout, then enqueue and
 * commit, with minutes to spare, so a live tick is never overtaken. A tick whose isolate died
 * holds polling back until the lease expires (docs/decisions.md, 17).
 */
export const TICK_LEASE_MS = 6 * 60_000
/** A tick that ran this close to its lease's end does not commit (clocks drift a little). */
const LEASE_MARGIN_MS = 30_000

export interface TickDeps {
  /** Where the configuration (and the tick lease) and the feed-state shards live. */
  store: ConfigEnv & Pick<Env, 'KV'>
  queue: Queue<Alert>
  fetch: typeof fetch
  now: Date
  shardCount: number
  maxPollsPerTick: number
  maxItemAgeHours: number
  /** Default POLL_DEADLINE_MS (tests shorten it). */
  pollDeadlineMs?: number
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
  /** Set when another tick held the lease and this one did nothing. */
  skipped?: boolean
}

export async function runTick(deps: TickDeps): Promise<TickResult> {
  const started = Date.now()
  const say = deps.log ?? ((line: string) => console.log(line))
  const holder = crypto.randomUUID()
  const { config, leased } = await beginTickLease(deps.store, holder, TICK_LEASE_MS)
  if (!leased) {
    // Another tick is polling: polling the same feeds again would enqueue their alerts twice and
    // race it to the shard writes, where one commit would overwrite the other.
    say(`tick ${deps.now.toISOString()}: skipped, another tick holds the lease`)
    return { ...emptySummary(deps.now), skipped: true, written: [] }
  }
  try {
    return await runLeasedTick(deps, config, started, say)
  } finally {
    // A lease that cannot be given back expires on its own (TICK_LEASE_MS): report, do not mask
    // the tick's own outcome.
    await endTickLease(deps.store, holder).catch((error: unknown) =>
      say(`tick: could not give the lease back, it expires by itself: ${errorMessage(error)}`),
    )
  }
}

function emptySummary(now: Date): TickSummary {
  return {
    at: now.toISOString(),
    durationMs: 0,
    polled: 0,
    notModified: 0,
    failed: 0,
    newItems: 0,
    alerts: 0,
    deferred: 0,
    errors: [],
  }
}

async function runLeasedTick(
  deps: TickDeps,
  config: ConfigDoc,
  started: number,
  say: (line: string) => void,
): Promise<TickResult> {
  const { now } = deps
  const errors: string[] = []
  const loaded = await loadShardsSettled(deps.store.KV, deps.shardCount)
  // A shard that cannot be read is left alone: its feeds wait, the others are polled.
  const shards = new Map<number, ShardDoc>()
  loaded.forEach((l, n) => {
    if ('error' in l) errors.push(`shard ${n} unreadable, its feeds wait: ${errorMessage(l.error)}`)
    else {
      shards.set(n, l.doc)
      errors.push(...l.problems)
    }
  })
  for (const e of errors) say(`tick: ${e}`)
  const shardFor = (feedId: string) => shards.get(shardOf(feedId, deps.shardCount))
  const stateOf = (feedId: string) => shardFor(feedId)?.feeds[feedId]

  const enabled = config.feeds.filter((f) => f.enabled && shardFor(f.id) !== undefined)
  const due = enabled.filter((f) => isDue(f.id, stateOf(f.id), now))
  const minute = Math.floor(now.getTime() / 60_000)
  const polled = takeWithinBudget(due, deps.maxPollsPerTick, minute)

  // Polls that would start after the deadline wait for the next tick (counted as deferred), so a
  // tick ends well within its lease however slow its feeds are.
  const pollUntil = started + (deps.pollDeadlineMs ?? POLL_DEADLINE_MS)
  const results = await pollPolitely(polled, POLL_CONCURRENCY, (feed) =>
    Date.now() > pollUntil
      ? Promise.resolve(undefined)
      : pollFeed(feed, stateOf(feed.id), {
          fetch: deps.fetch,
          now,
          maxItemAgeHours: deps.maxItemAgeHours,
        }),
  )
  const outcomes = results.filter((o): o is PollOutcome => o !== undefined)

  // Match new items against the watches in scope, and build one alert per destination.
  const index = watchIndexFor(config)
  const watches = new Map(config.watches.map((w) => [w.id, w]))
  const touched = new Set<number>()
  const enqueued = new Set<string>()
  for (const outcome of outcomes) {
    if (outcome.error) errors.push(`${outcome.feed.id}: ${outcome.error}`)
    const matched = await alertsForOutcome(outcome, index, watches, now)
    // Health transitions (docs/health.md) travel with the feed's alerts: committed together.
    const { feed, items, fresh, proposed } = outcome
    const health = await feedHealthAlerts(
      { feed, previous: stateOf(feed.id), proposed, items, fresh, now },
      config,
    )
    const alerts = [...matched, ...health.alerts]
    // Enqueue this feed's alerts, then commit its proposed state; if they could not be enqueued,
    // the feed keeps its whole previous state (validators, digest, seen set), so the next poll
    // fetches and finds the same items again, with the same alert ids. One feed at a time, so one
    // feed's failure holds back no other. An id already enqueued by this tick (one story through
    // two feeds) is not sent twice.
    const pending = alerts.filter((a) => !enqueued.has(a.id))
    try {
      await enqueue(deps.queue, pending)
    } catch (error) {
      errors.push(
        `${outcome.feed.id}: enqueue failed, state kept for the next poll: ${errorMessage(error)}`,
      )
      continue
    }
    for (const a of pending) enqueued.add(a.id)
    const doc = shardFor(outcome.feed.id)
    if (!doc) continue
    doc.feeds[outcome.feed.id] = health.proposed
    doc.watchStats = countMatches(doc.watchStats, pending, now)
    if (outcome.changed || health.changed) touched.add(doc.shard)
  }

  // Forget state of feeds that were deleted from the configuration.
  const known = new Set(config.feeds.map((f) => f.id))
  for (const doc of shards.values()) {
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
    alerts: enqueued.size,
    deferred: due.length - outcomes.length,
    errors: errors.slice(0, 20),
  }

  // The lease fences the commit: a tick that outlived it (only possible past every fetch timeout)
  // may have been overtaken, so it stores nothing; its alerts are enqueued, and the next poll finds
  // the items again under the same ids (deduplicated by the consumer).
  const written: number[] = []
  if (Date.now() - started > TICK_LEASE_MS - LEASE_MARGIN_MS) {
    say(`tick ${summary.at}: outlived its lease, nothing committed`)
    return { ...summary, written }
  }
  const writes: Array<Promise<void>> = []
  for (const doc of shards.values()) {
    const heartbeatDue =
      now.getTime() - Date.parse(doc.writtenAt) >= HEARTBEAT_MINUTES * 60_000 &&
      Object.keys(doc.feeds).length > 0
    if (!touched.has(doc.shard) && !heartbeatDue) continue
    doc.writtenAt = now.toISOString()
    doc.lastTick = summary
    writes.push(saveShard(deps.store.KV, doc).then(() => void written.push(doc.shard)))
  }
  // Each shard is one KV value, written whole or not at all; one refused write does not stop the
  // others, and is reported after them (its feeds' items are found again next tick, same ids).
  const failedWrites = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected')

  await storeMovedFeeds(deps.store, now, outcomes)
  lastTickInIsolate = summary
  say(
    `tick ${summary.at}: ${summary.polled} polled (${summary.notModified} unchanged, ` +
      `${summary.failed} failed, ${summary.deferred} deferred), ${summary.newItems} new items, ` +
      `${summary.alerts} alerts`,
  )
  const firstFailure = failedWrites[0]
  if (firstFailure) {
    throw new ConfigError('shard', `${failedWrites.length} shard write(s) failed`, {
      cause: firstFailure.reason,
    })
  }
  return { ...summary, written: written.sort((a, b) => a - b) }
}

/** The bounded alerts an outcome's alertable items produce. */
export async function alertsForOutcome(
  outcome: PollOutcome,
  index: WatchIndex,
  watches: Map<string, Watch>,
  now: Date,
): Promise<Alert[]> {
  if (outcome.alertable.length === 0) return []
  const shared = sharedCanonicalUrls(outcome.items)
  const alerts: Alert[] = []
  for (const item of outcome.alertable) {
    alerts.push(...(await alertsForItem(item, outcome, shared, index, watches, now)))
  }
  return alerts
}

async function alertsForItem(
  item: Item,
  { feed, feedTitle }: PollOutcome,
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
        feedTitle,
      })),
    )
  }
  return alerts
}

/** Sends `alerts` in batches within the queue's message-count and size limits. */
export async function enqueue(queue: Queue<Alert>, alerts: Alert[]): Promise<void> {
  let batch: Alert[] = []
  let bytes = 0
  for (const alert of alerts) {
    const size = alertBytes(alert)
    if (
      batch.length === SEND_BATCH_MESSAGES ||
      (batch.length > 0 && bytes + size > SEND_BATCH_BYTES)
    ) {
      await queue.sendBatch(batch.map((body) => ({ body })))
      batch = []
      bytes = 0
    }
    batch.push(alert)
    bytes += size
  }
  if (batch.length) await queue.sendBatch(batch.map((body) => ({ body })))
}

/**
 * A permanent redirect updates the feed's stored URL (rare: one config write when it happens),
 * through the configuration's integrity rules (src/config/integrity.ts) like every other write. A
 * feed redirected to a URL another feed already has keeps its own: two feeds with one URL would
 * alert twice, and the redirect is simply followed again on each poll.
 */
async function storeMovedFeeds(
  store: ConfigEnv,
  now: Date,
  outcomes: PollOutcome[],
): Promise<void> {
  const moved = new Map(
    outcomes.filter((o) => o.movedTo).map((o) => [o.feed.id, o.movedTo as string]),
  )
  if (moved.size === 0) return
  await changeConfig(store, now, (config) => {
    const taken = new Set(config.feeds.map((f) => f.url))
    const feeds = config.feeds.map((f) => {
      const to = moved.get(f.id)
      if (to === undefined || taken.has(to)) return f
      taken.add(to)
      return { ...f, url: to }
    })
    return { ...config, feeds }
  })
}

/** The last tick this isolate ran: fresher than KV when the status is served by the same isolate. */
export let lastTickInIsolate: TickSummary | undefined
