// Delivery through the real queue in workerd, against loopback receivers: configure through the
// API, tick, and let the queue, the consumer and the delivery ledger do the rest. Covers retry then
// success, permanent answers disabling a destination (then re-enabling and replay), Retry-After
// honoured with the next alert held and flushed by the ledger's alarm, a receiver timing out
// without delaying a healthy one, and the test-send route.
import { beforeAll, describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import PostalMime from 'postal-mime'
import { nextDigestAt } from '../../src/deliver/digest-schedule'
import type { DigestSchedule } from '../../src/model'
import { updateConfig } from '../../src/store/config'
import { requestDueFlushes } from '../../src/store/deliveries'
import { rss, type TestItem } from '../support/feeds'
import { loopbackUrl, received, script, sentMail } from '../support/loopback'
import { api, eventually, tick } from '../support/worker'

const start = Date.now()
let minute = 0
const nextTickTime = () => new Date(start + ++minute * 60_000)
const FEED = '/dl/feed.xml'
let items: TestItem[] = [{ guid: 'old', title: 'Rien de neuf', pubDate: new Date(start) }]

/** Publishes new items and runs a tick, which polls the feed and enqueues their alerts. */
async function publish(...fresh: Array<[guid: string, title: string]>) {
  items = [...fresh.map(([guid, title]) => ({ guid, title, pubDate: new Date(start) })), ...items]
  await script(FEED, { body: rss('Livraisons', items) })
  await tick(nextTickTime())
}

async function destination(id: string, watchQuery: string, ...ids: string[]) {
  const r = await api('POST', '/api/destinations', {
    id,
    name: id,
    type: 'webhook',
    url: `${loopbackUrl()}/dl/hooks/${id}`,
  })
  expect(r.status).toBe(201)
  if (watchQuery) {
    const w = await api('POST', '/api/watches', {
      id: `w-${id}`,
      name: `Watch ${id}`,
      query: watchQuery,
      destinations: [id, ...ids],
    })
    expect(w.status).toBe(201)
  }
}

const requests = (id: string) => received(`/dl/hooks/${id}`)

describe('delivery through the real queue', () => {
  beforeAll(async () => {
    await script(FEED, { body: rss('Livraisons', items) })
    const feed = await api('POST', '/api/feeds', {
      id: 'dl',
      url: `${loopbackUrl()}${FEED}`,
      intervalMinutes: 1,
      discover: false,
    })
    expect(feed.status).toBe(201)
    await tick(nextTickTime()) // the first poll records the current items silently
  })

  it('retries a failing receiver and delivers once, with one alert id', async () => {
    await script('/dl/hooks/flaky', { status: 500 }, { status: 200 })
    await destination('flaky', 'ondulation')
    await publish(['flaky-1', 'Ondulation des marchés'])
    const seen = await eventually(async () => {
      const r = await requests('flaky')
      return r.length >= 2 && r
    })
    expect(new Set(seen.map((r) => r.headers['webhook-id'])).size).toBe(1)
    const deliveries = await api('GET', '/api/deliveries')
    const mine = deliveries.json.recent.filter((r: any) => r.destinationId === 'flaky')
    expect(mine.map((r: any) => r.outcome)).toEqual(['sent', 'retry'])
  })

  it('disables a destination after permanent answers, parks its alerts, and replays after re-enabling', async () => {
    await script('/dl/hooks/gone', { status: 410 })
    await destination('gone', 'disparu')
    await publish(
      ['gone-1', 'Le chat disparu'],
      ['gone-2', 'Le chien disparu'],
      ['gone-3', 'Le poisson disparu'],
    )
    const dead = await eventually(async () => {
      const d = await api('GET', '/api/deliveries')
      const letters = d.json.deadLetters.filter((l: any) => l.destinationId === 'gone')
      return letters.length === 3 && d.json
    })
    const health = dead.destinations.find((d: any) => d.id === 'gone')
    expect(health).toMatchObject({ disabled: true, permanentFailures: 3, lastStatus: 410 })
    expect(health.disabledReason).toContain('HTTP 410')
    const status = await api('GET', '/api/status')
    const shown = status.json.deliveries.destinations.find((d: any) => d.id === 'gone')
    expect(shown.disabledReason).toContain('HTTP 410')
    expect(JSON.stringify(status.json)).not.toContain('/dl/hooks/gone')

    const alertId = dead.deadLetters.find((l: any) => l.destinationId === 'gone').alertId
    const refused = await api('POST', `/api/deliveries/${alertId}/replay`)
    expect(refused.status).toBe(409)
    expect(refused.json.error.message).toContain('/enable')

    await script('/dl/hooks/gone', { status: 200 })
    // The configuration still says enabled; saying it again (PATCH) also clears the ledger's state.
    const patched = await api('PATCH', '/api/destinations/gone', { enabled: true })
    expect(patched.status).toBe(200)
    const enabled = await api('POST', '/api/destinations/gone/enable')
    expect(enabled.json).toMatchObject({ wasDisabled: false, health: { disabled: false } })
    const replay = await api('POST', `/api/deliveries/${alertId}/replay`)
    expect(replay.status).toBe(202)
    const all = await eventually(async () => {
      const r = await requests('gone')
      return r.length === 4 && r
    })
    expect(all[3]!.headers['webhook-id']).toBe(alertId)
    const after = await api('GET', '/api/deliveries')
    expect(after.json.deadLetters.filter((l: any) => l.destinationId === 'gone')).toHaveLength(2)
    expect(after.json.counters.replayed).toBe(1)
  })

  it('honours Retry-After: the retry waits, and an alert arriving meanwhile is held, then flushed', async () => {
    const waitSeconds = 3
    await script(
      '/dl/hooks/limited',
      { status: 429, headers: { 'retry-after': String(waitSeconds) } },
      { status: 200 },
    )
    await destination('limited', 'embouteillage')
    await publish(['limited-1', 'Embouteillage sur le ring'])
    const [first] = await eventually(async () => {
      const r = await requests('limited')
      return r.length > 0 && r
    })
    await publish(['limited-2', 'Embouteillage à Namur'])
    const all = await eventually(async () => {
      const r = await requests('limited')
      return r.length >= 3 && r
    }, 15_000)
    expect(all).toHaveLength(3)
    for (const later of all.slice(1)) {
      expect(later.at - first!.at).toBeGreaterThanOrEqual(waitSeconds * 1000 - 100)
    }
    const recent = (await api('GET', '/api/deliveries')).json.recent
    const second = all.find((r) => r.headers['webhook-id'] !== first!.headers['webhook-id'])!
    const outcomes = recent
      .filter((r: any) => r.alertId === second.headers['webhook-id'])
      .map((r: any) => r.outcome)
    expect(outcomes).toEqual(['sent', 'held'])
  })

  it('delivers to a healthy receiver while another times out, and retries the slow one', async () => {
    await script('/dl/hooks/healthy', { status: 200 })
    await script('/dl/hooks/stuck', { status: 200, delayMs: 16_000 }, { status: 200 })
    await destination('healthy', '')
    await destination('stuck', 'lenteur', 'healthy')
    await publish(['slow-1', 'Lenteur administrative'])
    const [stuckFirst] = await eventually(async () => {
      const r = await requests('stuck')
      return r.length > 0 && r
    })
    const [healthy] = await eventually(async () => {
      const r = await requests('healthy')
      return r.length > 0 && r
    })
    // Served while the stuck receiver was still holding its request open.
    expect(healthy!.at - stuckFirst!.at).toBeLessThan(5_000)
    const retried = await eventually(
      async () => {
        const r = await requests('stuck')
        return r.length >= 2 && r
      },
      25_000,
      250,
    )
    expect(retried[1]!.headers['webhook-id']).toBe(stuckFirst!.headers['webhook-id'])
  }, 40_000)

  it('holds a daily digest in the ledger and sends it through the queue when it falls due', async () => {
    const schedule: DigestSchedule = { dailyAt: '08:00', timeZone: 'Europe/Paris' }
    await script('/dl/hooks/digest', { status: 200 })
    await destination('digest', 'résumé')
    // The API does not accept digest mode yet (docs/decisions.md #9): set it in the stored config.
    await updateConfig(env, new Date(), (config) => ({
      ...config,
      destinations: config.destinations.map((d) =>
        d.id === 'digest' ? { ...d, mode: 'digest' as const, digest: schedule } : d,
      ),
    }))
    await publish(['digest-1', 'Le résumé du matin'], ['digest-2', 'Un autre résumé'])
    await eventually(async () => {
      const d = await api('GET', '/api/deliveries')
      return d.json.destinations.find((x: any) => x.id === 'digest')?.held === 2
    })
    expect(await requests('digest')).toHaveLength(0)
    // What the ledger's alarm does at 08:00 Paris time, asked for now with that time.
    const due = nextDigestAt(schedule, new Date())
    expect(await requestDueFlushes(env, due)).toBe(1)
    const sent = await eventually(async () => {
      const r = await requests('digest')
      return r.length === 2 && r
    })
    const ids = sent.map((r) => r.headers['webhook-id'])
    const recent = (await api('GET', '/api/deliveries')).json.recent
    const digestRecords = recent.filter((r: any) => ids.includes(r.alertId) && r.outcome === 'sent')
    expect(digestRecords.map((r: any) => [r.kind, r.count])).toEqual([
      ['digest', 2],
      ['digest', 2],
    ])
  })

  it.each([
    ['delivered', { status: 204 }, { outcome: 'delivered', status: 204 }],
    [
      'retry after N',
      { status: 429, headers: { 'retry-after': '30' } },
      { outcome: 'retry', status: 429, retryAfterSeconds: 30 },
    ],
    ['permanent', { status: 404 }, { outcome: 'permanent', status: 404 }],
  ])('test-send answers the classified outcome: %s', async (_, answer, expected) => {
    const id = `probe-${expected.outcome}`
    await script(`/dl/hooks/${id}`, answer)
    await destination(id, '')
    const r = await api('POST', `/api/destinations/${id}/test`)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ destinationId: id, type: 'webhook', ...expected })
    expect(JSON.stringify(r.json)).not.toContain('/dl/hooks/')
    const [sample] = await requests(id)
    expect(JSON.parse(sample!.body).data.watch.name).toBe('Feedwatch test')
  })

  it('coalesces a burst of 30 matches to a paced Slack destination into a few messages, losing none', async () => {
    await script('/dl/hooks/slack-burst', { status: 200, body: 'ok' })
    const r = await api('POST', '/api/destinations', {
      id: 'slack-burst',
      name: 'Slack burst',
      type: 'slack',
      url: `${loopbackUrl()}/dl/hooks/slack-burst`,
    })
    expect(r.status).toBe(201)
    const w = await api('POST', '/api/watches', {
      id: 'w-slack-burst',
      name: 'Avalanche',
      query: 'avalanche',
      destinations: ['slack-burst'],
    })
    expect(w.status).toBe(201)
    const stories = Array.from(
      { length: 30 },
      (_, i) => [`aval-${i}`, `Avalanche numéro ${i} signalée`] as [string, string],
    )
    await publish(...stories)
    // Every story reaches Slack, in far fewer messages than stories (Slack's pace is ~1 a second).
    const bodies = await eventually(async () => {
      const got = (await requests('slack-burst')).map((q) => q.body)
      const all = got.join('\n')
      return stories.every(([, title]) => all.includes(title)) && got
    }, 20_000)
    expect(bodies.length).toBeLessThanOrEqual(6)
    expect(bodies.some((b) => /\b\d+ new matches\b/.test(b))).toBe(true)
    const deliveries = await api('GET', '/api/deliveries')
    const sent = deliveries.json.recent.filter(
      (x: { destinationId: string; outcome: string }) =>
        x.destinationId === 'slack-burst' && x.outcome === 'sent',
    )
    expect(new Set(sent.map((x: { alertId: string }) => x.alertId)).size).toBe(30)
  })

  it('sends an email alert through the real binding, readable as MIME', async () => {
    // A recipient of its own: Miniflare's mail files outlive a run, so the test finds its own.
    const to = `desk-${crypto.randomUUID().slice(0, 8)}@example.com`
    const r = await api('POST', '/api/destinations', {
      id: 'mail',
      name: 'Rédaction',
      type: 'email',
      to,
    })
    expect(r.status).toBe(201)
    const w = await api('POST', '/api/watches', {
      id: 'w-mail',
      name: 'Courrier',
      query: 'courrier',
      destinations: ['mail'],
    })
    expect(w.status).toBe(201)
    const title = 'Un courrier « urgent » & secret de Belgorod'
    await publish(['mail-1', title])
    const mails = await eventually(async () => {
      const found = await sentMail(to)
      return found.length > 0 && found
    })
    expect(mails).toHaveLength(1)
    const parsed = await PostalMime.parse(mails[0]!)
    expect(parsed.to?.map((a) => a.address)).toEqual([to])
    expect(parsed.subject).toContain(title)
    expect(parsed.text).toContain(title)
    expect(parsed.html).toContain('Un courrier « urgent » &amp; secret de Belgorod')
    expect(parsed.headers.find((h) => h.key === 'x-feedwatch-alert-id')?.value).toMatch(/\S+/)
  })

  it('test-send answers 404 for an unknown destination', async () => {
    const r = await api('POST', '/api/destinations/nope/test')
    expect(r.status).toBe(404)
  })
})
