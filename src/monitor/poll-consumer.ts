// The polls queue's consumer (fan-out, docs/decisions.md, 23): runs one poll job in its own
// invocation, with its own work budget, through the tick's poll path (tick.ts pollAndCommit): fetch,
// parse, match, enqueue each feed's alerts and only then commit its state, shards written under the
// KV write budget. Not responsible for deciding what is due or packing jobs (tick.ts, poll-jobs.ts).
//
// Never lose, never duplicate: a job takes the tick lease (decision 17) for its work, so it never
// races the tick, a WebSub push or another job to a shard, and works from this isolate's unwritten
// shard copy when KV still holds its revision (decision 19). Each feed is polled only if it is
// still due by its current state: a job run twice, or retried after a partial commit, polls only
// the feeds it has not committed; those it had are not due any more. A job retried in an isolate
// without that unwritten state polls them again and finds the same items under the same alert ids,
// which the delivery ledger drops.
import { errorMessage } from '../lib/errors'
import { beginTickLease, endTickLease } from '../store/config'
import type { TickSummary } from '../store/shards'
import { WorkAccount } from './budget'
import { settleLeased } from './leased-messages'
import type { PollJob } from './poll-jobs'
import {
  POLL_DEADLINE_MS,
  TICK_LEASE_MS,
  commitShards,
  dueNow,
  jobEnded,
  openShards,
  pollAndCommit,
  storeMovedFeeds,
  workSummary,
  type LeasedWorkDeps,
} from './tick'

export interface PollJobDeps extends LeasedWorkDeps {
  floorMinutes: number
  /** Default POLL_DEADLINE_MS (tests shorten it). */
  pollDeadlineMs?: number
}

export type PollJobResult =
  | { kind: 'busy' }
  /** `skipped`: feeds no longer due (already polled, disabled or deleted). */
  | { kind: 'done'; summary: TickSummary; skipped: number; written: number[] }

export async function runPollJob(job: PollJob, deps: PollJobDeps): Promise<PollJobResult> {
  const started = Date.now()
  const say = deps.log ?? ((line: string) => console.log(line))
  // The tick decided at `job.at`; a consumer whose clock is behind it must not find the feeds not
  // yet due.
  const now = new Date(Math.max(deps.now.getTime(), Date.parse(job.at) || 0))
  const holder = `poll:${crypto.randomUUID()}`
  const { config, leased } = await beginTickLease(deps.store, holder, TICK_LEASE_MS)
  if (!leased) return { kind: 'busy' }
  try {
    const open = await openShards(deps.store.KV, deps.shardCount, now)
    const errors = [...open.errors]
    const byId = new Map(config.feeds.map((f) => [f.id, f]))
    const feeds = job.feeds.flatMap(({ id }) => {
      const feed = byId.get(id)
      return feed?.enabled && dueNow(feed, open, now, deps.floorMinutes) !== undefined ? [feed] : []
    })
    const queueSpent = open.queueOpsToday() >= deps.budget.queueOpsPerDay
    if (queueSpent) errors.push(`the day's Queues budget (${deps.budget.queueOpsPerDay}) is spent`)
    const account = new WorkAccount(deps.budget)
    const work = await pollAndCommit(queueSpent ? [] : feeds, open, account, {
      config,
      queue: deps.queue,
      fetch: deps.fetch,
      now,
      maxItemAgeHours: deps.maxItemAgeHours,
      floorMinutes: deps.floorMinutes,
      pollUntil: started + (deps.pollDeadlineMs ?? POLL_DEADLINE_MS),
    })
    errors.push(...work.errors)
    const summary: TickSummary = {
      ...workSummary(now, started, work.outcomes, work.enqueued.size, account, errors),
      deferred: feeds.length - work.outcomes.length,
    }
    // The shards' lastTick stays the tick's; this job's own figures go to the log.
    const committed = await commitShards(open, work.touched, {
      kv: deps.store.KV,
      now,
      budget: deps.budget,
      shardCount: deps.shardCount,
      started,
      say,
    })
    // Polled or left for the next tick: either way the tick may send these feeds again.
    jobEnded(job.feeds.map((f) => f.id))
    if (committed === undefined) return { kind: 'done', summary, skipped: 0, written: [] }
    await storeMovedFeeds(deps.store, now, work.outcomes)
    say(
      `poll job ${summary.at} (shard ${job.shard}): ${summary.polled} polled ` +
        `(${summary.notModified} unchanged, ${summary.failed} failed, ${summary.deferred} deferred, ` +
        `${job.feeds.length - feeds.length} no longer due), ${summary.newItems} new items, ` +
        `${summary.alerts} alerts, ~${summary.estimatedCpuMs} ms CPU, ${summary.subrequests} subrequests`,
    )
    if (committed.failure) throw committed.failure
    return {
      kind: 'done',
      summary,
      skipped: job.feeds.length - feeds.length,
      written: committed.written,
    }
  } finally {
    await endTickLease(deps.store, holder).catch((error: unknown) =>
      say(`poll job: could not give the lease back, it expires by itself: ${errorMessage(error)}`),
    )
  }
}

/**
 * The queue handler: one job per message (wrangler.toml: max_batch_size = 1, so each invocation
 * has one job's budget), settled as leased-messages.ts says. A job that fails is retried by the
 * queue, and its feeds stay due meanwhile (the tick sends them again once
 * DISPATCH_PATIENCE_MINUTES have passed).
 */
export async function consumePollJobs(
  messages: Array<Message<PollJob>>,
  deps: Omit<PollJobDeps, 'now'> & { now: () => Date },
): Promise<void> {
  await settleLeased(
    messages,
    {
      run: (job) => runPollJob(job, { ...deps, now: deps.now() }),
      subject: (job) => `poll job (shard ${job.shard})`,
    },
    deps.log ?? ((line: string) => console.log(line)),
  )
}
