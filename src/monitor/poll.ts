// One feed's pipeline for one tick: conditional fetch → parse → new items against the seen set →
// which of them may alert. Returns a *proposed* next state (validators, body digest, seen set,
// health, interval and the signal that set it) and says whether it changed; the tick commits it
// whole only once the feed's alerts are enqueued, else the previous state stays
// (docs/decisions.md, 14). `previous` is never modified. Never throws: a broken feed becomes an
// error in its proposed state. Also reports what the poll cost (bytes parsed, fetches made) for the
// work budget (budget.ts).
//
// Politeness (RFC 9110): validators are stored verbatim as the server sent them and replaced from
// every 200 and 304 that carries new ones; If-Modified-Since is only ever a Last-Modified the
// server sent, never a date from the feed. 429/503 wait for Retry-After (within 7 days) and back
// off the whole host without making the feed "broken"; 410 stops polling; a bot challenge page
// (Cloudflare's `cf-mitigated: challenge`, or a known challenge body) is reported as such.
import type { Feed, Item } from '../model'
import {
  FetchError,
  ParseError,
  fetchFeed,
  openFeed,
  type CacheHints,
  type OpenedFeed,
} from '../ingest'
import { errorMessage } from '../lib/errors'
import { shortHash, shortHashBytes } from '../lib/hash'
import { redactUrlsIn } from '../lib/redact'
import { sharedCanonicalUrls } from './alerts'
import type { FeedState } from '../store/shards'
import { SEEN_RUN_TO_STOP, readPlan, seenCap, updateSeen } from './seen'
import {
  MIN_INTERVAL_MINUTES,
  epochMinute,
  pollInterval,
  throttleSeconds,
  type IntervalSignals,
} from './schedule'

export interface PollDeps {
  fetch: typeof fetch
  now: Date
  /** Default age cutoff in hours (MAX_ITEM_AGE_HOURS); a feed may override it. */
  maxItemAgeHours: number
  /** Minimum minutes between polls (default MIN_INTERVAL_MINUTES). */
  floorMinutes?: number
}

export interface PollOutcome {
  feed: Feed
  /** The state to commit once this poll's alerts are enqueued (a copy: `previous` is untouched). */
  proposed: FeedState
  /** The title the feed itself gives (alerts carry it when the user gave none). */
  feedTitle?: string
  /** Whether the state changed in a way worth a KV write. */
  changed: boolean
  /**
   * The items read (empty on 304 or failure): every item of the feed, or its newest down to a run
   * of seen ones.
   */
  items: Item[]
  /** Canonical URLs more than one item of the feed uses (story keys, alerts.ts); default: of `items`. */
  sharedUrls?: ReadonlySet<string>
  /** New items that may alert (after the first-poll silence and the age cutoff). */
  alertable: Item[]
  /** New items, alerting or not. */
  fresh: number
  notModified: boolean
  /** The URL the publisher moved the feed to permanently, to store in the configuration. */
  movedTo?: string
  error?: string
  /** The host answered 429 or 503: its other feeds wait too (until `proposed.notBefore`). */
  throttled?: boolean
  /**
   * Work done, for the budget: body bytes built into a tree, the share of them read as items (less
   * when the poll stopped at items already seen), and HTTP requests made (redirects included).
   */
  bytesParsed: number
  bytesRead: number
  fetches: number
}

/** Statuses with which a host asks us to slow down: never a sign of a broken feed. */
const THROTTLE_STATUSES = new Set([429, 503])

/**
 * Marks of bot challenge pages served instead of the feed (Cloudflare's managed and JS
 * challenges, DDoS-Guard, Sucuri). Matched in the first bytes of a body that is not a feed.
 */
const CHALLENGE_MARKS = [
  /<title>\s*just a moment\.\.\.\s*<\/title>/i,
  /challenges\.cloudflare\.com|_cf_chl_opt|cf-browser-verification/i,
  /<title>\s*attention required! \| cloudflare\s*<\/title>/i,
  /ddos-guard/i,
  /sucuri website firewall/i,
]
/** How much of a body is searched for a challenge mark: the marks sit in the page's head. */
const CHALLENGE_SCAN_BYTES = 16 * 1024

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

/** What the last response of a poll said beyond what fetchFeed returns. */
interface Heard {
  fetches: number
  etag?: string
  lastModified?: string
  challenge: boolean
}

