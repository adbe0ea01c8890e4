// The tick: the scheduled handler's whole job. Take the tick lease and read the configuration (one
// Durable Object call), read the feed-state shards, poll the due feeds that fit this invocation's
// work budget (budget.ts), match their new items against the watches, then feed by feed: enqueue
// its alerts, and only then commit its proposed state. Give the lease back (a second call).
// With a polls queue bound (fan-out, docs/decisions.md, 23) the tick sends the due feeds as poll
// jobs instead, and each job runs the same poll path (pollAndCommit) in its own invocation
// (poll-consumer.ts).
//
// At least once (docs/decisions.md, 14): a feed's state — validators, body digest, seen set — is
// committed only after its alerts are enqueued. If enqueuing fails, the feed keeps its previous
// state whole and the next poll finds the same items again; if the isolate dies between enqueue and
// commit, the next tick enqueues alerts with the same ids, which the consumer drops as duplicates
// of delivered ones (and receivers can deduplicate on `webhook-id`). An alert can therefore arrive
// late, or be enqueued twice under one id, but not be lost — unless the queue loses it.
// Two ticks never run at once (the lease, docs/decisions.md, 17).
//
// Committed state lives in this isolate and reaches KV at most once per write spacing per shard,
// so the daily KV write budget holds at any feed activity (docs/decisions.md, 19). Costs: 2 Durable
// Object calls; 1 KV read per shard; ≤ 1 write per shard per spacing (none when nothing changed but
// an hourly heartbeat); no list().
import type { Alert, Feed, Item, Watch } from '../model'
import { matchItem, type WatchIndex } from '../watch'
import { changeConfig } from '../config/service'
import { ConfigError, errorMessage } from '../lib/errors'
import { beginTickLease, endTickLease, type ConfigDoc, type ConfigEnv } from '../store/config'
import { watchIndexFor } from '../store/config'
import {
  loadShard,
  loadShardsSettled,
  saveShard,
  type FeedState,
  type ShardDoc,
  type TickSummary,
} from '../store/shards'
import { alertBytes } from './alert-bounds'
import { feedHealthAlerts } from './health-events'
import { countMatches } from './watch-stats'
import { buildAlerts, inScope, sharedCanonicalUrls, storyKey } from './alerts'
import {
  DEFAULT_BUDGETS,
  QUEUE_OPS_PER_ALERT,
  WorkAccount,
  actualCost,
  estimatePoll,
  mayWrite,
  todaysUsage,
  writeSpacingMinutes,
  type Budget,
} from './budget'
import { pollFeed, type PollOutcome } from './poll'
import { QUEUE_OPS_PER_JOB, jobsAllowed, packPollJobs, type PollJob } from './poll-jobs'
import {
  MIN_INTERVAL_MINUTES,
  dueSince,
  epochMinute,
  fnv1a,
  hostOf,
  hostWaits,
  shardOf,
} from './schedule'
/** Workers allow 6 simultaneous outbound connections; more would only queue inside the runtime. */
export const POLL_CONCURRENCY = 6
/** A shard unchanged for this long is written anyway, so the status shows the monitor is alive. */
export const HEARTBEAT_MINUTES = 60
/** Queues accept up to 100 messages and 256 KB per sendBatch. */
export const SEND_BATCH_MESSAGES = 100
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
  /** An operator's cap on polls per tick, on top of the budget (MAX_POLLS_PER_TICK). */
  maxPollsPerTick?: number
  maxItemAgeHours: number
  /** The plan's work and daily budgets (default: the free plan's). */
  budget?: Budget
  /** Minimum minutes between polls of a feed (default MIN_INTERVAL_MINUTES). */
  floorMinutes?: number
  /**
   * The polls queue (binding POLLS), when bound: the tick only decides what is due and sends poll
   * jobs there; without it, the tick polls inline (docs/decisions.md, 23).
   */
  polls?: Queue<PollJob>
  /** Default POLL_DEADLINE_MS (tests shorten it). */
  pollDeadlineMs?: number
  log?: (line: string) => void
}

/** The compiled watch index, cached per configuration version, loaded from its snapshot. */
export { watchIndexFor }

