// The whole loop in workerd: configure through the API, tick, and watch alerts arrive over real
// HTTP at a receiver on loopback, through the real deliveries queue.
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { rss, type TestItem } from '../support/feeds'
import { received, script, type RecordedRequest } from '../support/loopback'
import { api, countingKv, eventually, sleep, tick } from '../support/worker'

const SECRET = 'whsec_' + btoa('0123456789abcdef0123456789abcdef')
const hours = (h: number) => h * 3_600_000
const start = Date.now()
let minute = 0
/** Each tick happens one minute after the previous one. */
const nextTickTime = () => new Date(start + ++minute * 60_000)

const old: TestItem[] = [
  {
    guid: 'old-1',
    title: 'Belgorod : une incursion menée avec des armes de facture belge',
    description: 'Une histoire ancienne qui ne doit pas alerter au premier passage.',
    pubDate: new Date(start - hours(5)),
  },
  { guid: 'old-2', title: 'Météo : orages sur la Wallonie', pubDate: new Date(start - hours(4)) },
]
const matching: TestItem = {
  guid: 'raid-belgorod',
  title: 'Raid raté près de Belgorod',
  description:
    'Selon l’Otan, le groupe était équipé d’armes de facture belge ; la Belgique demande des explications.',
  link: 'https://news.example.org/2023/06/04/belgorod-raid?utm_source=rss',
  pubDate: new Date(start - hours(1)),
}
const other: TestItem = {
  guid: 'football',
  title: 'Le Standard de Liège gagne à domicile',
  description: 'Football : victoire 2-0.',
  pubDate: new Date(start - hours(1)),
}

async function verifySignature(req: RecordedRequest): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'raw',
    Uint8Array.from(atob(SECRET.slice(6)), (c) => c.charCodeAt(0)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const signed = `${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`
  const sig = (req.headers['webhook-signature'] ?? '').replace(/^v1,/, '')
  const bytes = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0))
  return crypto.subtle.verify('HMAC', key, bytes, new TextEncoder().encode(signed))
}

