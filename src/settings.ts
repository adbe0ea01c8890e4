// Environment variables read into typed settings, with the reason for each default. Invalid values
// fail loudly (ConfigError names the variable) rather than running with a surprise.
import { ConfigError } from './lib/errors'
import { parseRetryDelays } from './deliver/retry'
import { DEFAULT_BUDGETS, type Budget, type PlanName } from './monitor/budget'
import { DEVELOPMENT_MIN_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES } from './monitor/schedule'

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(name, `expected a whole number, got "${raw}"`)
  return n
}

/**
 * Feed-state shards. One document is cheapest for a few hundred feeds (1 read, ≤ 1 write a tick);
 * raise it when the document nears KV's 25 MiB value limit (~20 KB per feed). Changing it moves
 * feeds to other shards, where they start afresh with a silent first poll.
 */
export const shardCount = (env: Env): number =>
  Math.max(1, positiveInt('STATE_SHARDS', env.STATE_SHARDS, 1))

/** An operator's cap on polls per tick on top of the work budget; unset: the budget alone. */
export const maxPollsPerTick = (env: Env): number | undefined => {
  const raw = env.MAX_POLLS_PER_TICK
  return raw === undefined || raw === '' ? undefined : positiveInt('MAX_POLLS_PER_TICK', raw, 0)
}

/**
 * The plan's budget (src/monitor/budget.ts): `PLAN` = free (default: a deployment must never
 * break the free plan's limits) or paid, each number overridable.
 */
export function budget(env: Env): Budget {
  const vars = env
  const plan = vars.PLAN ?? 'free'
  if (plan !== 'free' && plan !== 'paid') {
    throw new ConfigError('PLAN', `expected "free" or "paid", got "${plan}"`)
  }
  const base = DEFAULT_BUDGETS[plan as PlanName]
  return {
    plan: base.plan,
    cpuMs: positiveInt('CPU_BUDGET_MS', vars.CPU_BUDGET_MS, base.cpuMs),
    subrequests: positiveInt('SUBREQUEST_BUDGET', vars.SUBREQUEST_BUDGET, base.subrequests),
    kvWritesPerDay: positiveInt('KV_WRITES_PER_DAY', vars.KV_WRITES_PER_DAY, base.kvWritesPerDay),
    queueOpsPerDay: positiveInt('QUEUE_OPS_PER_DAY', vars.QUEUE_OPS_PER_DAY, base.queueOpsPerDay),
  }
}

/** The polling floor: 5 minutes, 1 under ENVIRONMENT=development (own loopback servers). */
export const floorMinutes = (env: Env): number =>
  env.ENVIRONMENT === 'development' ? DEVELOPMENT_MIN_INTERVAL_MINUTES : MIN_INTERVAL_MINUTES

export const maxItemAgeHours = (env: Env): number =>
  positiveInt('MAX_ITEM_AGE_HOURS', env.MAX_ITEM_AGE_HOURS, 72)

export const retryDelays = (env: Env): number[] => parseRetryDelays(env.RETRY_DELAYS_SECONDS)
