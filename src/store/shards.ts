// Feed-state shard documents. Each holds, for the feeds hashed to it, everything the tick needs to
// remember between polls: HTTP validators, the effective polling interval and backoff, health, and
// a bounded set of seen item keys. Never one KV key per item (DESIGN.md, "State in KV").
import { SHARD_PREFIX, shard as shardKey } from './keys'
import { readJson, writeJson } from './json'

export type FeedHealth = 'pending' | 'ok' | 'error'

export interface FeedError {
  message: string
  status?: number
  at: string
}

export interface FeedState {
  /** The URL this state was built from; a feed whose URL changes starts afresh. */
  url: string
  etag?: string
  lastModified?: string
  /** Digest of the last body parsed: an unchanged body is not parsed again, even without 304. */
  bodyHash?: string
  /** Effective minutes between polls, from the user's minimum and the feed's own signals. */
  intervalMinutes: number
  /** Consecutive failed polls (drives exponential backoff). */
  failures: number
  /** Do not poll before this time (a 429/503 Retry-After). ISO. */
  notBefore?: string
  health: FeedHealth
  lastError?: FeedError
  /** Last poll, persisted whenever the shard is written (so at most a heartbeat old). ISO. */
  checkedAt?: string
  lastSuccessAt?: string
  lastNewItemAt?: string
  /** Items in the feed at the last successful parse. */
  itemCount?: number
  /** Repairs and oddities the parser reported at the last parse. */
  warnings?: string[]
  /** Set when the publisher moved the feed permanently and the stored URL was updated. */
  movedFrom?: string
  /** Seen items: [digest of item key, minute (epoch) first seen], oldest first. */
  seen: Array<[string, number]>
  /** Digests of story keys (canonical URL or title fingerprint) alerted from this feed. */
  stories?: string[]
}

export interface TickSummary {
  at: string
  durationMs: number
  polled: number
  notModified: number
  failed: number
  newItems: number
  alerts: number
  /** Due feeds left for the next tick because this one ran out of subrequest budget. */
  deferred: number
  errors: string[]
}

export interface ShardDoc {
  schema: 1
  shard: number
  writtenAt: string
  lastTick?: TickSummary
  feeds: Record<string, FeedState>
}

export const emptyShard = (n: number): ShardDoc => ({
  schema: 1,
  shard: n,
  writtenAt: new Date(0).toISOString(),
  feeds: {},
})

export async function loadShard(kv: KVNamespace, n: number): Promise<ShardDoc> {
  return (await readJson<ShardDoc>(kv, shardKey(n), 1)) ?? emptyShard(n)
}

export async function loadShards(kv: KVNamespace, count: number): Promise<ShardDoc[]> {
  return Promise.all(Array.from({ length: count }, (_, n) => loadShard(kv, n)))
}

export async function saveShard(kv: KVNamespace, doc: ShardDoc): Promise<void> {
  await writeJson(kv, shardKey(doc.shard), doc)
}

export { SHARD_PREFIX }
