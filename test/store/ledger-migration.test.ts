// The delivery log and dead letters kept in KV before the delivery ledger are migrated into it once,
// on the ledger's first start. (A file of its own: storage is per test file, and this needs a ledger
// that was never touched.)
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { claimAlerts, getDeadLetter, loadDeliveryLog } from '../../src/store/deliveries'
import { LEGACY_DEAD_LETTER_PREFIX, LEGACY_DELIVERY_LOG } from '../../src/store/keys'

const letter = (id: string) => ({
  alert: {
    id,
    watch: { id: 'w', name: 'W', query: 'otan' },
    feed: { id: 'f', url: 'https://news.example.org/feed.xml' },
    item: {
      key: `g:${id}`,
      feedId: 'f',
      title: `Story ${id}`,
      summary: '',
      content: '',
      categories: [],
      enclosures: [],
    },
    match: { terms: ['otan'], fields: ['title'], hits: [], snippet: 'Otan', highlights: [] },
    destinationId: 'hook',
    detectedAt: '2026-11-30T12:00:00.000Z',
  },
  error: 'webhook hook: HTTP 410',
  status: 410,
  attempts: 1,
  at: '2026-11-30T12:00:05.000Z',
})

describe('migration of the KV delivery log', () => {
  it('brings counters, delivered ids and every dead letter over once', async () => {
    await env.KV.put(
      LEGACY_DELIVERY_LOG,
      JSON.stringify({
        schema: 1,
        counters: { sent: 12, retried: 3, dead: 2, duplicates: 1, dropped: 0, replayed: 1 },
        recent: [],
        delivered: ['old-sent-1', 'old-sent-2'],
      }),
    )
    for (const id of ['old-dead-1', 'old-dead-2']) {
      await env.KV.put(`${LEGACY_DEAD_LETTER_PREFIX}${id}`, JSON.stringify(letter(id)))
    }

    const log = await loadDeliveryLog(env)
    expect(log.counters).toMatchObject({ sent: 12, retried: 3, dead: 2, replayed: 1 })
    expect(await getDeadLetter(env, 'old-dead-2')).toMatchObject({ status: 410, attempts: 1 })
    // An alert delivered before the ledger existed is still a duplicate, not sent again.
    const claim = await claimAlerts(env, 'hook', ['old-sent-1', 'brand-new'], new Date())
    expect(claim.duplicates).toEqual(['old-sent-1'])
    expect(claim.claimed).toEqual(['brand-new'])

    // Once only: what KV holds later is never read again.
    await env.KV.put(`${LEGACY_DEAD_LETTER_PREFIX}late`, JSON.stringify(letter('late')))
    expect((await loadDeliveryLog(env)).counters.sent).toBe(12)
    expect(await getDeadLetter(env, 'late')).toBeNull()
  })
})