/** The transport, counting requests and keeping the last response's validators and challenge. */
function listening(transport: typeof fetch, heard: Heard): typeof fetch {
  return async (input, init) => {
    heard.fetches++
    const res = await transport(input, init)
    heard.etag = res.headers.get('etag') ?? undefined
    heard.lastModified = res.headers.get('last-modified') ?? undefined
    heard.challenge = /\bchallenge\b/i.test(res.headers.get('cf-mitigated') ?? '')
    return res
  }
}

/** Whether a body that is not a feed is a bot challenge page. */
export function isChallengePage(body: Uint8Array): boolean {
  const head = new TextDecoder().decode(body.subarray(0, CHALLENGE_SCAN_BYTES))
  return CHALLENGE_MARKS.some((mark) => mark.test(head))
}

/** Interval signals from a response's cache hints and the feed's history. */
function signalsOf(hints: CacheHints, state: FeedState, now: Date, ttl?: number): IntervalSignals {
  const fresh = freshness(hints, now)
  const quietSince = state.lastNewItemAt ?? undefined
  return {
    ttlMinutes: ttl,
    maxAgeSeconds: fresh?.seconds,
    maxAgeFrom: fresh?.from,
    quietMinutes:
      quietSince === undefined ? undefined : (now.getTime() - Date.parse(quietSince)) / 60_000,
  }
}

