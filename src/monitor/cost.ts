// The cost model behind `npm run cost`: what a set-up (feeds, interval, items a day, watches)
// costs a day and per invocation, from the same constants the tick uses (budget.ts, schedule.ts),
// and which plan carries it. Pure: numbers in, numbers out. Averages over a day, not worst cases:
// a burst is absorbed by the work budget (deferred to the next ticks) and by write spacing.
import {
  CPU_MS_PER_ITEM_MATCHED,
  CPU_MS_PER_ITEM_READ,
  CPU_MS_PER_KB_OPENED,
  CPU_MS_PER_KB_READ,
  CPU_MS_PER_POLL,
  DEFAULT_BODY_BYTES,
  DEFAULT_ITEM_COUNT,
  DEFAULT_BUDGETS,
  EXPECTED_NEW_ITEMS,
  PLAN_LIMITS,
  QUEUE_OPS_PER_ALERT,
  writeSpacingMinutes,
  type PlanName,
} from './budget'
import { POLL_JOB_QUEUE_SHARE, QUEUE_OPS_PER_JOB } from './poll-jobs'
import { MIN_INTERVAL_MINUTES } from './schedule'
import { READ_WHOLE_EVERY_MINUTES, SEEN_RUN_TO_STOP } from './seen'

export interface SetUp {
  feeds: number
  intervalMinutes: number
  /** New items per feed per day. */
  itemsPerDay: number
  watches: number
  /** Share of new items that match at least one watch (each match: one alert per destination). */
  matchRate: number
  /** Feed-state shards (STATE_SHARDS). */
  shards: number
  /** A polls queue bound (POLLS): poll jobs, each its own invocation (docs/decisions.md, 23). */
  fanOut?: boolean
}

export interface CostLine {
  resource: string
  per: 'day' | 'invocation' | 'minute'
  use: number
  free: number
  paid: number
}

const MINUTES_A_DAY = 1440
/** Ticks a day: the cron fires every minute. */
const TICKS_A_DAY = MINUTES_A_DAY
/** Durable Object calls per tick: take the lease with the configuration, give it back. */
const DO_CALLS_PER_TICK = 2
/** Watches the CPU coefficient was measured with (bench/tick.bench.ts). */
const MEASURED_WATCHES = 1000

