// WebSub push beside polling, in workerd: a fake hub on the loopback server records subscription
// requests; the test plays the hub's side towards the Worker (verification of intent, signed
// content distribution) through the Worker's fetch handler, and alerts arrive over real HTTP at a
// receiver on loopback through the real queue. Cases after websub.rocks: discovery from headers,
// a rel=self different from the fetched URL, invalid and missing signatures; plus the dead hub,
// a push during a poll, duplicate delivery, lease renewal and expiry, demotion to polling.
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { MAX_PUSH_BYTES } from '../../src/http/websub'
import { rss, type TestItem } from '../support/feeds'
import { forget, loopbackUrl, received, script } from '../support/loopback'
import { api, eventually, sleep, tick } from '../support/worker'

const PUBLIC_URL = 'http://127.0.0.1:8787'
const withPush = { ...env, PUBLIC_URL } as Env
const base = Date.now()
const at = (minutes: number) => new Date(base + minutes * 60_000)

const history: TestItem[] = [{ guid: 'h1', title: 'Old story about the weather' }]
const erupts: TestItem = { guid: 'v1', title: 'Volcano erupts near the coast' }
const fake: TestItem = { guid: 'forged', title: 'Volcano forged story' }
const ash: TestItem = { guid: 'v2', title: 'Volcano ash closes the airport' }

/** The Worker's answer to a request from a hub. */
async function hubCall(
  method: string,
  url: string,
  init: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(url, { method, ...init }), withPush, ctx)
  await waitOnExecutionContext(ctx)
  return { status: res.status, text: await res.text() }
}

