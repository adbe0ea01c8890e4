// The consumer with the delivery ledger: race-free dedup, concurrent destinations, dead letters
// counted once, disabling after permanent answers, pacing with coalescing, Retry-After, digests.
// Real ledger Durable Object, real loopback receivers; only the batches are built by hand.
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Alert, Destination, Watch } from '../../src/model'
import type { Channel, Outgoing } from '../../src/deliver/channel'
import {
  consumeDeadLetters,
  consumeDeliveries,
  type ConsumerDeps,
  type DeliveryMessage,
} from '../../src/deliver/consumer'
import { webhookChannel } from '../../src/deliver/channels/webhook'
import { emptyConfig } from '../../src/store/config'
import {
  DISABLE_AFTER_PERMANENT,
  claimAlerts,
  destinationHealth,
  listDeadLetters,
  loadDeliveryLog,
} from '../../src/store/deliveries'
import { received, script } from '../support/loopback'

const alert = (id: string, destinationId: string, watchId = 'w'): Alert => ({
  id,
  watch: { id: watchId, name: `Watch ${watchId}`, query: 'q' },
  feed: { id: 'f', url: 'https://example.org/feed' },
  item: {
    key: `g:${id}`,
    feedId: 'f',
    title: `Story ${id}`,
    url: `https://example.org/${id}`,
    summary: 's',
    content: '',
    categories: [],
    enclosures: [],
  },
  match: { terms: ['q'], fields: ['title'], hits: [], snippet: 's', highlights: [] },
  destinationId,
  detectedAt: new Date().toISOString(),
})

const hook = (id: string, url: string, extra: Partial<Destination> = {}): Destination => ({
  id,
  name: id,
  type: 'webhook',
  url,
  enabled: true,
  ...extra,
})

let batchNo = 0
async function run(
  bodies: Array<DeliveryMessage | { body: DeliveryMessage; attempts: number }>,
  destinations: Destination[],
  extra: Partial<ConsumerDeps> & { watches?: Watch[] } = {},
) {
  const n = ++batchNo
  const batch = createMessageBatch<DeliveryMessage>(
    'feedwatch-deliveries',
    bodies.map((b, i) => {
      const m = 'body' in b ? b : { body: b, attempts: 1 }
      return { id: `b${n}m${i}`, timestamp: new Date(), ...m }
    }),
  )
  const { watches, ...rest } = extra
  const deps: ConsumerDeps = {
    env,
    config: { ...emptyConfig(), destinations, watches: watches ?? [] },
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    random: () => 0.5,
    retryDelays: [5, 300],
    log: () => {},
    ...rest,
  }
  const ctx = createExecutionContext()
  await consumeDeliveries(batch, deps)
  return getQueueResult(batch, ctx)
}

/** A webhook keeping a 1 s pace, recording what it was asked to send. */
function pacedWebhook(): { channel: Channel; sent: Outgoing[] } {
  const sent: Outgoing[] = []
  return {
    sent,
    channel: {
      ...webhookChannel,
      minIntervalMs: 1000,
      send: (message, destination, deps) => {
        sent.push(message)
        return webhookChannel.send(message, destination, deps)
      },
    },
  }
}

