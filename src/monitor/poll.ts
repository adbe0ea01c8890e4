// One feed's pipeline for one tick: conditional fetch → parse → new items against the seen set →
// which of them may alert. Returns a *proposed* next state (validators, body digest, seen set,
// health) and says whether it changed materially; the tick commits it whole only once the feed's
// alerts are enqueued, else the previous state stays (docs/decisions.md, 14). `previous` is never
// modified. Never throws: a broken feed becomes an error in its proposed state.
import type { Feed, Item } from '../model'
import { FetchError, ParseError, fetchFeed, parseFeed } from '../ingest'
import { errorMessage } from '../lib/errors'
import { shortHash, shortHashBytes } from '../lib/hash'
import { redactUrlsIn } from '../lib/redact'
import type { FeedState } from '../store/shards'
import { updateSeen } from './seen'
import { baseInterval, epochMinute } from './schedule'

export interface PollDeps {
  fetch: typeof fetch
  now: Date
  /** Default age cutoff in hours (MAX_ITEM_AGE_HOURS); a feed may override it. */
  maxItemAgeHours: number
}

export interface PollOutcome {
  feed: Feed
  /** The state to commit once this poll's alerts are enqueued (a copy: `previous` is untouched). */
  proposed: FeedState
  /** The title the feed itself gives (alerts carry it when the user gave none). */
  feedTitle?: string
  /** Whether the state changed in a way worth a KV write. */
  changed: boolean
  /** Every item in the feed now (empty on 304 or failure). */
  items: Item[]
  /** New items that may alert (after the first-poll silence and the age cutoff). */
  alertable: Item[]
  /** New items, alerting or not. */
  fresh: number
  notModified: boolean
  /** The URL the publisher moved the feed to permanently, to store in the configuration. */
  movedTo?: string
  error?: string
}

export function newFeedState(url: string, intervalMinutes: number): FeedState {
  return { url, intervalMinutes, failures: 0, health: 'pending', seen: [] }
}

/** Whether an item is too old to alert when first seen. Undated items are never too old. */
export function isTooOld(item: Item, now: Date, maxAgeHours: number): boolean {
  if (maxAgeHours <= 0) return false
  const stamp = item.published ?? item.updated
  if (!stamp) return false
  const at = Date.parse(stamp)
  return !Number.isNaN(at) && now.getTime() - at > maxAgeHours * 3_600_000
}

