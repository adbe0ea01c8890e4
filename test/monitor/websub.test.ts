// The WebSub lifecycle's pure decisions: what a verification does, when leases renew (with
// jitter) and expire, which feeds are subscribed or unsubscribed, hub request budgets, and misses.
import { describe, expect, it } from 'vitest'
import type { Feed } from '../../src/model'
import {
  applyVerification,
  countMisses,
  DEMOTE_AFTER_MISSES,
  MAX_HUB_REQUESTS_PER_TICK,
  MISS_GRACE_MINUTES,
  PENDING_TIMEOUT_MS,
  feedsWatched,
  planWebSub,
  publicBaseOf,
  renewalTime,
  RENEW_AT_SHARE,
  RENEW_JITTER_SHARE,
} from '../../src/monitor/websub'
import { epochMinute } from '../../src/monitor/schedule'
import { emptyWebSub, type Subscription, type WebSubDoc } from '../../src/store/websub'

const now = new Date('2026-12-04T12:00:00Z')
const later = (ms: number) => new Date(now.getTime() + ms)
const feed = (id: string, extra: Partial<Feed> = {}): Feed => ({
  id,
  url: `https://pub.example/${id}`,
  enabled: true,
  tags: [],
  ...extra,
})
const subscription = (extra: Partial<Subscription> = {}): Subscription => ({
  id: 'tok',
  feedId: 'a',
  topic: 'https://pub.example/a',
  hub: 'https://hub.example/',
  secret: 's',
  state: 'pending',
  pendingMode: 'subscribe',
  requestedAt: now.toISOString(),
  pushes: 0,
  rejected: 0,
  misses: 0,
  pushed: [],
  ...extra,
})
const docWith = (...subs: Subscription[]): WebSubDoc => ({
  ...emptyWebSub(),
  subscriptions: Object.fromEntries(subs.map((s) => [s.id, s])),
})