describe('the consumer with the delivery ledger', () => {
  it('sends an alert once when two consumers get it at the same time', async () => {
    const d = hook('race', await script('/ledger/race', { status: 200, delayMs: 300 }))
    await Promise.all([
      run([alert('r1', 'race')], [d]),
      run([alert('r1', 'race')], [d]),
      run([alert('r1', 'race')], [d]),
    ])
    expect(await received('/ledger/race')).toHaveLength(1)
    const log = await loadDeliveryLog(env)
    const outcomes = log.recent.filter((r) => r.alertId === 'r1').map((r) => r.outcome)
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1)
  })

  it('sends an alert once, at once, when one batch carries it twice', async () => {
    const d = hook('twice', await script('/ledger/twice', { status: 200 }))
    const result = await run([alert('t1', 'twice'), alert('t1', 'twice')], [d])
    expect(await received('/ledger/twice')).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect(result.explicitAcks.sort()).toEqual([`b${batchNo}m0`, `b${batchNo}m1`])
    const log = await loadDeliveryLog(env)
    const outcomes = log.recent.filter((r) => r.alertId === 't1').map((r) => r.outcome)
    expect(outcomes.sort()).toEqual(['duplicate', 'sent'])
  })

  it.each([
    ['busy while another consumer may still be sending it', 60_000, { busy: ['c-60000'] }],
    [
      'claimable again once a crashed consumer’s lease (15 min) lapsed',
      16 * 60_000,
      { claimed: ['c-960000'] },
    ],
  ])('a claimed alert is %s', async (_, later, expected) => {
    const destinationId = `lease-${later}`
    const id = `c-${later}`
    const t0 = Date.parse('2027-01-10T10:00:00Z')
    expect(await claimAlerts(env, destinationId, [id], new Date(t0))).toMatchObject({
      claimed: [id],
    })
    expect(await claimAlerts(env, destinationId, [id], new Date(t0 + later))).toMatchObject(
      expected,
    )
  })

  it('sends to a healthy receiver without waiting for a slow one, keeping order per destination', async () => {
    const slowMs = 1500
    const slow = hook('slow', await script('/ledger/slow', { status: 200, delayMs: slowMs }))
    const fast = hook('fast', await script('/ledger/fast', { status: 200 }))
    await run(
      [alert('s1', 'slow'), alert('s2', 'slow'), alert('f1', 'fast'), alert('f2', 'fast')],
      [slow, fast],
    )
    const slowRequests = await received('/ledger/slow')
    const fastRequests = await received('/ledger/fast')
    // Both fast requests arrived before the slow receiver had answered its first.
    expect(fastRequests.map((r) => r.at).every((at) => at < slowRequests[0]!.at + slowMs)).toBe(
      true,
    )
    // The slow destination's second alert was sent only after its first was answered.
    expect(slowRequests.map((r) => r.headers['webhook-id'])).toEqual(['s1', 's2'])
    expect(slowRequests[1]!.at - slowRequests[0]!.at).toBeGreaterThanOrEqual(slowMs - 50)
  })

  it('counts a dead letter once when two consumers park the same alert', async () => {
    const before = (await loadDeliveryLog(env)).counters.dead
    const body = alert('dl1', 'nowhere')
    const batch = () =>
      createMessageBatch<DeliveryMessage>('feedwatch-deliveries-dlq', [
        { id: 'x', timestamp: new Date(), attempts: 5, body },
      ])
    await Promise.all([
      consumeDeadLetters(batch(), { env, now: () => new Date() }),
      consumeDeadLetters(batch(), { env, now: () => new Date() }),
    ])
    expect((await loadDeliveryLog(env)).counters.dead).toBe(before + 1)
    expect((await listDeadLetters(env)).filter((l) => l.alert.id === 'dl1')).toHaveLength(1)
  })

  it('disables a destination after repeated permanent answers and parks what waits for it', async () => {
    const d = hook('gone', await script('/ledger/gone', { status: 404 }))
    const ids = ['g1', 'g2', 'g3', 'g4', 'g5']
    const result = await run(
      ids.map((id) => alert(id, 'gone')),
      [d],
    )
    expect(result.explicitAcks).toHaveLength(5)
    expect(await received('/ledger/gone')).toHaveLength(DISABLE_AFTER_PERMANENT)
    const health = await destinationHealth(env, 'gone')
    expect(health).toMatchObject({ disabled: true })
    expect(health?.disabledReason).toContain('HTTP 404')
    const letters = (await listDeadLetters(env)).filter((l) => l.alert.destinationId === 'gone')
    expect(letters.map((l) => l.alert.id).sort()).toEqual(ids)
    // A later alert is parked too, never sent.
    await run([alert('g6', 'gone')], [d])
    expect(await received('/ledger/gone')).toHaveLength(DISABLE_AFTER_PERMANENT)
    const later = (await listDeadLetters(env)).find((l) => l.alert.id === 'g6')
    expect(later?.error).toMatch(/^destination disabled/)
  })

  it('coalesces a burst of 30 matches beyond the pace into two bursts, not 30 messages', async () => {
    const { channel, sent } = pacedWebhook()
    const d = hook('paced', await script('/ledger/paced', { status: 200 }))
    const ids = Array.from({ length: 30 }, (_, i) => `p${i}`)
    const channels = { webhook: channel }
    // A time ahead of the clock, so the ledger's alarm stays out of the way: this test flushes.
    const t0 = Date.parse('2027-05-01T10:00:00Z')
    for (let b = 0; b < 3; b++) {
      await run(
        ids.slice(b * 10, b * 10 + 10).map((id) => alert(id, 'paced', 'burst-watch')),
        [d],
        { channels, now: () => new Date(t0 + b * 100) },
      )
    }
    // The first batch went out at once as one burst; the rest waits in the ledger for the next
    // token (1 s later), when the ledger asks the queue to flush it.
    expect(sent.map((m) => [m.kind, m.alerts.length])).toEqual([['burst', 10]])
    expect((await destinationHealth(env, 'paced'))?.held).toBe(20)
    const flush = { flush: { destinationId: 'paced', dueBy: t0 + 1000 } }
    await run([flush], [d], { channels, now: () => new Date(t0 + 1000) })
    expect(sent.map((m) => [m.kind, m.alerts.length])).toEqual([
      ['burst', 10],
      ['burst', 20],
    ])
    expect((await destinationHealth(env, 'paced'))?.held).toBe(0)
    const requests = await received('/ledger/paced')
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(30)
    expect(requests).toHaveLength(30)
  })

  it('sends a paced alert alone when the bucket has a token again', async () => {
    const { channel, sent } = pacedWebhook()
    const d = hook('trickle', await script('/ledger/trickle', { status: 200 }))
    const t0 = Date.parse('2027-05-02T10:00:00Z')
    for (let i = 0; i < 3; i++) {
      await run([alert(`t${i}`, 'trickle')], [d], {
        channels: { webhook: channel },
        now: () => new Date(t0 + i * 1000),
      })
    }
    expect(sent.map((m) => m.kind)).toEqual(['alert', 'alert', 'alert'])
  })

  it('holds what follows a message after which the service asked for a pause', async () => {
    const url = await script('/ledger/discord-bucket', {
      status: 200,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '30' },
      body: '{"id":"1"}',
    })
    const d: Destination = { id: 'dc-bucket', name: 'dc', type: 'discord', url, enabled: true }
    const result = await run(
      [alert('pause-1', 'dc-bucket', 'w1'), alert('pause-2', 'dc-bucket', 'w2')],
      [d],
    )
    expect(await received('/ledger/discord-bucket')).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    const log = await loadDeliveryLog(env)
    const outcomes = log.recent.filter((r) => r.destinationId === 'dc-bucket')
    expect(outcomes.map((r) => [r.alertId, r.outcome]).sort()).toEqual([
      ['pause-1', 'sent'],
      ['pause-2', 'held'],
    ])
    // The next batch finds the destination paused and holds its alert too.
    await run([alert('pause-3', 'dc-bucket', 'w1')], [d])
    expect(await received('/ledger/discord-bucket')).toHaveLength(1)
  })

  it('honours Retry-After: the alert waits that long, and the next ones wait with it', async () => {
    const url = await script('/ledger/limited', { status: 429, headers: { 'retry-after': '120' } })
    const d = hook('limited', url)
    const first = await run([alert('l1', 'limited')], [d])
    expect(first.retryMessages).toHaveLength(1)
    const retried = (await loadDeliveryLog(env)).recent.find((r) => r.alertId === 'l1')
    expect(retried).toMatchObject({ outcome: 'retry', status: 429, retryInSeconds: 120 })
    const second = await run([alert('l2', 'limited')], [d])
    expect(second.explicitAcks).toHaveLength(1)
    expect(await received('/ledger/limited')).toHaveLength(1)
    const health = await destinationHealth(env, 'limited')
    expect(health?.held).toBe(1)
    expect(Date.parse(health!.blockedUntil!)).toBeGreaterThan(Date.now() + 100_000)
  })

  it('holds a daily digest and sends it once, at 08:00 Paris time across the spring change', async () => {
    // 2027: Paris springs forward on 28 March, so 08:00 local that morning is 06:00 UTC.
    const d = hook('digest', await script('/ledger/digest', { status: 200 }), {
      mode: 'digest',
      digest: { dailyAt: '08:00', timeZone: 'Europe/Paris' },
    })
    const { channel, sent } = pacedWebhook()
    const saturday = new Date('2027-03-27T12:00:00Z')
    await run(
      ['dg1', 'dg2', 'dg3'].map((id) => alert(id, 'digest')),
      [d],
      { now: () => saturday, channels: { webhook: channel } },
    )
    expect(await received('/ledger/digest')).toHaveLength(0)
    expect((await destinationHealth(env, 'digest'))?.held).toBe(3)
    const flush = (at: string) =>
      run([{ flush: { destinationId: 'digest', dueBy: Date.parse(at) } }], [d], {
        now: () => new Date(at),
        channels: { webhook: channel },
      })
    await flush('2027-03-28T05:59:00Z') // 07:59 in Paris: not yet
    expect(sent).toEqual([])
    await flush('2027-03-28T06:00:00Z')
    expect(sent.map((m) => [m.kind, m.alerts.map((a) => a.id)])).toEqual([
      ['digest', ['dg1', 'dg2', 'dg3']],
    ])
    await flush('2027-03-28T06:01:00Z') // nothing held any more
    expect(sent).toHaveLength(1)
    expect(await received('/ledger/digest')).toHaveLength(3)
  })

  it('keeps a digest whose send failed, and sends it on the retry', async () => {
    const url = await script('/ledger/digest-retry', { status: 503 }, { status: 200 })
    const d = hook('digest-retry', url, { mode: 'digest', digest: { everyMinutes: 60 } })
    const at = new Date('2027-06-01T10:30:00Z')
    await run([alert('dr1', 'digest-retry')], [d], { now: () => at })
    const flush = {
      flush: { destinationId: 'digest-retry', dueBy: Date.parse('2027-06-01T11:00:00Z') },
    }
    const later = () => new Date('2027-06-01T11:00:00Z')
    const failed = await run([flush], [d], { now: later })
    expect(failed.retryMessages).toHaveLength(1)
    expect((await destinationHealth(env, 'digest-retry'))?.held).toBe(1)
    await run([{ body: flush, attempts: 2 }], [d], { now: later })
    expect((await destinationHealth(env, 'digest-retry'))?.held).toBe(0)
    expect((await received('/ledger/digest-retry')).map((r) => r.headers['webhook-id'])).toEqual([
      'dr1',
      'dr1',
    ])
  })
})