export async function pollFeed(
  feed: Feed,
  previous: FeedState | undefined,
  deps: PollDeps,
): Promise<PollOutcome> {
  const { now } = deps
  const floor = deps.floorMinutes ?? MIN_INTERVAL_MINUTES
  const fresh = !previous || previous.url !== feed.url
  const initial = pollInterval(feed, {}, floor)
  const state: FeedState = fresh
    ? { ...newFeedState(feed.url, initial.minutes), intervalSignal: initial.signal }
    : { ...previous, seen: previous.seen }
  // Until the feed has been read once, its items are history: even when earlier polls failed
  // (a feed added while its server was down must not flood when it comes back).
  const firstPoll = state.lastSuccessAt === undefined
  state.checkedAt = now.toISOString()
  const heard: Heard = { fetches: 0, challenge: false }
  const base = {
    feed,
    proposed: state,
    items: [],
    alertable: [],
    fresh: 0,
    notModified: false,
    bytesParsed: 0,
    bytesRead: 0,
  }
  const wasHealthy = state.health === 'ok'
  const recovered = (): boolean => {
    const changed =
      !wasHealthy || state.failures !== 0 || state.notBefore !== undefined || !!state.throttles
    state.health = 'ok'
    state.failures = 0
    state.lastError = undefined
    state.notBefore = undefined
    state.throttles = undefined
    state.challenged = undefined
    return changed
  }
  /** Stores the validators the server sent (verbatim), if they differ: whether they did. */
  const keepValidators = (etag: string | undefined, lastModified: string | undefined) => {
    if (etag === undefined && lastModified === undefined) return false
    const changed = etag !== state.etag || lastModified !== state.lastModified
    state.etag = etag
    state.lastModified = lastModified
    return changed
  }
  const setInterval = (signals: IntervalSignals): boolean => {
    const next = pollInterval(feed, signals, floor)
    const changed = next.minutes !== state.intervalMinutes || next.signal !== state.intervalSignal
    state.intervalMinutes = next.minutes
    state.intervalSignal = next.signal
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
      { fetch: listening(deps.fetch, heard) },
    )
    if (result.kind === 'not-modified') {
      // RFC 9110, 15.4.5: a 304 carries the validators a 200 would have; newer ones replace ours.
      const validatorsChanged = keepValidators(heard.etag, heard.lastModified)
      const intervalChanged = setInterval(signalsOf(result.cacheHints, state, now))
      const changed = recovered() || intervalChanged || validatorsChanged || fresh
      return { ...base, changed, notModified: true, fetches: heard.fetches }
    }

    const bodyHash = await shortHashBytes(result.body)
    // A body last read only down to its seen items is read again when its whole read is due.
    const readInPart = state.readWholeAt !== state.lastSuccessAt
    const wholeDue = readInPart && readPlan(state, now, false).whole
    if (!fresh && !firstPoll && bodyHash === state.bodyHash && !wholeDue) {
      // Same bytes as last time from a server that ignores validators: nothing to parse. Its new
      // validators are kept all the same (the next request must carry the latest ones).
      const validatorsChanged = keepValidators(result.etag, result.lastModified)
      const intervalChanged = setInterval(signalsOf(result.cacheHints, state, now))
      const changed = recovered() || validatorsChanged || intervalChanged
      return { ...base, changed, notModified: true, fetches: heard.fetches }
    }

    let parsed: OpenedFeed
    try {
      // The fetch result carries Content-Language and Content-Location: the parser's fallbacks for
      // the feed's language and base URL.
      parsed = openFeed(result.body, result)
    } catch (error) {
      if (error instanceof ParseError && isChallengePage(result.body)) heard.challenge = true
      throw error
    }
    // Newest first, stopping after a run of items already seen (seen.ts readPlan), unless this
    // poll must read the whole feed. Items are extended in place: a copy would read, and so
    // compute, each item's lazily sanitised contentHtml, which matching does not need.
    const plan = readPlan(state, now, firstPoll || fresh)
    const known = new Set(state.seen.map(([d]) => d))
    const items: Item[] = []
    const digests: string[] = []
    let run = 0
    let complete = true
    let insertsBelow = false
    for (const item of parsed.items()) {
      const digest = await shortHash(item.key)
      items.push(Object.assign(item, { feedId: feed.id, lang: item.lang ?? parsed.feed.lang }))
      digests.push(digest)
      if (!known.has(digest)) {
        // A new item beneath a run that would have stopped a partial read.
        if (run >= SEEN_RUN_TO_STOP) insertsBelow = true
        run = 0
      } else if (++run >= SEEN_RUN_TO_STOP && !plan.whole) {
        complete = false
        break
      }
    }
    const minute = epochMinute(now)
    const seen = complete
      ? updateSeen(state.seen, digests, minute)
      : updateSeen(state.seen, digests, minute, seenCap(parsed.count), parsed.count)
    const freshDigests = new Set(seen.fresh)
    const newItems = items.filter((_, i) => freshDigests.has(digests[i] ?? ''))
    // Story keys (alerts.ts) treat a canonical URL shared by two items of the feed apart. A partial
    // read cannot see the items it left, so it also counts as shared a new item's URL that an item
    // of the feed had before (remembered as digests, replaced at each whole read).
    const urlDigests = await Promise.all(
      items.map((i) => (i.canonicalUrl ? shortHash(i.canonicalUrl) : undefined)),
    )
    const knownUrls = new Set(complete ? [] : (state.urls ?? []))
    const sharedUrls = sharedCanonicalUrls(items)
    items.forEach((item, i) => {
      const url = urlDigests[i]
      if (item.canonicalUrl && url && freshDigests.has(digests[i] ?? '') && knownUrls.has(url)) {
        sharedUrls.add(item.canonicalUrl)
      }
    })
    const urls = [
      ...new Set([...knownUrls, ...urlDigests.filter((u): u is string => u !== undefined)]),
    ].slice(-seenCap(parsed.count))

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

    if (newItems.length) state.lastNewItemAt = now.toISOString()
    // A partial read has not seen the warnings of the items it left (nor the end-of-read ones).
    const warnings = complete ? parsed.warnings : (state.warnings ?? [])
    const warningsChanged = JSON.stringify(warnings) !== JSON.stringify(state.warnings ?? [])
    // The publisher's skipHours/skipDays (RSS 2.0), honoured by the schedule (schedule.ts nextDue).
    const skipsChanged =
      String(parsed.feed.skipHours) !== String(state.skipHours) ||
      String(parsed.feed.skipDays) !== String(state.skipDays)
    state.skipHours = parsed.feed.skipHours
    state.skipDays = parsed.feed.skipDays
    // A parsed 200's validators replace ours exactly: one it lacks is dropped, since sending it
    // again would be out of sequence.
    const validatorsChanged =
      result.etag !== state.etag || result.lastModified !== state.lastModified
    state.etag = result.etag
    state.lastModified = result.lastModified
    const intervalChanged = setInterval(
      signalsOf(result.cacheHints, state, now, parsed.feed.ttlMinutes),
    )
    const changed =
      recovered() ||
      fresh ||
      firstPoll ||
      seen.changed ||
      validatorsChanged ||
      intervalChanged ||
      warningsChanged ||
      skipsChanged ||
      (complete && plan.whole) ||
      result.permanentRedirect !== undefined

    state.bodyHash = bodyHash
    state.bodyBytes = result.body.byteLength
    state.seen = seen.next
    state.itemCount = complete ? items.length : parsed.count
    state.urls = urls.length ? urls : undefined
    if (!firstPoll) state.lastFresh = newItems.length
    state.warnings = warnings.length ? warnings.slice(0, 10) : undefined
    if (complete) {
      state.readWholeAt = now.toISOString()
      if (insertsBelow) state.insertsBelow = true
    }
    state.lastSuccessAt = now.toISOString()
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
      sharedUrls,
      fresh: newItems.length,
      movedTo: result.permanentRedirect,
      bytesParsed: result.body.byteLength,
      // The items' share of the body that was read (their text, HTML, dates): the budget's
      // second term beside the tree built from the whole body.
      bytesRead: Math.round(
        result.body.byteLength * (complete ? 1 : items.length / Math.max(1, parsed.count)),
      ),
      fetches: heard.fetches,
    }
  } catch (error) {
    return failed(error, feed, state, heard, now)
  }
}

