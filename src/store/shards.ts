// Feed-state shard documents. Each holds, for the feeds hashed to it, everything the tick needs to
// remember between polls: HTTP validators, the effective polling interval and backoff, health, and
// a bounded set of seen item keys. Never one KV key per item (docs/operations.md, costs).
//
// What is read back is checked against its schema (schema.ts): a feed whose stored state is corrupt
// is reported and starts afresh (a silent first poll, like a new feed); a shard document that cannot
// be read at all is reported and left alone, and only its feeds wait until it is repaired or
// deleted — the other shards' feeds are polled as usual.
import { errorMessage } from '../lib/errors'
import { SHARD_PREFIX, shard as shardKey } from './keys'
import { parseJsonDoc, readJson, writeJson } from './json'
import { checkStored, feedStateSchema, shardSchema } from './schema'

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
  /** Minutes (epoch) new items appeared, oldest first, bounded (docs/health.md: the usual gap). */
  published?: number[]
  /** The health transition last announced to the user, so each is announced once. */
  announced?: 'broken' | 'silent'
  /** When the feed last published before it was announced silent. ISO. */
  silentSince?: string
  /** Which signal set `intervalMinutes` (src/monitor/schedule.ts, IntervalSignal). */
  intervalSignal?: string
  /** Bytes of the last body parsed: the work budget's estimate of the next parse. */
  bodyBytes?: number
  /** Consecutive 429/503 answers (they back off the host; they never make the feed broken). */
  throttles?: number
  /** The publisher answered 410 Gone: polling stopped until the feed's URL changes. */
  gone?: boolean
  /** The last failure was a bot challenge page (Cloudflare or similar), not a feed. */
  challenged?: boolean
  /** The feed's RSS skipHours (GMT hours) and skipDays (0 = Sunday) at its last parse. */
  skipHours?: number[]
  skipDays?: number[]
  /** The last poll that read every item of the feed (polls between stop at seen items). ISO. */
  readWholeAt?: string
  /** A whole read found a new item beneath older ones: every poll reads this feed whole. */
  insertsBelow?: boolean
  /** Digests of the canonical URLs of the feed's items (story keys after a partial read). */
  urls?: string[]
  /** New items its last parse found: the work budget's estimate of the next one's. */
  lastFresh?: number
}

/** Matches per watch counted in this shard (only written with the new items that caused them). */
export interface WatchStats {
  total: number
  /** The UTC day `today` counts, YYYY-MM-DD. */
  day: string
  today: number
  lastMatchAt: string
}

/** Today's use of the daily budgets, kept with each shard (src/monitor/budget.ts). */
export interface DayUsage {
  /** UTC day, YYYY-MM-DD. */
  day: string
  kvWrites: number
  queueOps: number
  /** Poll jobs sent to the polls queue (their operations are in `queueOps` too). */
  pollJobs?: number
}

export interface TickSummary {
  at: string
  durationMs: number
  polled: number
  notModified: number
  failed: number
  newItems: number
  alerts: number
  /** Due feeds left for the next tick because this one ran out of budget (or time). */
  deferred: number
  /** The work budget's estimate of this tick's CPU (ms) and its subrequests. */
  estimatedCpuMs?: number
  subrequests?: number
  /** Shards whose changes wait in the isolate for their next write (the KV write budget). */
  heldShards?: number
  /** Feeds sent to the polls queue (fan-out: polled by poll jobs, not by the tick). */
  dispatched?: number
  errors: string[]
}

export interface ShardDoc {
  schema: 1
  shard: number
  writtenAt: string
  /** Changes on every write: tells an isolate whether its unwritten state still derives from KV. */
  rev?: string
  usage?: DayUsage
  lastTick?: TickSummary
  feeds: Record<string, FeedState>
  /** Matches of each watch by feeds of this shard (docs/health.md). */
  watchStats?: Record<string, WatchStats>
}

export const emptyShard = (n: number): ShardDoc => ({
  schema: 1,
  shard: n,
  writtenAt: new Date(0).toISOString(),
  feeds: {},
})

