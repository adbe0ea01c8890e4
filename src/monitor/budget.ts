// The work budget: how much one invocation may do, and what each poll is expected to cost, per
// plan (free or paid, with overridable numbers). Pure: takes data, returns data.
//
// CPU cannot be measured inside a Worker (performance.now() stands still while it computes), so it
// is estimated from what is known before and after a poll: bytes parsed and items matched, with
// coefficients measured by `npm run bench tick` (bench/tick.bench.ts). Subrequests are counted:
// every fetch a poll makes (redirects included) and every queue send. Daily budgets (KV writes,
// Queues operations) are counted per UTC day in the shard documents. Limits are Cloudflare's, as
// documented for Workers, KV and Queues (docs/operations.md lists them with the figures used).
import type { DayUsage, FeedState } from '../store/shards'

export type PlanName = 'free' | 'paid'

/** What one plan allows (per invocation, or per day). */
export interface PlanLimits {
  cpuMsPerInvocation: number
  subrequestsPerInvocation: number
  kvReadsPerDay: number
  kvWritesPerDay: number
  kvListsPerDay: number
  queueOpsPerDay: number
}

/** Cloudflare's published limits. Paid "per day" figures are the monthly inclusion / 30. */
export const PLAN_LIMITS: Record<PlanName, PlanLimits> = {
  free: {
    cpuMsPerInvocation: 10,
    subrequestsPerInvocation: 50,
    kvReadsPerDay: 100_000,
    kvWritesPerDay: 1_000,
    kvListsPerDay: 1_000,
    queueOpsPerDay: 10_000,
  },
  paid: {
    cpuMsPerInvocation: 30_000,
    subrequestsPerInvocation: 10_000,
    kvReadsPerDay: Math.floor(10_000_000 / 30),
    kvWritesPerDay: Math.floor(1_000_000 / 30),
    kvListsPerDay: Math.floor(1_000_000 / 30),
    queueOpsPerDay: Math.floor(1_000_000 / 30),
  },
}

/** What Feedwatch lets itself use: below each limit, with the reason for the margin. */
export interface Budget {
  plan: PlanName
  /** Estimated CPU for polls and matching in one invocation. */
  cpuMs: number
  /** Fetches and queue sends in one invocation. */
  subrequests: number
  kvWritesPerDay: number
  queueOpsPerDay: number
}

/**
 * Free: 10 ms of CPU, of which ~3 go to what the estimate does not see (reading the configuration
 * and shard JSON, the runtime's own request handling). Paid: the 30 s default, minus a third for
 * the same and for estimate error. Subrequests: 3 kept for the tick's Durable Object calls (lease,
 * give back, a moved feed's URL). KV writes: 900 of the free 1,000, leaving room for a manual
 * repair or a migration. Queues: 9,000 of the free 10,000 for the same reason. On paid, use past
 * the monthly inclusion is billed, not refused: KV writes are spaced to a minute (the tick's own
 * pace), and the Queues figure is only a guard against a runaway (about $0.40 a day at most).
 */
export const DEFAULT_BUDGETS: Record<PlanName, Budget> = {
  free: { plan: 'free', cpuMs: 7, subrequests: 47, kvWritesPerDay: 900, queueOpsPerDay: 9_000 },
  paid: {
    plan: 'paid',
    cpuMs: 20_000,
    subrequests: 9_990,
    kvWritesPerDay: 30_000,
    queueOpsPerDay: 1_000_000,
  },
}

// Coefficients, measured by `npm run bench tick` on the development machine (bench/tick.bench.ts:
// a 39.6 KB, 50-item news feed; 1,000 watches). Medians: first poll 2.65 ms, a poll with 3 new
// items 4.48 ms, an unchanged body 0.05 ms.
/** Parsing, digesting keys and diffing the seen set: 2.65 ms / 39.6 KB. */
export const CPU_MS_PER_KB_PARSED = 0.07
/** Matching one new item against 1,000 watches and building its alerts: (4.48 − 2.65) / 3. */
export const CPU_MS_PER_ITEM_MATCHED = 0.6
/** A poll's own handling (request, response headers, body digest): the unchanged-body case, ×2. */
export const CPU_MS_PER_POLL = 0.1
/** A body size for a feed never parsed yet: the bench's typical 50-item news feed. */
export const DEFAULT_BODY_BYTES = 40 * 1024
/** New items expected in a changed feed (busy news feeds publish 2–5 per 15 minutes). */
export const EXPECTED_NEW_ITEMS = 2
/** Queues operations per alert: write, read, delete (Cloudflare counts each per 64 KB message). */
export const QUEUE_OPS_PER_ALERT = 3

export interface Cost {
  cpuMs: number
  subrequests: number
}

/** What polling a feed may cost, before it is polled: as if its body changed and had news. */
export function estimatePoll(state: FeedState | undefined): Cost {
  const bytes = state?.bodyBytes ?? DEFAULT_BODY_BYTES
  const first = state?.lastSuccessAt === undefined
  return {
    cpuMs:
      CPU_MS_PER_POLL +
      (bytes / 1024) * CPU_MS_PER_KB_PARSED +
      (first ? 0 : EXPECTED_NEW_ITEMS * CPU_MS_PER_ITEM_MATCHED),
    // The fetch, and a queue send should it find alerts.
    subrequests: 2,
  }
}