/** The proposed state after a failed poll, by kind of failure. */
function failed(
  error: unknown,
  feed: Feed,
  state: FeedState,
  heard: Heard,
  now: Date,
): PollOutcome {
  const status = error instanceof FetchError ? error.status : undefined
  const at = now.toISOString()
  const base = {
    feed,
    proposed: state,
    items: [],
    alertable: [],
    fresh: 0,
    notModified: false,
    changed: true,
    bytesParsed: 0,
    bytesRead: 0,
    fetches: heard.fetches,
  }
  if (heard.challenge) {
    const message =
      'a bot challenge page (Cloudflare or similar) answered instead of the feed: the publisher ' +
      'blocks automated readers; ask them to allow Feedwatch, or add headers they accept'
    state.health = 'error'
    state.failures += 1
    state.challenged = true
    state.lastError = { message, status, at }
    return { ...base, error: message }
  }
  if (status !== undefined && THROTTLE_STATUSES.has(status)) {
    // The host is busy or rate-limiting us: wait, and make its other feeds wait (the tick), but
    // the feed is not broken: health and failures stay as they were.
    const retryAfter = error instanceof FetchError ? error.retryAfterSeconds : undefined
    const waitSeconds = throttleSeconds(retryAfter, state.throttles ?? 0)
    state.throttles = (state.throttles ?? 0) + 1
    state.notBefore = new Date(now.getTime() + waitSeconds * 1000).toISOString()
    const message = `HTTP ${status}: the host asked us to wait; its feeds pause until ${state.notBefore}`
    state.lastError = { message, status, at }
    return { ...base, error: message, throttled: true }
  }
  const message =
    status === 410
      ? 'HTTP 410 Gone: the publisher removed this feed for good; polling stopped (delete it, or add its new address as a new feed)'
      : describeFailure(error)
  state.health = 'error'
  state.failures += 1
  state.lastError = { message, status, at }
  if (status === 410) state.gone = true
  return { ...base, error: message }
}

/**
 * Seconds the response says it stays fresh, and which header said so: Cache-Control max-age, else
 * the time left until its Expires date (RFC 9111, 4.2.1: max-age wins over Expires).
 */
export function freshness(
  hints: { maxAgeSeconds?: number; expires?: string },
  now: Date,
): { seconds: number; from: 'cache-control' | 'expires' } | undefined {
  if (hints.maxAgeSeconds !== undefined)
    return { seconds: hints.maxAgeSeconds, from: 'cache-control' }
  if (hints.expires === undefined) return undefined
  const left = (Date.parse(hints.expires) - now.getTime()) / 1000
  return Number.isFinite(left) && left > 0 ? { seconds: left, from: 'expires' } : undefined
}

/** Seconds the response says it stays fresh (freshness, without its source). */
export const freshFor = (
  hints: { maxAgeSeconds?: number; expires?: string },
  now: Date,
): number | undefined => freshness(hints, now)?.seconds

/** The failure as stored and shown: URLs in it are redacted (a feed URL may carry a key). */
function describeFailure(error: unknown): string {
  const message =
    error instanceof ParseError ? `not a readable feed: ${error.message}` : errorMessage(error)
  return redactUrlsIn(message)
}