describe('the monitor loop', () => {
  let feedUrl: string

  beforeAll(async () => {
    feedUrl = await script('/loop/feed.xml', { body: rss('Le Fil', old), etag: '"v1"' })
    await script('/loop/hooks/main', { status: 204 })
    const destination = await api('POST', '/api/destinations', {
      id: 'main-hook',
      name: 'Main receiver',
      type: 'webhook',
      url: `${feedUrl.replace('/loop/feed.xml', '')}/loop/hooks/main`,
      secret: SECRET,
    })
    expect(destination.status).toBe(201)
    const feed = await api('POST', '/api/feeds', { id: 'le-fil', url: feedUrl, intervalMinutes: 1 })
    expect(feed.status).toBe(201)
    const watch = await api('POST', '/api/watches', {
      id: 'belgorod',
      name: 'Belgorod et armes belges',
      query: 'belgorod AND (belge OR belgique)',
      destinations: ['main-hook'],
    })
    expect(watch.status).toBe(201)
  })

  it('records a new feed’s current items silently on its first poll', async () => {
    await tick(nextTickTime())
    await sleep(1500)
    expect(await received('/loop/hooks/')).toHaveLength(0)
    const status = await api('GET', '/status', undefined, null)
    expect(status.json.feeds).toMatchObject({ total: 1, ok: 1, error: 0 })
  })

  it('delivers a new matching item exactly once, signed, and not the other one', async () => {
    await script('/loop/feed.xml', { body: rss('Le Fil', [matching, other, ...old]), etag: '"v2"' })
    await tick(nextTickTime())
    const [hook] = await eventually(async () => {
      const r = await received('/loop/hooks/main')
      return r.length > 0 && r
    })
    await sleep(1500) // would a second copy arrive?
    const all = await received('/loop/hooks/main')
    expect(all).toHaveLength(1)
    const payload = JSON.parse(hook!.body)
    expect(payload.type).toBe('feedwatch.alert')
    expect(payload.data.item.title).toBe('Raid raté près de Belgorod')
    expect(payload.data.item.url).toBe(matching.link)
    expect(payload.data.watch).toEqual({
      id: 'belgorod',
      name: 'Belgorod et armes belges',
      query: 'belgorod AND (belge OR belgique)',
    })
    expect(payload.data.feed.id).toBe('le-fil')
    // The user gave the feed no title: the payload carries the one the feed gives itself.
    expect(payload.data.feed.title).toBe('Le Fil')
    expect(payload.data.match.terms.length).toBeGreaterThan(0)
    expect(payload.data.match.snippet.toLowerCase()).toContain('belg')
    expect(hook!.headers['webhook-id']).toBe(payload.data.alertId)
    expect(Number(hook!.headers['webhook-timestamp'])).toBeGreaterThan(start / 1000 - 60)
    expect(await verifySignature(hook!)).toBe(true)
  })

  it('delivers nothing on the next tick, and a 304 costs no KV write', async () => {
    const counting = countingKv(env.KV)
    await tick(nextTickTime(), { ...env, KV: counting.kv })
    expect(counting.writes()).toBe(0)
    const requests = await received('/loop/feed.xml')
    const last = requests[requests.length - 1]!
    expect(last.headers['if-none-match']).toBe('"v2"')
    await sleep(1000)
    expect(await received('/loop/hooks/main')).toHaveLength(1)
  })

  it('retries a receiver that fails twice, with the same alert id every time', async () => {
    await script('/loop/hooks/flaky', { status: 500 }, { status: 503 }, { status: 200 })
    const base = feedUrl.replace('/loop/feed.xml', '')
    await api('POST', '/api/destinations', {
      id: 'flaky-hook',
      name: 'Flaky receiver',
      type: 'webhook',
      url: `${base}/loop/hooks/flaky`,
      secret: SECRET,
    })
    await api('POST', '/api/watches', {
      id: 'liege',
      name: 'Liège',
      query: 'liège OR liege',
      destinations: ['flaky-hook'],
    })
    const story: TestItem = {
      guid: 'liege-2',
      title: 'Liège : le tram entre en service',
      pubDate: new Date(start),
    }
    await script('/loop/feed.xml', {
      body: rss('Le Fil', [story, matching, other, ...old]),
      etag: '"v3"',
    })
    await tick(nextTickTime())
    const attempts = await eventually(async () => {
      const r = await received('/loop/hooks/flaky')
      return r.length >= 3 && r
    }, 15_000)
    expect(attempts).toHaveLength(3)
    const ids = new Set(attempts.map((a) => a.headers['webhook-id']))
    expect(ids.size).toBe(1)
    for (const a of attempts) expect(await verifySignature(a)).toBe(true)
    const deliveries = await api('GET', '/api/deliveries')
    expect(deliveries.json.counters.retried).toBeGreaterThanOrEqual(2)
  })

  it('dead-letters an alert after the last failed attempt, counts it, and can replay it', async () => {
    await script('/loop/hooks/dead', { status: 500 })
    const base = feedUrl.replace('/loop/feed.xml', '')
    await api('POST', '/api/destinations', {
      id: 'dead-hook',
      name: 'Broken receiver',
      type: 'webhook',
      url: `${base}/loop/hooks/dead`,
    })
    await api('POST', '/api/watches', {
      id: 'tram',
      name: 'Tram',
      query: 'tramway',
      destinations: ['dead-hook'],
    })
    const story: TestItem = {
      guid: 'tram-2',
      title: 'Le tramway de Namur',
      pubDate: new Date(start),
    }
    await script('/loop/feed.xml', { body: rss('Le Fil', [story]), etag: '"v4"' })
    await tick(nextTickTime())
    const dead = await eventually(async () => {
      const d = await api('GET', '/api/deliveries')
      return d.json.deadLetters.length > 0 && d.json.deadLetters
    }, 20_000)
    expect(dead[0]).toMatchObject({ destinationId: 'dead-hook', attempts: 5 })
    expect(dead[0].error).toContain('HTTP 500')
    expect(await received('/loop/hooks/dead')).toHaveLength(5)
    const status = await api('GET', '/status', undefined, null)
    expect(status.json.alerts.deadLettered).toBe(1)
    expect(status.json.status).toBe('degraded')

    await script('/loop/hooks/dead', { status: 200 })
    const replay = await api('POST', `/api/deliveries/${dead[0].alertId}/replay`)
    expect(replay.status).toBe(202)
    await eventually(async () => (await received('/loop/hooks/dead')).length === 6)
    const after = await eventually(async () => {
      const s = await api('GET', '/status', undefined, null)
      return s.json.alerts.deadLettered === 0 && s.json
    })
    expect(after.alerts.deadLettered).toBe(0)
  })

  it('records broken feeds in the status and keeps polling the others', async () => {
    const base = feedUrl.replace('/loop/feed.xml', '')
    await script('/loop/missing.xml', { status: 404, body: 'not here' })
    await script('/loop/page.html', {
      body: '<html><body>not a feed</body></html>',
      headers: { 'content-type': 'text/html' },
    })
    for (const [id, path] of [
      ['missing', '/loop/missing.xml?token=hunter2'],
      ['not-xml', '/loop/page.html'],
    ]) {
      const r = await api('POST', '/api/feeds', {
        id,
        url: `${base}${path}`,
        intervalMinutes: 1,
        discover: false,
      })
      expect(r.status).toBe(201)
    }
    const story: TestItem = {
      guid: 'belgorod-3',
      title: 'Belgorod : la Belgique convoque l’ambassadeur',
      pubDate: new Date(start),
    }
    await script('/loop/feed.xml', { body: rss('Le Fil', [story]), etag: '"v5"' })
    await tick(nextTickTime())
    await eventually(async () => (await received('/loop/hooks/main')).length === 2)

    const detailed = await api('GET', '/api/status')
    const byId = Object.fromEntries(detailed.json.feeds.map((f: any) => [f.id, f]))
    expect(byId['le-fil'].health).toBe('ok')
    expect(byId['missing']).toMatchObject({ health: 'error' })
    expect(byId['missing'].lastError.status).toBe(404)
    expect(byId['not-xml'].health).toBe('error')
    expect(byId['not-xml'].lastError.message).toMatch(/feed/i)
    const status = await api('GET', '/status', undefined, null)
    expect(status.json.feeds).toMatchObject({ total: 3, ok: 1, error: 2 })
    expect(JSON.stringify(status.json)).not.toContain('127.0.0.1')
    expect(JSON.stringify(detailed.json)).not.toContain('hunter2')
    expect(byId['missing'].lastError.message).toContain('token=%E2%80%A6')
  })

  it('never returns destination URLs, secrets or feed header values', async () => {
    const list = await api('GET', '/api/destinations')
    const text = JSON.stringify(list.json)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('/loop/hooks')
    const detailed = await api('GET', '/api/status')
    expect(JSON.stringify(detailed.json)).not.toContain(SECRET)
  })

  it('keeps no per-item keys in KV', async () => {
    const keys = (await env.KV.list()).keys.map((k) => k.name)
    expect(keys.filter((k) => !/^(config|shard:\d+|deliveries|dead:.+)$/.test(k))).toEqual([])
  })
})