/** What a poll did cost, once known. */
export function actualCost(work: {
  bytesParsed: number
  itemsMatched: number
  fetches: number
  sends: number
}): Cost {
  return {
    cpuMs:
      CPU_MS_PER_POLL +
      (work.bytesParsed / 1024) * CPU_MS_PER_KB_PARSED +
      work.itemsMatched * CPU_MS_PER_ITEM_MATCHED,
    subrequests: work.fetches + work.sends,
  }
}

/**
 * One invocation's running account. A poll starts only when its estimate fits what is left
 * (the first always starts, so a feed larger than the whole budget is not deferred for ever);
 * when it ends, its estimate is replaced by what it did cost.
 */
export class WorkAccount {
  private reserved: Cost = { cpuMs: 0, subrequests: 0 }
  private spent: Cost = { cpuMs: 0, subrequests: 0 }
  private started = 0

  constructor(private readonly budget: Pick<Budget, 'cpuMs' | 'subrequests'>) {}

  /** Reserves `estimate` and answers true when it fits (or nothing has started yet). */
  tryStart(estimate: Cost): boolean {
    const cpu = this.spent.cpuMs + this.reserved.cpuMs + estimate.cpuMs
    const sub = this.spent.subrequests + this.reserved.subrequests + estimate.subrequests
    if (this.started > 0 && (cpu > this.budget.cpuMs || sub > this.budget.subrequests)) {
      return false
    }
    this.started++
    this.reserved = add(this.reserved, estimate)
    return true
  }

  /** Replaces a started poll's estimate by its actual cost. */
  settle(estimate: Cost, actual: Cost): void {
    this.reserved = add(this.reserved, {
      cpuMs: -estimate.cpuMs,
      subrequests: -estimate.subrequests,
    })
    this.spent = add(this.spent, actual)
  }

  /** Charges work that was not estimated up front (a queue send, a config write). */
  charge(cost: Cost): void {
    this.spent = add(this.spent, cost)
  }

  get used(): Cost {
    return add(this.spent, this.reserved)
  }
}

const add = (a: Cost, b: Cost): Cost => ({
  cpuMs: a.cpuMs + b.cpuMs,
  subrequests: a.subrequests + b.subrequests,
})

/** The UTC day of `now`, as daily usage is counted. */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10)

/** `usage` for today: carried over when it is today's, else zero. */
export function todaysUsage(usage: DayUsage | undefined, now: Date): DayUsage {
  const day = utcDay(now)
  return usage?.day === day ? { ...usage } : { day, kvWrites: 0, queueOps: 0 }
}

/**
 * Minutes between two writes of one shard so that all shards together stay within the daily KV
 * write budget however busy the feeds are: 1,440 minutes × shards / budget, at least one tick.
 * Free plan, one shard, 900 writes: every 2 minutes, at most 720 writes a day.
 */
export function writeSpacingMinutes(kvWritesPerDay: number, shardCount: number): number {
  if (kvWritesPerDay <= 0) return Infinity
  return Math.max(1, Math.ceil((24 * 60 * shardCount) / kvWritesPerDay))
}

/**
 * Whether a shard may be written now: its changes have waited out the spacing, and today's
 * writes of all shards leave room (a hard stop that holds even when the shard count changed).
 */
export function mayWrite(args: {
  minutesSinceWrite: number
  spacingMinutes: number
  writesToday: number
  kvWritesPerDay: number
}): boolean {
  return args.minutesSinceWrite >= args.spacingMinutes && args.writesToday < args.kvWritesPerDay
}

/** Today's use of each daily budget, and the write spacing, as the status shows them. */
export interface BudgetStatus {
  plan: PlanName
  day: string
  kvWrites: { used: number; budget: number; limit: number }
  queueOps: { used: number; budget: number; limit: number }
  writeSpacingMinutes: number
  perInvocation: { cpuMs: number; subrequests: number }
}

export function budgetStatus(
  usages: Array<DayUsage | undefined>,
  budget: Budget,
  shardCount: number,
  now: Date,
): BudgetStatus {
  const today = usages.map((u) => todaysUsage(u, now))
  const limits = PLAN_LIMITS[budget.plan]
  return {
    plan: budget.plan,
    day: utcDay(now),
    kvWrites: {
      used: today.reduce((n, u) => n + u.kvWrites, 0),
      budget: budget.kvWritesPerDay,
      limit: limits.kvWritesPerDay,
    },
    queueOps: {
      used: today.reduce((n, u) => n + u.queueOps, 0),
      budget: budget.queueOpsPerDay,
      limit: limits.queueOpsPerDay,
    },
    writeSpacingMinutes: writeSpacingMinutes(budget.kvWritesPerDay, shardCount),
    perInvocation: { cpuMs: budget.cpuMs, subrequests: budget.subrequests },
  }
}
