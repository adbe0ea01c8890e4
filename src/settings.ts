// Environment variables read into typed settings, with the reason for each default. Invalid values
// fail loudly (ConfigError names the variable) rather than running with a surprise.
import { ConfigError } from './lib/errors'
import { parseRetryDelays } from './deliver/retry'
import { DEFAULT_MAX_POLLS_PER_TICK } from './monitor/tick'

/** Optional variables not declared in wrangler.toml's [vars] (set them there or in .dev.vars). */
interface OptionalVars {
  STATE_SHARDS?: string
  MAX_POLLS_PER_TICK?: string
  RETRY_DELAYS_SECONDS?: string
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(name, `expected a whole number, got "${raw}"`)
  return n
}

const optional = (env: Env): OptionalVars => env as unknown as OptionalVars

/**
 * Feed-state shards. One document is cheapest for a few hundred feeds (1 read, ≤ 1 write a tick);
 * raise it when the document nears KV's 25 MiB value limit (~20 KB per feed). Changing it moves
 * feeds to other shards, where they start afresh with a silent first poll.
 */
export const shardCount = (env: Env): number =>
  Math.max(1, positiveInt('STATE_SHARDS', optional(env).STATE_SHARDS, 1))

export const maxPollsPerTick = (env: Env): number =>
  positiveInt('MAX_POLLS_PER_TICK', optional(env).MAX_POLLS_PER_TICK, DEFAULT_MAX_POLLS_PER_TICK)

export const maxItemAgeHours = (env: Env): number =>
  positiveInt('MAX_ITEM_AGE_HOURS', env.MAX_ITEM_AGE_HOURS, 72)

export const retryDelays = (env: Env): number[] =>
  parseRetryDelays(optional(env).RETRY_DELAYS_SECONDS)