export function costOf(s: SetUp): { lines: CostLine[]; fits: Record<PlanName, string[]> } {
  const interval = Math.max(MIN_INTERVAL_MINUTES, s.intervalMinutes)
  const pollsPerTick = s.feeds / interval
  // A poll sees a changed body when an item arrived since the last one.
  const changedShare = Math.min(1, (s.itemsPerDay * interval) / MINUTES_A_DAY)
  const newItemsPerTick = (s.feeds * s.itemsPerDay) / MINUTES_A_DAY
  // Matching grows with an item's words, not with the watches (the presearcher); the alerts built
  // grow with the matches, so the coefficient is scaled by the watches above the measured 1,000.
  const matchScale = Math.max(1, s.watches / MEASURED_WATCHES)
  // A changed body is opened whole, and read newest first down to a run of seen items, except
  // the hourly whole read (seen.ts).
  const newPerPoll = (s.itemsPerDay * interval) / MINUTES_A_DAY
  const wholeShare = Math.min(1, interval / READ_WHOLE_EVERY_MINUTES)
  const count = DEFAULT_ITEM_COUNT
  const itemsRead =
    wholeShare * count + (1 - wholeShare) * Math.min(count, newPerPoll + SEEN_RUN_TO_STOP)
  const kb = DEFAULT_BODY_BYTES / 1024
  const changedPollMs =
    kb * CPU_MS_PER_KB_OPENED +
    kb * (itemsRead / count) * CPU_MS_PER_KB_READ +
    itemsRead * CPU_MS_PER_ITEM_READ
  const cpuPerTick =
    pollsPerTick * (CPU_MS_PER_POLL + changedShare * changedPollMs) +
    newItemsPerTick * CPU_MS_PER_ITEM_MATCHED * matchScale
  // What the budget reserves for each poll before it starts (budget.ts estimatePoll): its
  // invocation starts only the polls whose estimates fit, so this sets how many a minute it does.
  const newsEstimate = Math.max(1, Math.min(EXPECTED_NEW_ITEMS, Math.round(newPerPoll)))
  const estimateMs =
    CPU_MS_PER_POLL + changedPollMs + newsEstimate * CPU_MS_PER_ITEM_MATCHED * matchScale
  const pollsPerInvocation = (plan: PlanName) => {
    const b = DEFAULT_BUDGETS[plan]
    return Math.max(1, Math.min(Math.floor(b.cpuMs / estimateMs), Math.floor(b.subrequests / 2)))
  }
  // With fan-out, jobs are paced to their share of the Queues budget (poll-jobs.ts).
  const jobsPerDay = (plan: PlanName) =>
    Math.floor((DEFAULT_BUDGETS[plan].queueOpsPerDay * POLL_JOB_QUEUE_SHARE) / QUEUE_OPS_PER_JOB)
  const pollsPerMinute = (plan: PlanName) =>
    s.fanOut
      ? (jobsPerDay(plan) / MINUTES_A_DAY) * pollsPerInvocation(plan)
      : pollsPerInvocation(plan)
  const jobsUsed = (plan: PlanName) =>
    s.fanOut
      ? Math.min(jobsPerDay(plan), (pollsPerTick * MINUTES_A_DAY) / pollsPerInvocation(plan))
      : 0
  const alertsPerDay = s.feeds * s.itemsPerDay * s.matchRate
  const sendsPerTick = Math.min(pollsPerTick * changedShare, (alertsPerDay / TICKS_A_DAY) * 1)
  const subrequestsPerTick = pollsPerTick + sendsPerTick + DO_CALLS_PER_TICK
  const writesFor = (plan: PlanName) => {
    const budget = DEFAULT_BUDGETS[plan].kvWritesPerDay
    const spacing = writeSpacingMinutes(budget, s.shards)
    const wanted = Math.min(s.shards * TICKS_A_DAY, s.feeds * s.itemsPerDay)
    return Math.min(wanted, s.shards * Math.floor(MINUTES_A_DAY / spacing), budget)
  }
  const lines: CostLine[] = [
    {
      resource: 'polls',
      per: 'day',
      use: s.feeds * (MINUTES_A_DAY / interval),
      free: Infinity,
      paid: Infinity,
    },
    {
      resource: 'KV reads',
      per: 'day',
      use: TICKS_A_DAY * s.shards,
      free: PLAN_LIMITS.free.kvReadsPerDay,
      paid: PLAN_LIMITS.paid.kvReadsPerDay,
    },
    {
      resource: 'KV writes (free plan spacing)',
      per: 'day',
      use: writesFor('free'),
      free: PLAN_LIMITS.free.kvWritesPerDay,
      paid: PLAN_LIMITS.paid.kvWritesPerDay,
    },
    {
      resource: 'KV lists',
      per: 'day',
      use: 0,
      free: PLAN_LIMITS.free.kvListsPerDay,
      paid: PLAN_LIMITS.paid.kvListsPerDay,
    },
    {
      resource: s.fanOut ? 'Queues operations (with poll jobs)' : 'Queues operations',
      per: 'day',
      use: alertsPerDay * QUEUE_OPS_PER_ALERT + jobsUsed('free') * QUEUE_OPS_PER_JOB,
      free: PLAN_LIMITS.free.queueOpsPerDay,
      paid: PLAN_LIMITS.paid.queueOpsPerDay,
    },
    {
      resource: 'subrequests',
      per: 'invocation',
      use: subrequestsPerTick,
      free: PLAN_LIMITS.free.subrequestsPerInvocation,
      paid: PLAN_LIMITS.paid.subrequestsPerInvocation,
    },
    {
      resource: s.fanOut ? 'CPU ms of work a minute (est.)' : 'CPU ms (estimated)',
      per: s.fanOut ? 'minute' : 'invocation',
      use: cpuPerTick,
      free: PLAN_LIMITS.free.cpuMsPerInvocation,
      paid: PLAN_LIMITS.paid.cpuMsPerInvocation,
    },
  ]
  const fits: Record<PlanName, string[]> = { free: [], paid: [] }
  for (const plan of ['free', 'paid'] as const) {
    const b = DEFAULT_BUDGETS[plan]
    const capacity = pollsPerMinute(plan)
    if (pollsPerTick > capacity) {
      fits[plan].push(
        `CPU: ~${pollsPerTick.toFixed(1)} polls a minute of ~${estimateMs.toFixed(1)} ms each against a ${b.cpuMs} ms budget ` +
          `per invocation (${capacity.toFixed(1)} polls a minute${s.fanOut ? ` in ${(jobsPerDay(plan) / MINUTES_A_DAY).toFixed(1)} poll jobs` : ''}); ` +
          `polls are deferred and each feed is read about every ${Math.ceil((interval * pollsPerTick) / capacity)} minutes instead of ${interval}`,
      )
    }
    if (!s.fanOut && subrequestsPerTick > b.subrequests) {
      fits[plan].push(
        `subrequests: ~${Math.ceil(subrequestsPerTick)} a minute against ${b.subrequests}`,
      )
    }
    const queueOps = alertsPerDay * QUEUE_OPS_PER_ALERT + jobsUsed(plan) * QUEUE_OPS_PER_JOB
    if (queueOps > b.queueOpsPerDay) {
      fits[plan].push(
        `Queues: ~${Math.round(queueOps)} operations a day against ${b.queueOpsPerDay}; polling pauses when they are spent`,
      )
    }
    if (TICKS_A_DAY * s.shards > PLAN_LIMITS[plan].kvReadsPerDay) fits[plan].push('KV reads')
  }
  return { lines, fits }
}