export async function pollFeed(
  feed: Feed,
  previous: FeedState | undefined,
  deps: PollDeps,
): Promise<PollOutcome> {
  const { now } = deps
  const fresh = !previous || previous.url !== feed.url
  const state: FeedState = fresh
    ? newFeedState(feed.url, baseInterval(feed, {}))
    : { ...previous, seen: previous.seen }
  // Until the feed has been read once, its items are history: even when earlier polls failed
  // (a feed added while its server was down must not flood when it comes back).
  const firstPoll = state.lastSuccessAt === undefined
  state.checkedAt = now.toISOString()
  const base = { feed, proposed: state, items: [], alertable: [], fresh: 0, notModified: false }
  const wasHealthy = state.health === 'ok'
  const recovered = (): boolean => {
    const changed = !wasHealthy || state.failures !== 0 || state.notBefore !== undefined
    state.health = 'ok'
    state.failures = 0
    state.lastError = undefined
    state.notBefore = undefined
    return changed
  }

  try {
    const result = await fetchFeed(
      {
        url: feed.url,
        etag: fresh ? undefined : state.etag,
        lastModified: fresh ? undefined : state.lastModified,
        headers: feed.headers,
      },
      { fetch: deps.fetch },
    )
    if (result.kind === 'not-modified') {
      const interval = baseInterval(feed, { maxAgeSeconds: freshFor(result.cacheHints, now) })
      const intervalChanged = interval !== state.intervalMinutes
      state.intervalMinutes = interval
      const changed = recovered() || intervalChanged || fresh
      return { ...base, changed, notModified: true }
    }

    const bodyHash = await shortHashBytes(result.body)
    const validatorsChanged =
      result.etag !== state.etag || result.lastModified !== state.lastModified
    if (!fresh && !firstPoll && bodyHash === state.bodyHash) {
      // Same bytes as last time from a server that ignores validators: nothing to parse. The new
      // validators are not stored (a server that mints a new ETag per response would otherwise
      // cost a write per poll).
      const changed = recovered()
      return { ...base, changed, notModified: true }
    }

    // The fetch result carries Content-Language and Content-Location: the parser's fallbacks for
    // the feed's language and base URL.
    const parsed = parseFeed(result.body, result)
    // Items are extended in place: a copy would read, and so compute, each item's lazily
    // sanitised contentHtml, which matching does not need.
    const items: Item[] = parsed.items.map((item) =>
      Object.assign(item, { feedId: feed.id, lang: item.lang ?? parsed.feed.lang }),
    )
    const digests = await Promise.all(items.map((item) => shortHash(item.key)))
    const minute = epochMinute(now)
    const seen = updateSeen(state.seen, digests, minute)
    const freshDigests = new Set(seen.fresh)
    const newItems = items.filter((_, i) => freshDigests.has(digests[i] ?? ''))

    const maxAge = feed.maxItemAgeHours ?? deps.maxItemAgeHours
    let alertable: Item[]
    if (firstPoll) {
      // A new feed's current items are history, not news: recorded silently, except the newest
      // `backfill` ones if the user asked for them.
      alertable = newItems.slice(0, feed.backfill ?? 0)
    } else {
      alertable = newItems
    }
    alertable = alertable.filter((item) => !isTooOld(item, now, maxAge))

    const interval = baseInterval(feed, {
      ttlMinutes: parsed.feed.ttlMinutes,
      maxAgeSeconds: freshFor(result.cacheHints, now),
    })
    const warningsChanged = JSON.stringify(parsed.warnings) !== JSON.stringify(state.warnings ?? [])
    const changed =
      recovered() ||
      fresh ||
      firstPoll ||
      seen.changed ||
      validatorsChanged ||
      interval !== state.intervalMinutes ||
      warningsChanged ||
      result.permanentRedirect !== undefined

    state.etag = result.etag
    state.lastModified = result.lastModified
    state.bodyHash = bodyHash
    state.intervalMinutes = interval
    state.seen = seen.next
    state.itemCount = items.length
    state.warnings = parsed.warnings.length ? parsed.warnings.slice(0, 10) : undefined
    state.lastSuccessAt = now.toISOString()
    if (newItems.length) state.lastNewItemAt = now.toISOString()
    if (result.permanentRedirect) {
      state.movedFrom = feed.url
      state.url = result.permanentRedirect
    }
    return {
      ...base,
      changed,
      items,
      alertable,
      feedTitle: parsed.feed.title,
      fresh: newItems.length,
      movedTo: result.permanentRedirect,
    }
  } catch (error) {
    const message = describeFailure(error)
    state.health = 'error'
    state.failures += 1
    state.lastError = {
      message,
      status: error instanceof FetchError ? error.status : undefined,
      at: now.toISOString(),
    }
    if (error instanceof FetchError && error.retryAfterSeconds) {
      state.notBefore = new Date(now.getTime() + error.retryAfterSeconds * 1000).toISOString()
    }
    return { ...base, changed: true, error: message }
  }
}

/**
 * Seconds the response says it stays fresh: Cache-Control max-age, else the time left until its
 * Expires date (RFC 9111, 4.2.1: max-age wins over Expires).
 */
export function freshFor(
  hints: { maxAgeSeconds?: number; expires?: string },
  now: Date,
): number | undefined {
  if (hints.maxAgeSeconds !== undefined) return hints.maxAgeSeconds
  if (hints.expires === undefined) return undefined
  const left = (Date.parse(hints.expires) - now.getTime()) / 1000
  return Number.isFinite(left) && left > 0 ? left : undefined
}

/** The failure as stored and shown: URLs in it are redacted (a feed URL may carry a key). */
function describeFailure(error: unknown): string {
  const message =
    error instanceof ParseError ? `not a readable feed: ${error.message}` : errorMessage(error)
  return redactUrlsIn(message)
}