describe('publicBaseOf', () => {
  it.each([
    ['https://feedwatch.example.workers.dev/', 'https://feedwatch.example.workers.dev'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['', undefined],
  ])('reads %j as %j', (raw, base) => {
    expect(publicBaseOf({ PUBLIC_URL: raw })).toBe(base)
  })

  it.each(['http://feedwatch.example', 'not a url'])('refuses %j, naming PUBLIC_URL', (raw) => {
    expect(() => publicBaseOf({ PUBLIC_URL: raw })).toThrow(/PUBLIC_URL/)
  })
})

describe('applyVerification', () => {
  const query = {
    mode: 'subscribe',
    topic: 'https://pub.example/a',
    challenge: 'c',
    leaseSeconds: '1000',
  }

  it('activates a pending subscription with the granted lease and a jittered renewal', () => {
    const doc = docWith(subscription())
    expect(applyVerification(doc, 'tok', query, now, 0.5)).toBe('c')
    const sub = doc.subscriptions.tok!
    expect(sub).toMatchObject({ state: 'active', leaseSeconds: 1000, pendingMode: undefined })
    expect(sub.expiresAt).toBe(later(1_000_000).toISOString())
    expect(sub.renewAt).toBe(renewalTime(now, 1000, 0.5).toISOString())
  })

  it.each([
    ['an unknown callback', 'other', query],
    ['another topic', 'tok', { ...query, topic: 'https://pub.example/b' }],
    ['a mode not requested', 'tok', { ...query, mode: 'unsubscribe' }],
    ['no challenge', 'tok', { ...query, challenge: undefined }],
  ])('answers nothing (404) for %s, changing nothing', (_, id, q) => {
    const doc = docWith(subscription())
    expect(applyVerification(doc, id, q, now, 0)).toBeUndefined()
    expect(doc.subscriptions.tok!.state).toBe('pending')
  })

  it('confirms a hub’s renewed verification of a live subscription, extending its lease', () => {
    const doc = docWith(subscription({ state: 'active', pendingMode: undefined }))
    expect(applyVerification(doc, 'tok', query, later(5000), 0)).toBe('c')
    expect(doc.subscriptions.tok!.expiresAt).toBe(later(1_005_000).toISOString())
  })

  it('refuses to confirm a subscription that is no longer wanted', () => {
    const doc = docWith(subscription({ state: 'demoted', pendingMode: undefined }))
    expect(applyVerification(doc, 'tok', query, now, 0)).toBeUndefined()
  })

  it('records a denial with the hub’s reason', () => {
    const doc = docWith(subscription())
    applyVerification(
      doc,
      'tok',
      { mode: 'denied', topic: query.topic, reason: 'not allowed' },
      now,
      0,
    )
    expect(doc.subscriptions.tok).toMatchObject({
      state: 'denied',
      reason: expect.stringMatching(/not allowed/),
    })
  })

  it('forgets a subscription once its unsubscribe is verified', () => {
    const doc = docWith(subscription({ state: 'active', pendingMode: 'unsubscribe' }))
    expect(applyVerification(doc, 'tok', { ...query, mode: 'unsubscribe' }, now, 0)).toBe('c')
    expect(doc.subscriptions).toEqual({})
  })
})

describe('renewalTime', () => {
  it.each([0, 0.5, 0.999])('falls within the renewal window for jitter %d', (random) => {
    const lease = 864_000
    const at = renewalTime(now, lease, random).getTime() - now.getTime()
    expect(at).toBeGreaterThanOrEqual(lease * 1000 * RENEW_AT_SHARE)
    expect(at).toBeLessThan(lease * 1000 * (RENEW_AT_SHARE + RENEW_JITTER_SHARE))
  })
})

describe('planWebSub', () => {
  it('discovers every enabled public feed without a subscription, within the per-tick budget', () => {
    const feeds = Array.from({ length: MAX_HUB_REQUESTS_PER_TICK + 3 }, (_, i) => feed(`f${i}`))
    feeds.push(
      feed('off', { enabled: false }),
      feed('private', { headers: { authorization: 'x' } }),
    )
    const actions = planWebSub(feeds, emptyWebSub(), now)
    expect(actions).toHaveLength(MAX_HUB_REQUESTS_PER_TICK)
    expect(actions.every((a) => a.kind === 'discover' && a.feed.enabled && !a.feed.headers)).toBe(
      true,
    )
  })

  it('waits for a probe’s next time before discovering a feed again', () => {
    const doc = emptyWebSub()
    doc.probes.a = {
      checkedAt: now.toISOString(),
      nextAt: later(60_000).toISOString(),
      failures: 1,
      note: 'x',
    }
    expect(planWebSub([feed('a')], doc, now)).toEqual([])
    expect(planWebSub([feed('a')], doc, later(61_000))).toHaveLength(1)
  })

  it('unsubscribes when no enabled feed needs the subscription any more', () => {
    const doc = docWith(subscription({ state: 'active', pendingMode: undefined }))
    const [action] = planWebSub([feed('a', { enabled: false })], doc, now)
    expect(action).toMatchObject({ kind: 'unsubscribe', sub: { id: 'tok' } })
  })

  it.each([
    ['an enabled watch of every feed', [{ enabled: true, scope: {} }], ['a', 'b']],
    ['a watch scoped to feed b', [{ enabled: true, scope: { feeds: ['b'] } }], ['b']],
    ['a watch scoped to tag news', [{ enabled: true, scope: { tags: ['news'] } }], ['a']],
    ['only a disabled watch', [{ enabled: false, scope: {} }], []],
  ])('subscribes only feeds a watch reads: %s', (_, watches, expected) => {
    const feeds = [feed('a', { tags: ['news'] }), feed('b')]
    const full = watches.map((w, i) => ({
      id: `w${i}`,
      name: 'w',
      query: 'q',
      destinations: ['d'],
      mode: 'instant' as const,
      ...w,
    }))
    expect(feedsWatched(feeds, full).map((f) => f.id)).toEqual(expected)
  })

  it('renews (re-discovering) once the renewal time passed, and marks the lease expiring', () => {
    const sub = subscription({
      state: 'active',
      pendingMode: undefined,
      renewAt: later(1000).toISOString(),
      expiresAt: later(10_000).toISOString(),
    })
    const doc = docWith(sub)
    expect(planWebSub([feed('a')], doc, now)).toEqual([])
    const [action] = planWebSub([feed('a')], doc, later(2000))
    expect(action).toMatchObject({ kind: 'discover', renewing: { id: 'tok' } })
    expect(doc.subscriptions.tok!.state).toBe('expiring')
  })

  it('asks again, after a backoff, when a hub never verifies a renewal', () => {
    const sub = subscription({
      state: 'expiring',
      pendingMode: 'subscribe',
      expiresAt: later(100 * PENDING_TIMEOUT_MS).toISOString(),
    })
    const doc = docWith(sub)
    expect(planWebSub([feed('a')], doc, later(PENDING_TIMEOUT_MS + 1))).toEqual([])
    expect(doc.probes.a?.note).toMatch(/renewal never verified/)
    const retryAt = new Date(Date.parse(doc.probes.a!.nextAt) + 1)
    expect(planWebSub([feed('a')], doc, retryAt)).toMatchObject([{ renewing: { id: 'tok' } }])
  })

  it('marks a lease expired when it ends unrenewed, and subscribes the feed afresh', () => {
    const doc = docWith(
      subscription({
        state: 'expiring',
        pendingMode: 'subscribe',
        expiresAt: later(1000).toISOString(),
      }),
    )
    const [action] = planWebSub([feed('a')], doc, later(2000))
    expect(doc.subscriptions.tok!.state).toBe('expired')
    expect(action).toMatchObject({ kind: 'discover', feed: { id: 'a' } })
    expect(action).not.toHaveProperty('renewing')
  })

  it('gives up a request the hub never verified, and retries discovery later', () => {
    const doc = docWith(subscription())
    expect(planWebSub([feed('a')], doc, later(PENDING_TIMEOUT_MS + 1))).toEqual([])
    expect(doc.subscriptions).toEqual({})
    expect(doc.probes.a?.note).toMatch(/never verified/)
  })

  it.each(['denied', 'demoted'] as const)('leaves a %s feed to polling', (state) => {
    const doc = docWith(subscription({ state, pendingMode: undefined }))
    expect(planWebSub([feed('a')], doc, now)).toEqual([])
  })
})

describe('countMisses', () => {
  const minute = epochMinute(now)
  const active = () =>
    subscription({
      state: 'active',
      pendingMode: undefined,
      missCheckedMinute: minute - 20,
      pushed: ['p1'],
    })
  const state = (seen: Array<[string, number]>) => ({
    url: 'https://pub.example/a',
    intervalMinutes: 10,
    failures: 0,
    health: 'ok' as const,
    seen,
  })

  it('counts items polls found that no push brought, after the grace period only', () => {
    const sub = active()
    const seen: Array<[string, number]> = [
      ['old', minute - 30],
      ['p1', minute - 10],
      ['polled', minute - 10],
      ['recent', minute - MISS_GRACE_MINUTES + 1],
    ]
    expect(countMisses(sub, state(seen), now)).toBe(false)
    expect(sub.misses).toBe(1)
    expect(countMisses(sub, state(seen), now)).toBe(false)
    expect(sub.misses).toBe(1)
  })

  it(`demotes the hub at ${DEMOTE_AFTER_MISSES} misses, saying so`, () => {
    const sub = active()
    const seen = Array.from({ length: DEMOTE_AFTER_MISSES }, (_, i): [string, number] => [
      `m${i}`,
      minute - 10,
    ])
    expect(countMisses(sub, state(seen), now)).toBe(true)
    expect(sub).toMatchObject({ state: 'demoted', pendingMode: 'unsubscribe' })
    expect(sub.reason).toMatch(/demoted to polling/)
  })
})