/**
 * What work done under the tick lease outside the tick needs (a poll job, a WebSub push): the
 * same stores, queue, transport and limits as the tick.
 */
export interface LeasedWorkDeps {
  store: ConfigEnv & Pick<Env, 'KV'>
  queue: Queue<Alert>
  fetch: typeof fetch
  now: Date
  shardCount: number
  maxItemAgeHours: number
  /** The plan's budgets (budget.ts): the work's shard writes and polls count against them. */
  budget: Budget
  log?: (line: string) => void
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

/**
 * Due feeds in the order they are offered to the budget: the longest waiting first (a feed the
 * budget deferred keeps its slot, so it goes before feeds that fell due after it); ties in an order
 * that changes every minute, so no feed is always last among equals.
 */
export function fairOrder<T extends { feed: Feed; since: number }>(due: T[], minute: number): T[] {
  const spin = Math.imul(minute, 0x9e3779b1) >>> 0
  const tie = (id: string) => (fnv1a(id) ^ spin) >>> 0
  return [...due].sort((a, b) => a.since - b.since || tie(a.feed.id) - tie(b.feed.id))
}

/**
 * Shard documents held in this isolate, with unwritten changes, and the KV revision they derive
 * from. A tick uses its own copy when KV still has that revision; otherwise (another isolate
 * wrote, or this one is new) it starts from KV, and items found again alert under the same ids,
 * which the delivery ledger drops as duplicates for 7 days (docs/decisions.md, 19).
 */
const held = new Map<number, { rev: string | undefined; doc: ShardDoc; dirty: boolean }>()

/** The shard as this isolate knows it: its own unwritten copy when it derives from `fromKv`. */
export function currentShard(fromKv: ShardDoc): ShardDoc {
  const mine = held.get(fromKv.shard)
  return mine && mine.rev === fromKv.rev ? mine.doc : fromKv
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

/** The shards as one invocation works on them: this isolate's unwritten copies where they still derive from KV. */
export interface OpenShards {
  shards: Map<number, ShardDoc>
  /** Problems found reading them (each names the shard). */
  errors: string[]
  /** When each host that answered 429/503 lets us ask again (ms since the epoch). */
  hostUntil: Map<string, number>
  shardFor(feedId: string): ShardDoc | undefined
  stateOf(feedId: string): FeedState | undefined
  /** Today's Queues operations over every shard. */
  queueOpsToday(): number
}

/** Reads every shard (1 KV read each), adopting this isolate's unwritten copies (decision 19). */
export async function openShards(
  kv: KVNamespace,
  shardCount: number,
  now: Date,
): Promise<OpenShards> {
  const errors: string[] = []
  // A shard whose stored revision is the one this isolate holds is not parsed again.
  const mine = new Map(held)
  const loaded = await loadShardsSettled(kv, shardCount, (n) => mine.get(n)?.rev)
  // A shard that cannot be read is left alone: its feeds wait, the others are polled.
  const shards = new Map<number, ShardDoc>()
  loaded.forEach((l, n) => {
    if ('error' in l) errors.push(`shard ${n} unreadable, its feeds wait: ${errorMessage(l.error)}`)
    else if ('held' in l) shards.set(n, mine.get(n)!.doc)
    else {
      shards.set(n, adopt(l.doc, errors))
      errors.push(...l.problems)
    }
  })
  for (const doc of shards.values()) doc.usage = todaysUsage(doc.usage, now)
  // A host that answered 429/503 holds back all its feeds until its wait is over.
  const hostUntil = hostWaits([...shards.values()].flatMap((doc) => Object.values(doc.feeds)))
  const shardFor = (feedId: string) => shards.get(shardOf(feedId, shardCount))
  return {
    shards,
    errors,
    hostUntil,
    shardFor,
    stateOf: (feedId) => shardFor(feedId)?.feeds[feedId],
    queueOpsToday: () => [...shards.values()].reduce((n, d) => n + (d.usage?.queueOps ?? 0), 0),
  }
}

/** A due feed and the slot (epoch minute) it has waited since. */
export interface DueFeed {
  feed: Feed
  since: number
}

/** The enabled feeds due now whose shard could be read, in the fair order. */
export function dueFeeds(config: ConfigDoc, open: OpenShards, now: Date, floor: number): DueFeed[] {
  return fairOrder(
    config.feeds
      .filter((f) => f.enabled && open.shardFor(f.id) !== undefined)
      .map((feed) => ({ feed, since: dueNow(feed, open, now, floor) }))
      .filter((d): d is DueFeed => d.since !== undefined),
    epochMinute(now),
  )
}

/** When the feed has been due since, given its state and its host's wait; undefined: not due. */
export const dueNow = (
  feed: Feed,
  open: OpenShards,
  now: Date,
  floor: number,
): number | undefined =>
  dueSince(feed.id, open.stateOf(feed.id), now, floor, open.hostUntil.get(hostOf(feed.url)))

/** What polling needs besides the feeds: the same for the inline tick and a poll job. */
export interface PollWorkDeps {
  config: ConfigDoc
  queue: Queue<Alert>
  fetch: typeof fetch
  now: Date
  maxItemAgeHours: number
  floorMinutes: number
  /** No poll starts after this time (ms since the epoch). */
  pollUntil: number
}

export interface PollWork {
  outcomes: PollOutcome[]
  /** Shards whose documents this work changed. */
  touched: Set<number>
  /** Alert ids enqueued. */
  enqueued: Set<string>
  errors: string[]
}

/**
 * The one poll path, for the inline tick and for a poll job alike: polls the feeds that fit
 * `account`, matches their new items, then feed by feed enqueues its alerts and only then puts
 * its proposed state into its shard document (committed to KV later by `commitShards`).
 */
export async function pollAndCommit(
  feeds: Feed[],
  open: OpenShards,
  account: WorkAccount,
  deps: PollWorkDeps,
): Promise<PollWork> {
  const { now, config } = deps
  const errors: string[] = []
  const throttledHosts = new Set<string>()
  const results = await pollPolitely(feeds, POLL_CONCURRENCY, async (feed) => {
    if (Date.now() > deps.pollUntil || throttledHosts.has(hostOf(feed.url))) return undefined
    const estimate = estimatePoll(open.stateOf(feed.id), now)
    if (!account.tryStart(estimate)) return undefined
    const outcome = await pollFeed(feed, open.stateOf(feed.id), {
      fetch: deps.fetch,
      now,
      maxItemAgeHours: deps.maxItemAgeHours,
      floorMinutes: deps.floorMinutes,
    })
    if (outcome.throttled) throttledHosts.add(hostOf(feed.url))
    account.settle(
      estimate,
      actualCost({
        bytesParsed: outcome.bytesParsed,
        bytesRead: outcome.bytesRead,
        itemsRead: outcome.items.length,
        itemsMatched: outcome.alertable.length,
        fetches: outcome.fetches,
        sends: 0,
      }),
    )
    return outcome
  })
  const outcomes = results.filter((o): o is PollOutcome => o !== undefined)

  // Match new items against the watches in scope, and build one alert per destination. The index
  // is obtained only if some feed has an item to match: a new isolate then loads nothing.
  const index = () => watchIndexFor(config)
  const watches = new Map(config.watches.map((w) => [w.id, w]))
  const touched = new Set<number>()
  const enqueued = new Set<string>()
  for (const outcome of outcomes) {
    if (outcome.error) errors.push(`${outcome.feed.id}: ${outcome.error}`)
    const matched = await alertsForOutcome(outcome, index, watches, now)
    // Health transitions (docs/health.md) travel with the feed's alerts: committed together.
    const { feed, items, fresh, proposed } = outcome
    const health = await feedHealthAlerts(
      { feed, previous: open.stateOf(feed.id), proposed, items, fresh, now },
      config,
    )
    const alerts = [...matched, ...health.alerts]
    // Enqueue this feed's alerts, then commit its proposed state; if they could not be enqueued,
    // the feed keeps its whole previous state (validators, digest, seen set), so the next poll
    // fetches and finds the same items again, with the same alert ids. One feed at a time, so one
    // feed's failure holds back no other. An id already enqueued by this invocation (one story
    // through two feeds) is not sent twice.
    const pending = alerts.filter((a) => !enqueued.has(a.id))
    const doc = open.shardFor(outcome.feed.id)
    try {
      account.charge({ cpuMs: 0, subrequests: await enqueue(deps.queue, pending) })
    } catch (error) {
      errors.push(
        `${outcome.feed.id}: enqueue failed, state kept for the next poll: ${errorMessage(error)}`,
      )
      continue
    }
    for (const a of pending) enqueued.add(a.id)
    if (!doc) continue
    if (doc.usage) doc.usage.queueOps += pending.length * QUEUE_OPS_PER_ALERT
    doc.feeds[outcome.feed.id] = health.proposed
    doc.watchStats = countMatches(doc.watchStats, pending, now)
    if (outcome.changed || health.changed) touched.add(doc.shard)
  }
  return { outcomes, touched, enqueued, errors }
}

/** Feeds sent to the polls queue by this isolate, by id, with the slot they were sent for. */
const dispatched = new Map<string, { since: number; at: number }>()

/**
 * A feed sent to the polls queue is not sent again for the same slot for this long (its job may
 * wait for the lease, or be retried); after it, a job that was lost is replaced. A job that runs
 * twice polls once: its consumer checks that the feed is still due (poll-jobs.ts).
 */
export const DISPATCH_PATIENCE_MINUTES = 5

/** Forgets that `feedIds` were sent: their job ended (polled, or left for the next tick). */
export function jobEnded(feedIds: string[]): void {
  for (const id of feedIds) dispatched.delete(id)
}

/**
 * The fan-out path (docs/decisions.md, 23): the due feeds packed into poll jobs, each job the work
 * one consumer invocation may do under the plan's budget, sent in batches; each job's 3 Queues
 * operations are counted against the day's Queues budget in its shard's usage. Answers the feeds
 * sent and the subrequests used.
 */
async function dispatchJobs(
  due: DueFeed[],
  open: OpenShards,
  deps: TickDeps & { polls: Queue<PollJob> },
  budget: Budget,
  errors: string[],
): Promise<{ feeds: number; touched: Set<number>; sends: number }> {
  const { now } = deps
  const jobs = packPollJobs(
    due.map((d) => ({
      id: d.feed.id,
      since: d.since,
      shard: shardOf(d.feed.id, deps.shardCount),
      estimate: estimatePoll(open.stateOf(d.feed.id), now),
    })),
    budget,
    jobsAllowed({
      queueOpsPerDay: budget.queueOpsPerDay,
      jobsToday: [...open.shards.values()].reduce((n, d) => n + (d.usage?.pollJobs ?? 0), 0),
      minuteOfDay: Math.floor((now.getTime() % 86_400_000) / 60_000),
    }),
    now,
  )
  const touched = new Set<number>()
  let feeds = 0
  let sends = 0
  for (let i = 0; i < jobs.length; i += SEND_BATCH_MESSAGES) {
    const batch = jobs.slice(i, i + SEND_BATCH_MESSAGES)
    try {
      sends++
      await deps.polls.sendBatch(batch.map((body) => ({ body })))
    } catch (error) {
      // The feeds stay due: the next tick sends them again.
      errors.push(`poll jobs could not be sent, their feeds wait: ${errorMessage(error)}`)
      break
    }
    for (const job of batch) {
      const doc = open.shards.get(job.shard)
      if (doc?.usage) {
        doc.usage.queueOps += QUEUE_OPS_PER_JOB
        doc.usage.pollJobs = (doc.usage.pollJobs ?? 0) + 1
      }
      touched.add(job.shard)
      for (const f of job.feeds) dispatched.set(f.id, { since: f.since, at: now.getTime() })
      feeds += job.feeds.length
    }
  }
  return { feeds, touched, sends }
}

/** Whether a due feed's job for this slot is already in the queue (sent lately by this isolate). */
function inQueue(d: DueFeed, now: Date): boolean {
  const sent = dispatched.get(d.feed.id)
  return (
    sent !== undefined &&
    sent.since === d.since &&
    now.getTime() - sent.at < DISPATCH_PATIENCE_MINUTES * 60_000
  )
}

async function runLeasedTick(
  deps: TickDeps,
  config: ConfigDoc,
  started: number,
  say: (line: string) => void,
): Promise<TickResult> {
  const { now } = deps
  const budget = deps.budget ?? DEFAULT_BUDGETS.free
  const floor = deps.floorMinutes ?? MIN_INTERVAL_MINUTES
  const open = await openShards(deps.store.KV, deps.shardCount, now)
  const errors = [...open.errors]
  for (const e of errors) say(`tick: ${e}`)

  const polls = deps.polls
  const due = dueFeeds(config, open, now, floor).filter((d) => !polls || !inQueue(d, now))
  // The Queues budget spent: no poll until tomorrow (UTC), so no alert is found that could not
  // be enqueued; feeds keep their state and their items are found then (docs/decisions.md, 19).
  const queueSpent = open.queueOpsToday() >= budget.queueOpsPerDay
  if (queueSpent) errors.push(`the day's Queues budget (${budget.queueOpsPerDay}) is spent`)
  const offered = queueSpent ? [] : due.slice(0, deps.maxPollsPerTick ?? due.length)

  const account = new WorkAccount(budget)
  let work: PollWork = { outcomes: [], touched: new Set(), enqueued: new Set(), errors: [] }
  let sent = 0
  if (polls) {
    // Fan-out: this invocation only decides; poll jobs do the work in their own invocations.
    const result = await dispatchJobs(offered, open, { ...deps, polls }, budget, errors)
    account.charge({ cpuMs: 0, subrequests: result.sends })
    sent = result.feeds
    work.touched = result.touched
  } else {
    // Polls that would start after the deadline or past the budget wait for the next tick
    // (counted as deferred), so a tick ends well within its lease and its plan's limits.
    work = await pollAndCommit(
      offered.map((d) => d.feed),
      open,
      account,
      {
        config,
        queue: deps.queue,
        fetch: deps.fetch,
        now,
        maxItemAgeHours: deps.maxItemAgeHours,
        floorMinutes: floor,
        pollUntil: started + (deps.pollDeadlineMs ?? POLL_DEADLINE_MS),
      },
    )
    errors.push(...work.errors)
  }
  const { outcomes, touched } = work

  // Forget state of feeds that were deleted from the configuration.
  const known = new Set(config.feeds.map((f) => f.id))
  for (const doc of open.shards.values()) {
    for (const id of Object.keys(doc.feeds)) {
      if (!known.has(id)) {
        delete doc.feeds[id]
        touched.add(doc.shard)
      }
    }
  }

  const summary: TickSummary = {
    ...workSummary(now, started, outcomes, work.enqueued.size, account, errors),
    deferred: due.length - outcomes.length - sent,
  }
  if (polls) summary.dispatched = sent
  const committed = await commitShards(open, touched, {
    kv: deps.store.KV,
    now,
    budget,
    shardCount: deps.shardCount,
    started,
    summary,
    say,
  })
  if (committed === undefined) return { ...summary, written: [] }
  await storeMovedFeeds(deps.store, now, outcomes)
  lastTickInIsolate = summary
  say(
    `tick ${summary.at}: ${summary.polled} polled (${summary.notModified} unchanged, ` +
      `${summary.failed} failed, ${summary.deferred} deferred` +
      (polls ? `, ${sent} sent to the polls queue` : '') +
      `), ${summary.newItems} new items, ${summary.alerts} alerts, ~${summary.estimatedCpuMs} ms CPU, ` +
      `${summary.subrequests} subrequests`,
  )
  if (committed.failure) throw committed.failure
  return { ...summary, written: committed.written }
}

/** What an invocation's polls did, as the status shows it (deferred is the caller's to say). */
export function workSummary(
  now: Date,
  started: number,
  outcomes: PollOutcome[],
  alerts: number,
  account: WorkAccount,
  errors: string[],
): TickSummary {
  const used = account.used
  return {
    at: now.toISOString(),
    durationMs: Date.now() - started,
    polled: outcomes.length,
    notModified: outcomes.filter((o) => o.notModified).length,
    failed: outcomes.filter((o) => o.error).length,
    newItems: outcomes.reduce((n, o) => n + o.fresh, 0),
    alerts,
    deferred: 0,
    estimatedCpuMs: Math.round(used.cpuMs * 100) / 100,
    subrequests: used.subrequests,
    heldShards: 0,
    errors: errors.slice(0, 20),
  }
}

/**
 * Commits the touched shards under the KV write budget (decision 19): each is written when its
 * spacing allows, else held in this isolate. `summary`, when given, becomes the shards' `lastTick`
 * and counts the held shards. Answers the shards written and the failure of any write (for the
 * caller to throw once its own work is done), or undefined when the invocation outlived its lease
 * and committed nothing (decision 17).
 */
export async function commitShards(
  open: OpenShards,
  touched: Set<number>,
  deps: {
    kv: KVNamespace
    now: Date
    budget: Budget
    shardCount: number
    started: number
    summary?: TickSummary
    say: (line: string) => void
  },
): Promise<{ written: number[]; failure?: ConfigError } | undefined> {
  const { now, budget, summary } = deps
  // The lease fences the commit: an invocation that outlived it (only possible past every fetch
  // timeout) may have been overtaken, so it stores nothing, not even in this isolate; its alerts
  // are enqueued, and the next poll finds the items again under the same ids (deduplicated).
  if (Date.now() - deps.started > TICK_LEASE_MS - LEASE_MARGIN_MS) {
    held.clear()
    deps.say(`${now.toISOString()}: outlived the lease, nothing committed`)
    return undefined
  }
  const written: number[] = []
  const spacing = writeSpacingMinutes(budget.kvWritesPerDay, deps.shardCount)
  let writesToday = [...open.shards.values()].reduce((n, d) => n + (d.usage?.kvWrites ?? 0), 0)
  const writes: Array<Promise<void>> = []
  for (const doc of open.shards.values()) {
    const mine = held.get(doc.shard)
    const dirty = touched.has(doc.shard) || mine?.dirty === true
    const minutesSinceWrite = (now.getTime() - Date.parse(doc.writtenAt)) / 60_000
    const heartbeatDue = minutesSinceWrite >= HEARTBEAT_MINUTES && Object.keys(doc.feeds).length > 0
    if (!dirty && !heartbeatDue) continue
    if (
      !mayWrite({
        minutesSinceWrite,
        spacingMinutes: spacing,
        writesToday,
        kvWritesPerDay: budget.kvWritesPerDay,
      })
    ) {
      // Kept in this isolate until the spacing allows a write (re-derived safely if lost).
      held.set(doc.shard, { rev: doc.rev, doc, dirty: true })
      if (summary) summary.heldShards = (summary.heldShards ?? 0) + 1
      continue
    }
    const previousRev = doc.rev
    writesToday++
    if (doc.usage) doc.usage.kvWrites++
    doc.rev = crypto.randomUUID()
    doc.writtenAt = now.toISOString()
    if (summary) doc.lastTick = summary
    writes.push(
      saveShard(deps.kv, doc).then(
        () => {
          held.set(doc.shard, { rev: doc.rev, doc, dirty: false })
          written.push(doc.shard)
        },
        (error: unknown) => {
          // KV still holds the previous revision: keep the changes here for the next write.
          doc.rev = previousRev
          held.set(doc.shard, { rev: previousRev, doc, dirty: true })
          throw error
        },
      ),
    )
  }
  // Each shard is one KV value, written whole or not at all; one refused write does not stop the
  // others, and is reported after them (its changes stay in this isolate for the next write).
  const failedWrites = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected')
  const firstFailure = failedWrites[0]
  return {
    written: written.sort((a, b) => a - b),
    failure:
      firstFailure &&
      new ConfigError('shard', `${failedWrites.length} shard write(s) failed`, {
        cause: firstFailure.reason,
      }),
  }
}

/**
 * One shard as a change outside a tick (a WebSub push) must see it: this isolate's unwritten copy
 * when it derives from what KV holds, so a push never works from a seen set older than the last
 * tick's. Run under the tick lease, like a tick.
 */
export async function shardForChange(
  kv: KVNamespace,
  n: number,
): Promise<{ doc: ShardDoc; problems: string[] }> {
  const loaded = await loadShard(kv, n)
  const problems = [...loaded.problems]
  return { doc: adopt(loaded.doc, problems), problems }
}

/**
 * Commits a shard changed outside a tick under the same daily KV write budget and spacing as a
 * tick's commit (docs/decisions.md, 19): written now when the spacing allows, else kept in this
 * isolate for the next write. A burst of pushes therefore costs no more KV writes than a busy
 * poll. Answers whether it wrote.
 */
export async function commitShardChange(
  kv: KVNamespace,
  doc: ShardDoc,
  budget: Budget,
  shardCount: number,
  now: Date,
): Promise<boolean> {
  const usage = (doc.usage = todaysUsage(doc.usage, now))
  const minutesSinceWrite = (now.getTime() - Date.parse(doc.writtenAt)) / 60_000
  const allowed = mayWrite({
    minutesSinceWrite,
    spacingMinutes: writeSpacingMinutes(budget.kvWritesPerDay, shardCount),
    // This shard's own count: the tick's commit sums every shard's (a push touches one).
    writesToday: usage.kvWrites * shardCount,
    kvWritesPerDay: budget.kvWritesPerDay,
  })
  if (!allowed) {
    held.set(doc.shard, { rev: doc.rev, doc, dirty: true })
    return false
  }
  const previousRev = doc.rev
  usage.kvWrites++
  doc.rev = crypto.randomUUID()
  doc.writtenAt = now.toISOString()
  try {
    await saveShard(kv, doc)
  } catch (error) {
    doc.rev = previousRev
    held.set(doc.shard, { rev: previousRev, doc, dirty: true })
    throw error
  }
  held.set(doc.shard, { rev: doc.rev, doc, dirty: false })
  return true
}

/** The shard to work on: this isolate's unwritten copy when it derives from what KV holds. */
function adopt(fromKv: ShardDoc, errors: string[]): ShardDoc {
  const mine = held.get(fromKv.shard)
  if (mine && mine.rev === fromKv.rev) return mine.doc
  if (mine?.dirty) {
    errors.push(
      `shard ${fromKv.shard} was written elsewhere: this isolate's unwritten state is dropped ` +
        '(items found again alert under the same ids, which the ledger drops)',
    )
  }
  held.set(fromKv.shard, { rev: fromKv.rev, doc: fromKv, dirty: false })
  return fromKv
}

/** The bounded alerts an outcome's alertable items produce (`index` read only if there are any). */
export async function alertsForOutcome(
  outcome: PollOutcome,
  index: WatchIndex | (() => WatchIndex),
  watches: Map<string, Watch>,
  now: Date,
): Promise<Alert[]> {
  if (outcome.alertable.length === 0) return []
  const shared = outcome.sharedUrls ?? sharedCanonicalUrls(outcome.items)
  const alerts: Alert[] = []
  const matcher = typeof index === 'function' ? index() : index
  for (const item of outcome.alertable) {
    alerts.push(...(await alertsForItem(item, outcome, shared, matcher, watches, now)))
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

/** Sends `alerts` in batches within the queue's limits; answers how many sends it made. */
export async function enqueue(queue: Queue<Alert>, alerts: Alert[]): Promise<number> {
  let sends = 0
  let batch: Alert[] = []
  let bytes = 0
  for (const alert of alerts) {
    const size = alertBytes(alert)
    if (
      batch.length === SEND_BATCH_MESSAGES ||
      (batch.length > 0 && bytes + size > SEND_BATCH_BYTES)
    ) {
      await queue.sendBatch(batch.map((body) => ({ body })))
      sends++
      batch = []
      bytes = 0
    }
    batch.push(alert)
    bytes += size
  }
  if (batch.length) {
    await queue.sendBatch(batch.map((body) => ({ body })))
    sends++
  }
  return sends
}

/**
 * A permanent redirect updates the feed's stored URL (rare: one config write when it happens),
 * through the configuration's integrity rules (src/config/integrity.ts) like every other write. A
 * feed redirected to a URL another feed already has keeps its own: two feeds with one URL would
 * alert twice, and the redirect is simply followed again on each poll.
 */
export async function storeMovedFeeds(
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