/** A shard as read: its usable feeds, and what was wrong with the others. */
export interface LoadedShard {
  doc: ShardDoc
  /** Problems found, each naming the key and field (for logs and the tick summary). */
  problems: string[]
}

/**
 * Shard `n`, checked. Throws ConfigError (naming the key and field) when the document as a whole is
 * unreadable; drops and reports each feed whose state is not a valid FeedState.
 */
export async function loadShard(kv: KVNamespace, n: number): Promise<LoadedShard> {
  const key = shardKey(n)
  const raw = await readJson<ShardDoc>(kv, key, 1)
  return raw === null ? { doc: emptyShard(n), problems: [] } : checkShard(raw, key)
}

/**
 * Shard `n` as loadShard reads it, unless the revision stored with it (the KV value's metadata,
 * written by saveShard) is `heldRev`, the one whose document this isolate holds: then it is not
 * parsed or checked at all ({ held: true }). A shard is ~5–15 KB a feed, and parsing and checking
 * it is most of what a tick that finds nothing new costs (docs/decisions.md, 30). The value and
 * its metadata are written together, so an equal revision is the same write.
 */
export async function loadShardUnlessHeld(
  kv: KVNamespace,
  n: number,
  heldRev: string | undefined,
): Promise<LoadedShard | { held: true }> {
  const key = shardKey(n)
  const { value, metadata } = await kv.getWithMetadata<{ rev?: unknown }>(key, 'text')
  if (value === null) return { doc: emptyShard(n), problems: [] }
  if (heldRev !== undefined && metadata?.rev === heldRev) return { held: true }
  return checkShard(parseJsonDoc<ShardDoc>(value, key, 1), key)
}

/** A parsed shard document checked: throws when unreadable as a whole, drops bad feeds. */
function checkShard(raw: ShardDoc, key: string): LoadedShard {
  const doc = checkStored<ShardDoc>(shardSchema, raw, key)
  const problems: string[] = []
  const feeds: Record<string, FeedState> = {}
  for (const [id, state] of Object.entries(doc.feeds)) {
    try {
      feeds[id] = checkStored<FeedState>(feedStateSchema, state, `${key} feeds.${id}`)
    } catch (error) {
      problems.push(`${errorMessage(error)} (the feed starts afresh)`)
    }
  }
  return { doc: { ...doc, feeds }, problems }
}

/**
 * Every shard, each read on its own: one unreadable shard is an error for it alone. With
 * `heldRev`, a shard whose stored revision is the one this isolate holds is not parsed
 * (loadShardUnlessHeld).
 */
export async function loadShardsSettled(
  kv: KVNamespace,
  count: number,
  heldRev: (n: number) => string | undefined = () => undefined,
): Promise<Array<LoadedShard | { held: true } | { error: unknown }>> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, n) => loadShardUnlessHeld(kv, n, heldRev(n))),
  )
  return settled.map((r) => (r.status === 'fulfilled' ? r.value : { error: r.reason }))
}

/**
 * Every shard's usable state, for the status: a shard that cannot be read shows as empty (its feeds
 * as pending) and is logged with its key and field; the tick reports it in its summary. Nothing is
 * written back.
 */
export async function loadShards(kv: KVNamespace, count: number): Promise<ShardDoc[]> {
  const loaded = await Promise.allSettled(Array.from({ length: count }, (_, n) => loadShard(kv, n)))
  return loaded.map((l, n) => {
    if (l.status === 'fulfilled') return l.value.doc
    console.error(`shard ${n} unreadable: ${errorMessage(l.reason)}`)
    return emptyShard(n)
  })
}

export async function saveShard(kv: KVNamespace, doc: ShardDoc): Promise<void> {
  // The revision rides along as metadata, so a reader holding it need not parse the value.
  await writeJson(kv, shardKey(doc.shard), doc, doc.rev ? { metadata: { rev: doc.rev } } : {})
}

export { SHARD_PREFIX }
