// Health that reaches the user, end to end in workerd: a feed that keeps failing is announced once
// to the health destination through the real queue and channel, its recovery once too; the status
// shows why and when the next poll comes, and each watch's matches.
import { describe, expect, it, beforeAll } from 'vitest'
import { rss } from '../support/feeds'
import { received, script } from '../support/loopback'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { ADMIN_TOKEN, api, eventually, tick } from '../support/worker'

async function call(url: string, init: RequestInit) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(url, init), env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const start = Date.now()
let minute = 0
const nextTickTime = () => new Date(start + ++minute * 60_000)

const titles = async (path: string) =>
  (await received(path)).map(
    (r) => (JSON.parse(r.body) as { data: { item: { title: string } } }).data.item.title,
  )

/** Ticks minute by minute until the feed's status satisfies `check` (backoff spaces polls out). */
async function tickUntil(check: (feed: any) => boolean, maxTicks = 40) {
  for (let i = 0; i < maxTicks; i++) {
    await tick(nextTickTime())
    const status = await api('GET', '/api/status')
    const feed = status.json.feeds.find((f: any) => f.id === 'flaky')
    if (check(feed)) return feed
  }
  throw new Error('the feed never reached the expected state')
}

describe('health events', () => {
  let feedUrl: string
  beforeAll(async () => {
    const item = { guid: 'a', title: 'Budget vote in parliament', pubDate: new Date(start) }
    feedUrl = await script('/sh/flaky.xml', { body: rss('Flaky', [item]) })
    await script('/sh/hooks/health', { status: 204 })
    await script('/sh/hooks/news', { status: 204 })
    const base = feedUrl.replace('/sh/flaky.xml', '')
    for (const [id, path] of [
      ['health-hook', '/sh/hooks/health'],
      ['news-hook', '/sh/hooks/news'],
    ]) {
      const d = await api('POST', '/api/destinations', {
        id,
        name: id,
        type: 'webhook',
        url: base + path,
      })
      expect(d.status).toBe(201)
    }
    expect(
      (
        await api('POST', '/api/feeds', {
          id: 'flaky',
          title: 'Flaky',
          url: feedUrl,
          intervalMinutes: 1,
        })
      ).status,
    ).toBe(201)
    const watch = { id: 'budget', name: 'Budget', query: 'budget', destinations: ['news-hook'] }
    expect((await api('POST', '/api/watches', watch)).status).toBe(201)
  })

  it('refuses a health destination that does not exist, naming its position', async () => {
    const res = await api('PUT', '/api/health', { destinations: ['health-hook', 'nope'] })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('destinations[1]')
  })

  it('routes events to the chosen destinations', async () => {
    const res = await api('PUT', '/api/health', { destinations: ['health-hook'] })
    expect(res.json).toEqual({ destinations: ['health-hook'] })
    expect((await api('GET', '/api/health')).json).toEqual({ destinations: ['health-hook'] })
  })

  it('counts a watch’s matches and shows them in the status', async () => {
    await tickUntil((f) => f.health === 'ok')
    const items = [
      { guid: 'b', title: 'Budget cuts announced', pubDate: new Date(start) },
      { guid: 'a', title: 'Budget vote in parliament', pubDate: new Date(start) },
    ]
    await script('/sh/flaky.xml', { body: rss('Flaky', items) })
    await tickUntil((f) => f.itemCount === 2)
    await eventually(async () => (await titles('/sh/hooks/news')).includes('Budget cuts announced'))
    const status = await api('GET', '/api/status')
    const watch = status.json.watches.find((w: any) => w.id === 'budget')
    expect(watch.matches).toMatchObject({ total: 1, today: 1 })
    const feed = status.json.feeds.find((f: any) => f.id === 'flaky')
    expect(feed).toMatchObject({ httpStatus: 200, failures: 0, itemCount: 2 })
    expect(feed.nextPoll.why).toBe('every 1 min')
  })

  it('announces "feed broken" once after three failures in a row, and the recovery once', async () => {
    await script('/sh/flaky.xml', { status: 500, body: 'down' })
    const broken = await tickUntil((f) => f.failures >= 3)
    expect(broken.nextPoll.why).toMatch(/backing off after 3 failure/)
    expect(broken.lastError.status).toBe(500)
    await eventually(async () => (await titles('/sh/hooks/health')).length === 1)
    // More failures: nothing more is announced.
    await tickUntil((f) => f.failures >= 4)
    await script('/sh/flaky.xml', { body: rss('Flaky', []) })
    await tickUntil((f) => f.health === 'ok')
    const seen = await eventually(async () => {
      const t = await titles('/sh/hooks/health')
      return t.length >= 2 && t
    })
    expect(seen).toEqual(['Feed broken: Flaky', 'Feed recovered: Flaky'])
    // The public status stays secret-free.
    const pub = await api('GET', '/status', undefined, null)
    expect(JSON.stringify(pub.json)).not.toContain('127.0.0.1')
  })

  it('announces "destination failing" once when the ledger disables a destination', async () => {
    await script('/sh/hooks/gone', { status: 410 })
    const base = feedUrl.replace('/sh/flaky.xml', '')
    const gone = { id: 'gone-hook', name: 'Gone', type: 'webhook', url: `${base}/sh/hooks/gone` }
    expect((await api('POST', '/api/destinations', gone)).status).toBe(201)
    const watch = { id: 'lost', name: 'Lost', query: 'disappeared', destinations: ['gone-hook'] }
    expect((await api('POST', '/api/watches', watch)).status).toBe(201)
    const items = ['cat', 'dog', 'fish'].map((pet) => ({
      guid: `lost-${pet}`,
      title: `The ${pet} disappeared`,
      pubDate: new Date(start),
    }))
    await script('/sh/flaky.xml', { body: rss('Flaky', items) })
    await tickUntil((f) => f.itemCount === 3)
    const seen = await eventually(async () => {
      const t = await titles('/sh/hooks/health')
      return t.includes('Destination failing: Gone') && t
    })
    const status = await api('GET', '/api/status')
    expect(status.json.destinations.find((d: any) => d.id === 'gone-hook')).toMatchObject({
      disabled: true,
      deadLetters: 3,
    })
    expect(seen.filter((t) => t.startsWith('Destination failing'))).toHaveLength(1)
  })

  it('lets the dashboard re-enable the disabled destination', async () => {
    const origin = 'https://feedwatch.test'
    const post = (path: string, fields: Record<string, string>, cookie = '') =>
      call(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      })
    const login = await post('/login', { token: ADMIN_TOKEN })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    const page = await (await call(`${origin}/destinations`, { headers: { cookie } })).text()
    expect(page).toContain('aria-label="Re-enable Gone"')
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
    const res = await post('/destinations/gone-hook/enable', { _csrf: csrf }, cookie)
    expect(await res.text()).toContain('Re-enabled gone-hook')
    const status = await api('GET', '/api/status')
    expect(status.json.destinations.find((d: any) => d.id === 'gone-hook').disabled).toBe(false)
  })
})
