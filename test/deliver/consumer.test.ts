// The queue consumer's decisions, one batch at a time, against the real delivery ledger and a real
// receiver.
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Alert, Destination } from '../../src/model'
import {
  consumeDeliveries,
  type ConsumerDeps,
  type DeliveryMessage,
} from '../../src/deliver/consumer'
import { emptyConfig } from '../../src/store/config'
import { getDeadLetter, loadDeliveryLog } from '../../src/store/deliveries'
import { received, script } from '../support/loopback'

const alert = (id: string, destinationId: string): Alert => ({
  id,
  watch: { id: 'w', name: 'Watch', query: 'q' },
  feed: { id: 'f', url: 'https://example.org/feed' },
  item: {
    key: 'g:1',
    feedId: 'f',
    title: `Story ${id}`,
    summary: 's',
    content: '',
    categories: [],
    enclosures: [],
  },
  match: { terms: ['q'], fields: ['title'], hits: [], snippet: 's', highlights: [] },
  destinationId,
  detectedAt: new Date().toISOString(),
})

async function run(
  messages: Array<{ body: Alert; attempts: number }>,
  destinations: Destination[],
) {
  const batch = createMessageBatch<DeliveryMessage>(
    'feedwatch-deliveries',
    messages.map((m, i) => ({ id: `m${i}`, timestamp: Date.now(), ...m })),
  )
  const deps: ConsumerDeps = {
    env,
    config: { ...emptyConfig(), destinations },
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    random: () => 0.5,
    retryDelays: [5, 300],
    log: () => {},
  }
  const ctx = createExecutionContext()
  await consumeDeliveries(batch, deps)
  return getQueueResult(batch, ctx)
}

const hook = (id: string, url: string): Destination => ({
  id,
  name: id,
  type: 'webhook',
  url,
  enabled: true,
})

describe('consumeDeliveries', () => {
  it('acks a delivered alert and drops a second copy of it as a duplicate', async () => {
    const url = await script('/consumer/ok', { status: 200 })
    const d = hook('ok', url)
    const first = await run([{ body: alert('a1', 'ok'), attempts: 1 }], [d])
    expect(first.explicitAcks).toEqual(['m0'])
    const second = await run([{ body: alert('a1', 'ok'), attempts: 1 }], [d])
    expect(second.explicitAcks).toEqual(['m0'])
    expect(await received('/consumer/ok')).toHaveLength(1)
    const log = await loadDeliveryLog(env)
    expect(log.recent[0]).toMatchObject({ alertId: 'a1', outcome: 'duplicate' })
  })

  it('retries a 503 with the scheduled delay, or the longer Retry-After', async () => {
    const url = await script('/consumer/busy', { status: 503, headers: { 'retry-after': '600' } })
    const result = await run([{ body: alert('b1', 'busy'), attempts: 1 }], [hook('busy', url)])
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m0'])
    const log = await loadDeliveryLog(env)
    expect(log.recent[0]).toMatchObject({ alertId: 'b1', outcome: 'retry', retryInSeconds: 600 })
    const soon = await run(
      [{ body: alert('b2', 'busy2'), attempts: 2 }],
      [hook('busy2', await script('/consumer/busy2', { status: 502 }))],
    )
    expect(soon.retryMessages).toHaveLength(1)
    expect((await loadDeliveryLog(env)).recent[0]).toMatchObject({ retryInSeconds: 300 })
  })

  it('parks a permanent failure at once, with the error', async () => {
    const url = await script('/consumer/gone', { status: 410 })
    const result = await run([{ body: alert('c1', 'gone'), attempts: 1 }], [hook('gone', url)])
    expect(result.explicitAcks).toEqual(['m0'])
    const letter = await getDeadLetter(env, 'c1')
    expect(letter).toMatchObject({ status: 410, attempts: 1 })
    expect(letter?.error).toContain('HTTP 410')
  })

  it('parks an alert whose last attempt failed', async () => {
    const url = await script('/consumer/down', { status: 500 })
    const result = await run([{ body: alert('d1', 'down'), attempts: 5 }], [hook('down', url)])
    expect(result.retryMessages).toEqual([])
    expect(await getDeadLetter(env, 'd1')).toMatchObject({ attempts: 5 })
  })

  it('drops alerts for a deleted destination, and one failure does not stop the others', async () => {
    const ok = await script('/consumer/ok2', { status: 200 })
    const down = await script('/consumer/down2', { status: 500 })
    const result = await run(
      [
        { body: alert('e1', 'deleted'), attempts: 1 },
        { body: alert('e2', 'down2'), attempts: 1 },
        { body: alert('e3', 'ok2'), attempts: 1 },
      ],
      [hook('ok2', ok), hook('down2', down)],
    )
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm2'])
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1'])
    const log = await loadDeliveryLog(env)
    expect(log.recent.slice(0, 3).map((r) => r.outcome)).toEqual(['sent', 'retry', 'dropped'])
  })
})
