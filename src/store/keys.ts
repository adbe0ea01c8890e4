// Every KV key Feedwatch uses, in one place. Nothing outside src/store/ spells a key.
//
// Budget (free plan: 1,000 writes, 100,000 reads, 1,000 lists a day), see docs/decisions.md:
// - CONFIG: where the configuration lived before its Durable Object (config-object.ts); read once,
//   when that object first starts, to migrate it, and never written.
// - shard(n): read once per tick; written at most once per tick, and only when its state changed
//   or its heartbeat is due.
// - DELIVERY_LOG: read and written once per queue batch that delivered something.
// - deadLetter(id): one key per parked alert (rare, and must never be lost to an overwrite).

/** The configuration as it was kept in KV before the Durable Object: migrated once, then unused. */
export const CONFIG = 'config'

/** Feed-state shard documents: validators, schedule, health, bounded seen sets. */
export const SHARD_PREFIX = 'shard:'
export const shard = (n: number): string => `${SHARD_PREFIX}${n}`

/** Delivery counters, the recent delivery log and the recently delivered alert ids. */
export const DELIVERY_LOG = 'deliveries'

/** Alerts that exhausted their retries or met a permanent failure, waiting for replay. */
export const DEAD_LETTER_PREFIX = 'dead:'
export const deadLetter = (alertId: string): string => `${DEAD_LETTER_PREFIX}${alertId}`

/**
 * Dead letters expire after 30 days: long enough for a person to notice on the status page and
 * replay, short enough that a destination broken for months does not grow storage without bound.
 */
export const DEAD_LETTER_TTL_SECONDS = 30 * 24 * 3600