async function sign(algorithm: string, secret: string, body: string): Promise<string> {
  const hash = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }[
    algorithm
  ] as string
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))
  return `${algorithm}=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

interface SubscribeRequest {
  callback: string
  topic: string
  secret: string
  mode: string
  lease: string
}

async function hubRequests(path: string): Promise<SubscribeRequest[]> {
  return (await received(path)).map((r) => {
    const form = new URLSearchParams(r.body)
    return {
      callback: form.get('hub.callback') ?? '',
      topic: form.get('hub.topic') ?? '',
      secret: form.get('hub.secret') ?? '',
      mode: form.get('hub.mode') ?? '',
      lease: form.get('hub.lease_seconds') ?? '',
    }
  })
}

const verify = (sub: SubscribeRequest, params: Record<string, string>) =>
  hubCall('GET', `${sub.callback}?${new URLSearchParams(params)}`)

async function subscriptions(): Promise<any[]> {
  const status = await api('GET', '/api/websub')
  expect(status.status).toBe(200)
  return status.json.subscriptions
}

/** Alerts the receiver got whose body mentions `text`. */
async function alertsAbout(text: string): Promise<number> {
  return (await received('/ws/hooks/main')).filter((r) => r.body.includes(text)).length
}

describe('WebSub push beside polling', () => {
  let feedUrl: string
  let topic: string
  let sub: SubscribeRequest

  beforeAll(async () => {
    // The topic (rel=self) differs from the URL the feed is fetched from.
    topic = `${loopbackUrl()}/ws/topic`
    feedUrl = await script('/ws/feed.xml', {
      body: rss('Volcano watch', history),
      headers: { link: `<${loopbackUrl()}/ws/hub>; rel="hub", <${topic}>; rel="self"` },
    })
    await script('/ws/hub', { status: 202 })
    await script('/ws/dead-hub', { status: 500, body: 'hub down' })
    await script('/ws/dead.xml', {
      body: rss(
        'Dead hub feed',
        [],
        `<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="${loopbackUrl()}/ws/dead-hub"/>`,
      ),
    })
    await script('/ws/hooks/main', { status: 204 })
    const destination = await api('POST', '/api/destinations', {
      id: 'ws-hook',
      name: 'Receiver',
      type: 'webhook',
      url: `${loopbackUrl()}/ws/hooks/main`,
      secret: 'whsec_' + btoa('0123456789abcdef0123456789abcdef'),
    })
    expect(destination.status).toBe(201)
    for (const [id, url] of [
      ['volcano-feed', feedUrl],
      ['dead-hub-feed', `${loopbackUrl()}/ws/dead.xml`],
    ]) {
      expect((await api('POST', '/api/feeds', { id, url, intervalMinutes: 1 })).status).toBe(201)
    }
    const watch = await api('POST', '/api/watches', {
      id: 'volcano',
      name: 'Volcano',
      query: 'volcano',
      destinations: ['ws-hook'],
    })
    expect(watch.status).toBe(201)
  })

  it('subscribes to the hub the Link header names, for the rel=self topic, with an unguessable callback', async () => {
    await tick(at(1), withPush)
    const requests = await hubRequests('/ws/hub')
    expect(requests).toHaveLength(1)
    sub = requests[0] as SubscribeRequest
    expect(sub.mode).toBe('subscribe')
    expect(sub.topic).toBe(topic)
    expect(sub.callback).toMatch(new RegExp(`^${PUBLIC_URL}/websub/[A-Za-z0-9_-]{22,}$`))
    expect(sub.secret.length).toBeGreaterThanOrEqual(32)
    expect(Number(sub.lease)).toBeGreaterThan(0)
    const [state] = await subscriptions()
    expect(state).toMatchObject({ feedId: 'volcano-feed', topic, state: 'pending' })
    expect(JSON.stringify(await subscriptions())).not.toContain(sub.secret)
    // The detailed status shows each subscription's state too, without its secret.
    const status = await api('GET', '/api/status')
    expect(status.json.websub.subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ feedId: 'volcano-feed', state: 'pending' }),
      ]),
    )
    expect(JSON.stringify(status.json)).not.toContain(sub.secret)
  })

  it('keeps polling a feed whose hub refuses, and says why in the status', async () => {
    const status = await api('GET', '/api/websub')
    expect(status.json.feeds['dead-hub-feed'].note).toMatch(
      /hub request failed: .*subscribe answered 500/,
    )
    expect(status.json.subscriptions.map((s: any) => s.feedId)).not.toContain('dead-hub-feed')
  })

  it.each([
    ['a different topic', { 'hub.topic': `${loopbackUrl()}/elsewhere` }],
    ['a different mode', { 'hub.mode': 'unsubscribe' }],
    ['no challenge', { 'hub.challenge': '' }],
  ])('answers 404 to a verification with %s', async (_, change) => {
    const params = {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'c-123',
      'hub.lease_seconds': '600',
      ...change,
    }
    expect((await verify(sub, params)).status).toBe(404)
  })

  it('answers 404 to a verification for an unknown callback', async () => {
    const other = { ...sub, callback: `${PUBLIC_URL}/websub/not-a-subscription` }
    const answer = await verify(other, {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'x',
    })
    expect(answer.status).toBe(404)
  })

  it('echoes the challenge for the matching callback, topic and mode, and becomes active', async () => {
    const answer = await verify(sub, {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'challenge-4711',
      'hub.lease_seconds': '600',
    })
    expect(answer).toEqual({ status: 200, text: 'challenge-4711' })
    const [state] = await subscriptions()
    expect(state.state).toBe('active')
    expect(state.leaseSeconds).toBe(600)
  })

  it('alerts once for a signed push, its duplicate delivery and the next poll', async () => {
    const body = rss('Volcano watch', [erupts, ...history])
    const first = await hubCall('POST', sub.callback, {
      body,
      headers: {
        'content-type': 'application/rss+xml',
        'x-hub-signature': await sign('sha256', sub.secret, body),
      },
    })
    expect(first.status).toBe(202)
    await eventually(() => alertsAbout(erupts.title))
    const again = await hubCall('POST', sub.callback, {
      body,
      headers: { 'x-hub-signature': await sign('sha512', sub.secret, body) },
    })
    expect(again.status).toBe(202)
    await script('/ws/feed.xml', {
      body,
      headers: { link: `<${loopbackUrl()}/ws/hub>; rel="hub", <${topic}>; rel="self"` },
    })
    await tick(at(2))
    await sleep(2000)
    expect(await alertsAbout(erupts.title)).toBe(1)
    // The duplicate may have waited for the tick's lease: both pushes are counted once ingested.
    await eventually(async () => (await subscriptions())[0].pushes === 2)
    expect(await alertsAbout(erupts.title)).toBe(1)
  })

  it.each([
    ['a wrong signature', { 'x-hub-signature': 'sha256=' + '00'.repeat(32) }],
    ['a signature by another secret', undefined],
    ['no signature though a secret was given', {}],
  ])('ignores the content of a push with %s, and fetches the topic instead', async (_, headers) => {
    await forget('/ws/feed.xml')
    const body = rss('Volcano watch', [fake])
    const signature = headers ?? { 'x-hub-signature': await sign('sha1', 'not-the-secret', body) }
    expect((await hubCall('POST', sub.callback, { body, headers: signature })).status).toBe(202)
    await eventually(async () => (await received('/ws/feed.xml')).length > 0)
    await sleep(1000)
    expect(await alertsAbout(fake.title)).toBe(0)
  })

  it('counts the rejected pushes in the status', async () => {
    expect((await subscriptions())[0].rejected).toBe(3)
  })

  it('answers 410 to a push for an unknown subscription, and 413 over the body cap', async () => {
    const gone = await hubCall('POST', `${PUBLIC_URL}/websub/unknown-subscription`, { body: 'x' })
    expect(gone.status).toBe(410)
    const huge = 'x'.repeat(MAX_PUSH_BYTES + 1)
    expect((await hubCall('POST', sub.callback, { body: huge })).status).toBe(413)
  })

  it('gives one alert for a push that arrives while a poll of the same item runs', async () => {
    const body = rss('Volcano watch', [ash, erupts, ...history])
    await script('/ws/feed.xml', { body, delayMs: 1500 })
    const polling = tick(at(3))
    await sleep(300)
    const push = await hubCall('POST', sub.callback, {
      body,
      headers: { 'x-hub-signature': await sign('sha384', sub.secret, body) },
    })
    expect(push.status).toBe(202)
    await polling
    await eventually(() => alertsAbout(ash.title))
    await sleep(5000) // the push waited for the tick's lease, then found the item seen
    expect(await alertsAbout(ash.title)).toBe(1)
  })

  it('renews before the lease ends, re-discovering, with the same callback', async () => {
    await script('/ws/feed.xml', {
      body: rss('Volcano watch', [ash, erupts, ...history]),
      headers: { link: `<${loopbackUrl()}/ws/hub>; rel="hub", <${topic}>; rel="self"` },
    })
    await forget('/ws/hub')
    await forget('/ws/feed.xml')
    // 600 s lease: renewal falls between 70 % and 80 % of it.
    await tick(at(9), withPush)
    const [renewal] = await hubRequests('/ws/hub')
    expect(renewal).toMatchObject({ mode: 'subscribe', callback: sub.callback, topic })
    expect((await received('/ws/feed.xml')).length).toBeGreaterThan(0)
    expect((await subscriptions())[0].state).toBe('expiring')
  })

  it('marks the lease expired when the renewal was never verified, and subscribes afresh', async () => {
    await forget('/ws/hub')
    await tick(at(11), withPush)
    const states = await subscriptions()
    expect(states.find((s) => s.id === sub.callback.split('/').pop())?.state).toBe('expired')
    const [fresh] = await hubRequests('/ws/hub')
    expect(fresh?.callback).not.toBe(sub.callback)
    expect((await hubCall('POST', sub.callback, { body: 'x' })).status).toBe(410)
    sub = fresh as SubscribeRequest
    const answer = await verify(sub, {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'again',
      'hub.lease_seconds': '86400',
    })
    expect(answer.status).toBe(200)
  })

  it('demotes a hub to polling when polls keep finding items it never pushed', async () => {
    const missed: TestItem[] = [1, 2, 3].map((n) => ({ guid: `m${n}`, title: `Quiet story ${n}` }))
    await script('/ws/feed.xml', {
      body: rss('Volcano watch', [...missed, ash, erupts, ...history]),
      headers: { link: `<${loopbackUrl()}/ws/hub>; rel="hub", <${topic}>; rel="self"` },
    })
    await forget('/ws/hub')
    await tick(at(12))
    await tick(at(18), withPush)
    const current = (await subscriptions()).find((s) => s.id === sub.callback.split('/').pop())
    expect(current.state).toBe('demoted')
    // The three quiet stories at least (earlier polled items count too: the test's ticks run on
    // a clock minutes ahead of the verification's).
    expect(current.misses).toBeGreaterThanOrEqual(3)
    expect(current.reason).toMatch(/demoted to polling: polls found \d+ items the hub never pushed/)
    const [unsubscribe] = await hubRequests('/ws/hub')
    expect(unsubscribe).toMatchObject({ mode: 'unsubscribe', callback: sub.callback })
  })
})

describe('WebSub with redirects, and when a feed is removed', () => {
  let sub: SubscribeRequest
  let finalUrl: string

  beforeAll(async () => {
    finalUrl = await script('/ws/r/feed.xml', {
      body: rss(
        'Moved feed',
        history,
        `<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="/ws/r/hub-old"/>`,
      ),
    })
    await script('/ws/r/old.xml', { status: 301, headers: { location: finalUrl } })
    await script('/ws/r/hub-old', { status: 307, headers: { location: '/ws/r/hub-new' } })
    await script('/ws/r/hub-new', { status: 202 })
    const created = await api('POST', '/api/feeds', {
      id: 'moved-feed',
      url: `${loopbackUrl()}/ws/r/old.xml`,
      intervalMinutes: 1,
    })
    expect(created.status).toBe(201)
  })

  it('follows a redirected topic and a redirected hub, the topic being the final URL', async () => {
    await tick(at(30), withPush)
    const requests = await hubRequests('/ws/r/hub-new')
    expect(requests).toHaveLength(1)
    sub = requests[0] as SubscribeRequest
    expect(sub).toMatchObject({ mode: 'subscribe', topic: finalUrl })
    const answer = await verify(sub, {
      'hub.mode': 'subscribe',
      'hub.topic': finalUrl,
      'hub.challenge': 'moved',
      'hub.lease_seconds': '3600',
    })
    expect(answer).toEqual({ status: 200, text: 'moved' })
  })

  it('unsubscribes when the feed is deleted, and forgets the subscription once verified', async () => {
    expect((await api('DELETE', '/api/feeds/moved-feed')).status).toBe(200)
    await forget('/ws/r/hub-new')
    await tick(at(31), withPush)
    const [request] = await hubRequests('/ws/r/hub-new')
    expect(request).toMatchObject({ mode: 'unsubscribe', callback: sub.callback, topic: finalUrl })
    const answer = await verify(sub, {
      'hub.mode': 'unsubscribe',
      'hub.topic': finalUrl,
      'hub.challenge': 'bye',
    })
    expect(answer).toEqual({ status: 200, text: 'bye' })
    const ids = (await subscriptions()).map((s) => s.id)
    expect(ids).not.toContain(sub.callback.split('/').pop())
    expect((await hubCall('POST', sub.callback, { body: 'x' })).status).toBe(410)
  })
})
