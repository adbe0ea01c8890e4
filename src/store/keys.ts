// Every KV key Feedwatch uses, in one place. Nothing outside src/store/ spells a key.
//
// Budget (free plan: 1,000 writes, 100,000 reads, 1,000 lists a day), see docs/decisions.md:
// - CONFIG: where the configuration lived before its Durable Object (config-object.ts); read once,
//   when that object first starts, to migrate it, and never written.
// - shard(n): read once per tick; written at most once per tick, and only when its state changed
//   or its heartbeat is due.
// - LEGACY_DELIVERY_LOG, LEGACY_DEAD_LETTER_PREFIX: where the delivery log and dead letters lived
//   before the delivery ledger Durable Object (src/store/ledger.ts); read once, when the ledger
//   first starts, to migrate them, and never written.

/** The configuration as it was kept in KV before the Durable Object: migrated once, then unused. */
export const CONFIG = 'config'

/** Feed-state shard documents: validators, schedule, health, bounded seen sets. */
export const SHARD_PREFIX = 'shard:'
export const shard = (n: number): string => `${SHARD_PREFIX}${n}`

/** The delivery log as it was kept in KV before the ledger: migrated once, then unused. */
export const LEGACY_DELIVERY_LOG = 'deliveries'
/** Dead letters as they were kept in KV (one key each, 30-day TTL): migrated once, then unused. */
export const LEGACY_DEAD_LETTER_PREFIX = 'dead:'
