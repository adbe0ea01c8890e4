// The work budget: how much one invocation may do, and what each poll is expected to cost, per
// plan (free or paid, with overridable numbers). Pure: takes data, returns data.
//
// CPU cannot be measured inside a Worker (performance.now() stands still while it computes), so it
// is estimated from what is known before and after a poll: bytes parsed and items matched, with
// coefficients measured by `npm run bench tick` (bench/tick.bench.ts). Subrequests are counted:
// every fetch a poll makes (redirects included) and every queue send. Daily budgets (KV writes,
// Queues operations) are counted per UTC day in the shard documents. Limits are Cloudflare's, as
// documented for Workers, KV and Queues (docs/operations.md lists them with the figures used).
import { BYTE_PATH_MIN_BYTES } from '../ingest/limits'
import type { DayUsage, FeedState } from '../store/shards'
import { SEEN_RUN_TO_STOP, readPlan } from './seen'

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

// Coefficients, measured by `npm run bench tick` (bench/tick.bench.ts: a 39.6 KB, 50-item news
// feed; 1,000 watches; medians on the development machine, December 2026, load average ~6 on 2
// cores, so on the high side). A poll builds the tree of the whole body, then reads items newest
// first and stops at a run of items already seen (seen.ts): the two are priced apart.
/**
 * Opening a body: decoding, the tree, the items' identities. A poll that reads 6 items and stops
 * took 0.67 ms; less those items' reading and digests (0.06 + 0.16 ms): 0.45 ms / 39.6 KB.
 */
export const CPU_MS_PER_KB_OPENED = 0.011
/** Reading items out of the tree (text, HTML, dates, keys): 0.52 ms for all 50 / 39.6 KB. */
export const CPU_MS_PER_KB_READ = 0.013
/**
 * Bodies of BYTE_PATH_MIN_BYTES or more are read over their bytes (docs/decisions.md, 26), which
 * costs 28–35% more CPU than the text path per KB, opened and read (`npm run bench ingest.bench`,
 * every file with the byte path forced): the upper figure.
 */
export const BYTE_PATH_CPU_FACTOR = 1.35
/** Digesting an item's key and looking it up in the seen set: 50 one after another, 1.35 ms. */
export const CPU_MS_PER_ITEM_READ = 0.03
/**
 * Matching one new item against 1,000 watches and building its alerts, in a warm isolate: a poll
 * with 3 new items less the first poll, / 3 (4.48 − 2.65 ms, measured before the split; 1.5 ms / 3
 * today, the higher figure kept as a margin). A new isolate's first items cost many times more;
 * the budget does not price them (docs/decisions.md, 29).
 */
export const CPU_MS_PER_ITEM_MATCHED = 0.6
/** A poll's own handling (request, response headers, body digest): the unchanged-body case, ×2. */
export const CPU_MS_PER_POLL = 0.1
/** A body size for a feed never parsed yet: the bench's typical 50-item news feed. */
export const DEFAULT_BODY_BYTES = 40 * 1024
/** Items in a feed never parsed yet (the same typical feed). */
export const DEFAULT_ITEM_COUNT = 50
/**
 * New items expected in a changed feed whose last parse is not known (busy news feeds publish 1–5
 * per 15 minutes); a feed's own last count is used when known, between 1 and this.
 */
export const EXPECTED_NEW_ITEMS = 2
/** Queues operations per alert: write, read, delete (Cloudflare counts each per 64 KB message). */
export const QUEUE_OPS_PER_ALERT = 3

export interface Cost {
  cpuMs: number
  subrequests: number
}

/**
 * What polling a feed may cost, before it is polled: as if its body changed with as much news as
 * at its last parse, read whole when this poll must (seen.ts readPlan), else down to the run of
 * seen items that stops it.
 */
export function estimatePoll(state: FeedState | undefined, now?: Date): Cost {
  const bytes = state?.bodyBytes ?? DEFAULT_BODY_BYTES
  const count = state?.itemCount ?? DEFAULT_ITEM_COUNT
  const first = state?.lastSuccessAt === undefined
  const whole = !state || !now || readPlan(state, now, first).whole
  const news = Math.max(1, Math.min(EXPECTED_NEW_ITEMS, state?.lastFresh ?? EXPECTED_NEW_ITEMS))
  const read = whole ? count : Math.min(count, news + SEEN_RUN_TO_STOP)
  return {
    ...actualCost({
      bytesParsed: bytes,
      bytesRead: (bytes * read) / Math.max(1, count),
      itemsRead: read,
      itemsMatched: first ? 0 : news,
      fetches: 1,
      sends: 0,
    }),
    // The fetch, and a queue send should it find alerts.
    subrequests: 2,
  }
}

/** What a poll did cost, once known. */
export function actualCost(work: {
  bytesParsed: number
  bytesRead: number
  itemsRead: number
  itemsMatched: number
  fetches: number
  sends: number
}): Cost {
  return {
    cpuMs:
      CPU_MS_PER_POLL +
      (work.bytesParsed >= BYTE_PATH_MIN_BYTES ? BYTE_PATH_CPU_FACTOR : 1) *
        ((work.bytesParsed / 1024) * CPU_MS_PER_KB_OPENED +
          (work.bytesRead / 1024) * CPU_MS_PER_KB_READ) +
      work.itemsRead * CPU_MS_PER_ITEM_READ +
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
