// WebSub subscriptions' lifecycle (W3C WebSub §5, §5.3): which feeds to subscribe, renew, give up
// or unsubscribe, what a hub's verification of intent does to a subscription, and when a hub that
// misses items is demoted to polling. The decisions are pure functions of the configuration, the
// stored subscriptions (src/store/websub.ts) and `now`; `runWebSub` (called from the cron) performs
// them: discovery GETs (src/ingest/websub-discovery.ts) and form-encoded POSTs to hubs, a few per
// tick. Polling is never postponed by a subscription: pushes only bring items sooner.
// Not responsible for receiving pushes (src/http/websub.ts) or ingesting them (websub-push.ts).
import type { Feed, Watch } from '../model'
import { USER_AGENT, MAX_FEED_BYTES } from '../ingest'
import { discoverWebSub } from '../ingest/websub-discovery'
import { ConfigError, errorMessage } from '../lib/errors'
import { base64url } from '../lib/hash'
import { redactUrlsIn } from '../lib/redact'
import { loadConfig, type ConfigEnv } from '../store/config'
import { loadShard, type FeedState } from '../store/shards'
import {
  loadWebSub,
  updateWebSub,
  type Probe,
  type Subscription,
  type WebSubDoc,
} from '../store/websub'
import { inScope } from './alerts'
import { epochMinute, shardOf } from './schedule'

/** Lease asked of hubs: 10 days, the common hub default; the hub may grant another (§5.1). */
export const REQUESTED_LEASE_SECONDS = 10 * 24 * 3600
/** Renew when this share of the lease has passed (plus jitter), well before it ends. */
export const RENEW_AT_SHARE = 0.7
/** Up to this share of the lease again, at random, so renewals of many feeds spread out. */
export const RENEW_JITTER_SHARE = 0.1
/** A hub that has not verified a request within this long is taken as not answering. */
export const PENDING_TIMEOUT_MS = 60 * 60_000
/** A feed without a hub is looked at again daily (publishers add hubs rarely). */
export const NO_HUB_RECHECK_MS = 24 * 3_600_000
/** After a failed discovery or hub request: retry in an hour, doubling, up to a day. */
export const RETRY_BASE_MS = 3_600_000
/**
 * Discoveries, renewals or unsubscriptions per tick (each at most a GET and a POST): the tick's 50
 * subrequests belong mostly to polling (MAX_POLLS_PER_TICK, 40).
 */
export const MAX_HUB_REQUESTS_PER_TICK = 3
/** Items a poll finds that no push brought before the hub is demoted to polling. */
export const DEMOTE_AFTER_MISSES = 3
/** A push may arrive this long after a poll found its item without counting as a miss. */
export const MISS_GRACE_MINUTES = 5
/** Item digests remembered per subscription as "brought by a push". */
export const PUSHED_MEMORY = 200
/** An expired subscription stays in the status this long after its lease ended. */
export const EXPIRED_SHOWN_MS = 24 * 3_600_000
/** Callback path prefix (src/http/websub.ts mounts it). */
export const CALLBACK_PREFIX = '/websub/'

const LIVE = new Set(['pending', 'active', 'expiring'])
export const isLive = (s: Subscription): boolean => LIVE.has(s.state)

/**
 * The deployment's public base URL from PUBLIC_URL, or undefined when push is off. https is
 * required, except for loopback hosts (local development with wrangler dev).
 */
