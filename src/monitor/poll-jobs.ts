// Poll jobs: what the tick sends to the polls queue when one is bound (binding POLLS), and how due
// feeds are packed into them. Pure: takes the due feeds with their estimates, the plan's budget and
// the day's use of the Queues budget; returns the jobs. Not responsible for running a job
// (poll-consumer.ts) nor for deciding which feeds are due (schedule.ts, tick.ts).
//
// A job is the work one consumer invocation may do under the plan's per-invocation budget (budget.ts:
// CPU and subrequests), for the feeds of one shard. Each job costs 3 Queues operations (write, read,
// delete), counted against the day's Queues budget like alerts are; on the free plan (10,000 a day)
// that is the scarce resource, so jobs are paced over the day: a share of the budget, spread evenly
// over its minutes (docs/decisions.md, 23).
import type { Budget, Cost } from './budget'

/** The polls queue's name in wrangler.toml (src/index.ts routes its batches to the consumer). */
export const POLLS_QUEUE = 'feedwatch-polls'

/** Queues operations per poll job: its write, its read and its delete. */
export const QUEUE_OPS_PER_JOB = 3

/**
 * The share of the day's Queues budget poll jobs may use; the rest stays for alerts (3 operations
 * each). Two thirds: on the free plan 6,000 operations, 2,000 jobs a day, and 3,000 operations for
 * 1,000 alerts a day, twice what 50 busy news feeds with 1,000 watches produce (docs/operations.md).
 */
export const POLL_JOB_QUEUE_SHARE = 2 / 3

/**
 * Feeds per job at most, whatever the budget: a job lists ids (≤ 64 characters) and slots, so 500
 * stay far below a queue message's 128 KB, and a paid consumer's 500 polls end within its lease.
 */
export const MAX_FEEDS_PER_JOB = 500

export interface PollJob {
  /** The shard whose feeds this job polls. */
  shard: number
  /** Each feed and the slot (epoch minute) it was due since when the tick sent it. */
  feeds: Array<{ id: string; since: number }>
  /** When the tick decided (ISO): the consumer never judges the feeds due by an earlier clock. */
  at: string
}

export interface JobCandidate {
  id: string
  since: number
  shard: number
  /** The feed's estimated poll cost (budget.ts estimatePoll). */
  estimate: Cost
}

/**
 * Jobs this tick may send so that poll jobs stay within their share of the day's Queues budget:
 * that share spread evenly over the day's minutes, what earlier minutes left unused carried over.
 */
export function jobsAllowed(args: {
  queueOpsPerDay: number
  jobsToday: number
  /** Minutes since 00:00 UTC. */
  minuteOfDay: number
}): number {
  const perDay = Math.floor((args.queueOpsPerDay * POLL_JOB_QUEUE_SHARE) / QUEUE_OPS_PER_JOB)
  const byNow = Math.floor((perDay * (args.minuteOfDay + 1)) / (24 * 60))
  return Math.max(0, byNow - args.jobsToday)
}

/**
 * Packs due feeds (in the order given: the fair order) into at most `maxJobs` jobs, each the feeds
 * of one shard whose estimates fit one invocation's budget (a job's first feed always fits, as in
 * an inline tick, so a feed larger than the budget is not left out for ever). Feeds that find no
 * room wait for the next tick.
 */
export function packPollJobs(
  due: JobCandidate[],
  budget: Pick<Budget, 'cpuMs' | 'subrequests'>,
  maxJobs: number,
  at: Date,
): PollJob[] {
  const jobs: PollJob[] = []
  const open = new Map<number, { job: PollJob; cost: Cost }>()
  for (const d of due) {
    const current = open.get(d.shard)
    if (
      current &&
      current.job.feeds.length < MAX_FEEDS_PER_JOB &&
      current.cost.cpuMs + d.estimate.cpuMs <= budget.cpuMs &&
      current.cost.subrequests + d.estimate.subrequests <= budget.subrequests
    ) {
      current.job.feeds.push({ id: d.id, since: d.since })
      current.cost = {
        cpuMs: current.cost.cpuMs + d.estimate.cpuMs,
        subrequests: current.cost.subrequests + d.estimate.subrequests,
      }
      continue
    }
    if (jobs.length >= maxJobs) continue
    const job: PollJob = {
      shard: d.shard,
      feeds: [{ id: d.id, since: d.since }],
      at: at.toISOString(),
    }
    jobs.push(job)
    open.set(d.shard, { job, cost: { ...d.estimate } })
  }
  return jobs
}
