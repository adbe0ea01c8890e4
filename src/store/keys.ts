// Every KV key Feedwatch uses, in one place. Nothing outside src/store/ spells a key.
//
// Budget (free plan: 1,000 writes, 100,000 reads, 1,000 lists a day), see docs/decisions.md:
// - CONFIG: read once per tick and per API call; written only by the API.
// - shard(n): read once per tick; written at most once per tick, and only when its state changed
//   or its heartbeat is due.
// The delivery log and dead letters are not in KV: the delivery ledger Durable Object holds them
// (src/store/ledger.ts).

/** The whole configuration: feeds, watches, destinations (one versioned document). */
export const CONFIG = 'config'

/** Feed-state shard documents: validators, schedule, health, bounded seen sets. */
export const SHARD_PREFIX = 'shard:'
export const shard = (n: number): string => `${SHARD_PREFIX}${n}`