export function publicBaseOf(env: { PUBLIC_URL?: string }): string | undefined {
  const raw = env.PUBLIC_URL?.trim()
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch (cause) {
    throw new ConfigError('PUBLIC_URL', `"${raw}" is not a URL`, { cause })
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('PUBLIC_URL', 'must be https (plain http only on a loopback host)')
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export const callbackOf = (base: string, id: string): string => `${base}${CALLBACK_PREFIX}${id}`

/** 128 random bits, URL-safe: a callback path nobody can guess. */
export function newToken(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/** When a lease of `leaseSeconds` verified at `now` is renewed (`random` in [0, 1)). */
export function renewalTime(now: Date, leaseSeconds: number, random: number): Date {
  const share = RENEW_AT_SHARE + RENEW_JITTER_SHARE * random
  return new Date(now.getTime() + leaseSeconds * 1000 * share)
}

export interface VerificationQuery {
  mode?: string
  topic?: string
  challenge?: string
  leaseSeconds?: string
  reason?: string
}

/**
 * A hub's verification of intent (§5.3) or denial (§5.2) for `sub` (undefined: unknown callback).
 * Returns the challenge to echo, or undefined for 404; applies the change to `doc` in place.
 */
export function applyVerification(
  doc: WebSubDoc,
  id: string,
  q: VerificationQuery,
  now: Date,
  random: number,
): string | undefined {
  const sub = doc.subscriptions[id]
  if (!sub || q.topic !== sub.topic) return undefined
  if (q.mode === 'denied') {
    sub.state = 'denied'
    sub.pendingMode = undefined
    sub.reason = `the hub denied the subscription${q.reason ? `: ${q.reason.slice(0, 200)}` : ''}`
    return q.challenge ?? ''
  }
  // The mode we asked for; with no request under way, a live subscription is still wanted (a hub
  // may verify again when it renews on its own).
  const wanted = sub.pendingMode ?? (isLive(sub) ? 'subscribe' : undefined)
  if (!q.challenge || q.mode !== wanted) return undefined
  if (q.mode === 'unsubscribe') {
    // A demoted subscription stays listed (the status says why polling took over).
    if (sub.state === 'demoted') sub.pendingMode = undefined
    else delete doc.subscriptions[id]
    return q.challenge
  }
  const lease = Number(q.leaseSeconds)
  const leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : REQUESTED_LEASE_SECONDS
  sub.state = 'active'
  sub.pendingMode = undefined
  sub.reason = undefined
  sub.verifiedAt ??= now.toISOString()
  sub.missCheckedMinute ??= epochMinute(now)
  sub.leaseSeconds = leaseSeconds
  sub.expiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString()
  sub.renewAt = renewalTime(now, leaseSeconds, random).toISOString()
  return q.challenge
}

export type Action =
  | { kind: 'discover'; feed: Feed; renewing?: Subscription }
  | { kind: 'unsubscribe'; sub: Subscription }

/**
 * The feeds some enabled watch applies to: only those are worth a push subscription (a feed no
 * watch reads is still polled, for its state and health, but a hub need not push it).
 */
export function feedsWatched(feeds: Feed[], watches: Watch[]): Feed[] {
  const active = watches.filter((w) => w.enabled)
  return feeds.filter((feed) => active.some((w) => inScope(w, feed)))
}

/**
 * Moves states on with time (expiring, expired, pending given up) in `doc`, in place, and returns
 * the requests this tick should make, at most MAX_HUB_REQUESTS_PER_TICK.
 */
export function planWebSub(feeds: Feed[], doc: WebSubDoc, now: Date): Action[] {
  const t = now.getTime()
  const actions: Action[] = []
  const wanted = new Map(
    feeds.filter((f) => f.enabled && !f.headers).map((f): [string, Feed] => [f.id, f]),
  )
  const covered = new Set<string>()
  for (const sub of Object.values(doc.subscriptions)) {
    const feed = wanted.get(sub.feedId)
    if (sub.expiresAt && Date.parse(sub.expiresAt) <= t && isLive(sub)) {
      sub.state = 'expired'
      sub.pendingMode = undefined
      sub.reason = 'the lease ended before a renewal was verified'
    }
    if (sub.state === 'pending' && t - Date.parse(sub.requestedAt) > PENDING_TIMEOUT_MS) {
      // The hub never verified: forget it, and try discovery again later.
      delete doc.subscriptions[sub.id]
      doc.probes[sub.feedId] = probeAfterFailure(doc.probes[sub.feedId], now, 'hub never verified')
      continue
    }
    if (!feed) {
      if (isLive(sub) && sub.pendingMode !== 'unsubscribe')
        actions.push({ kind: 'unsubscribe', sub })
      else if (!isLive(sub)) delete doc.subscriptions[sub.id]
      continue
    }
    if (sub.state === 'demoted' || sub.state === 'denied') {
      covered.add(sub.feedId) // polling only until the feed is re-added or its hub changes
      continue
    }
    if (sub.state === 'expired') {
      // Shown for a while, then forgotten; the feed is discovered again below, like a new feed.
      if (t - Date.parse(sub.expiresAt ?? sub.requestedAt) > EXPIRED_SHOWN_MS) {
        delete doc.subscriptions[sub.id]
      }
      continue
    }
    covered.add(sub.feedId)
    if (sub.state === 'active' && sub.renewAt && Date.parse(sub.renewAt) <= t) {
      sub.state = 'expiring'
    }
    if (
      sub.state === 'expiring' &&
      sub.pendingMode === 'subscribe' &&
      t - Date.parse(sub.requestedAt) > PENDING_TIMEOUT_MS
    ) {
      // The hub never verified the renewal: ask again (after the failure backoff) while the lease
      // lasts.
      sub.pendingMode = undefined
      doc.probes[sub.feedId] = probeAfterFailure(
        doc.probes[sub.feedId],
        now,
        'renewal never verified',
      )
    }
    const probe = doc.probes[sub.feedId]
    const backingOff = probe !== undefined && Date.parse(probe.nextAt) > t
    if (sub.state === 'expiring' && sub.pendingMode === undefined && !backingOff) {
      actions.push({ kind: 'discover', feed, renewing: sub })
    }
  }
  for (const feed of wanted.values()) {
    if (covered.has(feed.id)) continue
    const probe = doc.probes[feed.id]
    if (probe && Date.parse(probe.nextAt) > t) continue
    actions.push({ kind: 'discover', feed })
  }
  for (const id of Object.keys(doc.probes)) if (!wanted.has(id)) delete doc.probes[id]
  return actions.slice(0, MAX_HUB_REQUESTS_PER_TICK)
}

export function probeAfterFailure(previous: Probe | undefined, now: Date, note: string): Probe {
  const failures = (previous?.failures ?? 0) + 1
  const wait = Math.min(NO_HUB_RECHECK_MS, RETRY_BASE_MS * 2 ** (failures - 1))
  return {
    checkedAt: now.toISOString(),
    nextAt: new Date(now.getTime() + wait).toISOString(),
    failures,
    note: redactUrlsIn(note).slice(0, 300),
  }
}

/**
 * Counts, in `sub`, the items of the feed's seen set first recorded after the last check (and
 * at least MISS_GRACE_MINUTES ago) that no push brought, and demotes the subscription at
 * DEMOTE_AFTER_MISSES. Returns whether it was demoted now.
 */
export function countMisses(sub: Subscription, state: FeedState | undefined, now: Date): boolean {
  if (sub.state !== 'active' && sub.state !== 'expiring') return false
  const upTo = epochMinute(now) - MISS_GRACE_MINUTES
  const from = sub.missCheckedMinute ?? upTo
  if (!state || upTo <= from) return false
  const pushed = new Set(sub.pushed)
  const missed = state.seen.filter(([d, m]) => m > from && m <= upTo && !pushed.has(d)).length
  sub.missCheckedMinute = upTo
  sub.misses += missed
  if (sub.misses < DEMOTE_AFTER_MISSES) return false
  sub.state = 'demoted'
  sub.pendingMode = 'unsubscribe'
  sub.reason =
    `demoted to polling: polls found ${sub.misses} items the hub never pushed ` +
    `(limit ${DEMOTE_AFTER_MISSES})`
  return true
}

export interface WebSubDeps {
  store: ConfigEnv & Pick<Env, 'KV'>
  fetch: typeof fetch
  now: Date
  random: () => number
  publicBase: string
  shardCount: number
  log?: (line: string) => void
}

/** Reads a response body up to MAX_FEED_BYTES as text. */
async function boundedText(res: Response): Promise<string> {
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes.byteLength > MAX_FEED_BYTES) {
    throw new ConfigError('feed', `body over ${MAX_FEED_BYTES} bytes, not read for discovery`)
  }
  return new TextDecoder().decode(bytes)
}

/** GETs the feed and reads its hubs and topic (§4). */
async function discover(feed: Feed, deps: WebSubDeps) {
  const res = await deps.fetch(feed.url, {
    headers: { 'user-agent': USER_AGENT },
    redirect: 'follow',
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new ConfigError('feed', `discovery GET answered ${res.status}`)
  const body = await boundedText(res)
  return discoverWebSub({
    url: res.url || feed.url,
    linkHeader: res.headers.get('link'),
    body,
    contentType: res.headers.get('content-type'),
  })
}

/** The form-encoded request to a hub (§5.1); throws unless the hub answers 2xx (202 normally). */
async function askHub(
  sub: Subscription,
  mode: 'subscribe' | 'unsubscribe',
  deps: WebSubDeps,
): Promise<void> {
  const form = new URLSearchParams({
    'hub.callback': callbackOf(deps.publicBase, sub.id),
    'hub.mode': mode,
    'hub.topic': sub.topic,
  })
  if (mode === 'subscribe') {
    form.set('hub.secret', sub.secret)
    form.set('hub.lease_seconds', String(REQUESTED_LEASE_SECONDS))
  }
  const res = await deps.fetch(sub.hub, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
    body: form.toString(),
    redirect: 'follow',
    signal: AbortSignal.timeout(10_000),
  })
  if (res.status < 200 || res.status > 299) {
    const text = (await res.text()).slice(0, 200)
    throw new ConfigError('hub', `${mode} answered ${res.status}${text ? `: ${text}` : ''}`)
  }
}

/** The cron's WebSub step: time moves states on, then the planned requests are made. */
export async function runWebSub(deps: WebSubDeps): Promise<void> {
  const say = deps.log ?? ((line: string) => console.log(line))
  const { now } = deps
  const config = await loadConfig(deps.store)
  const actions = await updateWebSub(deps.store, (doc) =>
    planWebSub(feedsWatched(config.feeds, config.watches), doc, now),
  )
  await checkMisses(deps, say)
  for (const action of actions) {
    if (action.kind === 'unsubscribe') {
      const { sub } = action
      const error = await askHub(sub, 'unsubscribe', deps).then(
        () => undefined,
        (e: unknown) => errorMessage(e),
      )
      await updateWebSub(deps.store, (doc) => {
        const current = doc.subscriptions[sub.id]
        if (!current) return
        // Unanswered: the lease runs out by itself, and pushes meanwhile get 410.
        if (error) delete doc.subscriptions[sub.id]
        else current.pendingMode = 'unsubscribe'
      })
      continue
    }
    await subscribeFeed(action.feed, action.renewing, deps, say)
  }
}

async function subscribeFeed(
  feed: Feed,
  renewing: Subscription | undefined,
  deps: WebSubDeps,
  say: (line: string) => void,
): Promise<void> {
  const { now } = deps
  let found: { hubs: string[]; self: string }
  try {
    found = await discover(feed, deps)
  } catch (error) {
    const note = `discovery failed: ${errorMessage(error)}`
    say(`websub ${feed.id}: ${redactUrlsIn(note)}`)
    await updateWebSub(deps.store, (doc) => {
      doc.probes[feed.id] = probeAfterFailure(doc.probes[feed.id], now, note)
    })
    return
  }
  const hub = found.hubs[0]
  if (!hub) {
    await updateWebSub(deps.store, (doc) => {
      if (renewing) delete doc.subscriptions[renewing.id] // the publisher dropped its hub
      doc.probes[feed.id] = {
        checkedAt: now.toISOString(),
        nextAt: new Date(now.getTime() + NO_HUB_RECHECK_MS).toISOString(),
        failures: 0,
        note: 'no hub advertised',
      }
    })
    return
  }
  // Re-discovery on renewal: the same hub and topic keep their callback; a change starts afresh
  // (the old callback then answers 410).
  const same = renewing && renewing.hub === hub && renewing.topic === found.self
  const sub: Subscription = same
    ? { ...renewing, pendingMode: 'subscribe' }
    : {
        id: newToken(),
        feedId: feed.id,
        topic: found.self,
        hub,
        secret: newToken(24),
        state: 'pending',
        pendingMode: 'subscribe',
        requestedAt: now.toISOString(),
        pushes: 0,
        rejected: 0,
        misses: 0,
        pushed: [],
      }
  sub.requestedAt = now.toISOString()
  // Stored before asking, so a hub that verifies at once finds the subscription.
  await updateWebSub(deps.store, (doc) => {
    if (renewing && !same) delete doc.subscriptions[renewing.id]
    doc.subscriptions[sub.id] = sub
  })
  try {
    await askHub(sub, 'subscribe', deps)
    await updateWebSub(deps.store, (doc) => {
      doc.probes[feed.id] = {
        checkedAt: now.toISOString(),
        nextAt: now.toISOString(),
        failures: 0,
        note: `hub ${new URL(hub).host}`,
      }
    })
  } catch (error) {
    const note = `hub request failed: ${errorMessage(error)}`
    say(`websub ${feed.id}: ${redactUrlsIn(note)}`)
    await updateWebSub(deps.store, (doc) => {
      const current = doc.subscriptions[sub.id]
      if (current && current.state === 'pending') delete doc.subscriptions[sub.id]
      else if (current) current.pendingMode = undefined // a renewal: retried next tick
      doc.probes[feed.id] = probeAfterFailure(doc.probes[feed.id], now, note)
    })
  }
}

/** Compares each live subscription's pushes with what polls found (one KV read per shard). */
async function checkMisses(deps: WebSubDeps, say: (line: string) => void): Promise<void> {
  const doc = await loadWebSub(deps.store)
  const live = Object.values(doc.subscriptions).filter(
    (s) => s.state === 'active' || s.state === 'expiring',
  )
  if (live.length === 0) return
  const shards = new Map<number, Record<string, FeedState>>()
  for (const n of new Set(live.map((s) => shardOf(s.feedId, deps.shardCount)))) {
    shards.set(n, (await loadShard(deps.store.KV, n)).doc.feeds)
  }
  const demoted: Subscription[] = []
  await updateWebSub(deps.store, (current) => {
    for (const { id } of live) {
      const sub = current.subscriptions[id]
      if (!sub) continue
      const state = shards.get(shardOf(sub.feedId, deps.shardCount))?.[sub.feedId]
      if (countMisses(sub, state, deps.now)) demoted.push({ ...sub })
    }
  })
  for (const sub of demoted) {
    say(`websub ${sub.feedId}: ${sub.reason}`)
    // Best effort: a hub that ignores it gets 410 for its pushes until the lease ends.
    await askHub(sub, 'unsubscribe', deps).catch((error: unknown) =>
      say(`websub ${sub.feedId}: unsubscribe failed: ${redactUrlsIn(errorMessage(error))}`),
    )
  }
}

/** What the API shows of each subscription: everything but its secret and pushed-item digests. */
export function publicSubscriptions(doc: WebSubDoc) {
  return Object.values(doc.subscriptions).map(({ secret: _secret, pushed, ...rest }) => ({
    ...rest,
    remembered: pushed.length,
  }))
}
