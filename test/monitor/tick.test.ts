// The tick's own bounds, run directly against the real bindings: the poll deadline that keeps a
// tick within its lease, and the lease that keeps a second tick out.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beginTickLease, endTickLease } from '../../src/store/config'
import { runTick, type TickDeps } from '../../src/monitor/tick'
import { rss } from '../support/feeds'
import { received, script } from '../support/loopback'
import { api } from '../support/worker'

const start = Date.now()
let minute = 0
/** Each tick one minute after the previous one; the feeds here poll every minute. */
const deps = (over: Partial<TickDeps> = {}): TickDeps => ({
  store: env,
  queue: env.DELIVERIES,
  fetch: (input, init) => fetch(input, init),
  now: new Date(start + ++minute * 60_000),
  shardCount: 1,
  maxPollsPerTick: 40,
  maxItemAgeHours: 72,
  // The development floor: these feeds are polled every minute.
  floorMinutes: 1,
  log: () => undefined,
  ...over,
})

describe('the tick', () => {
  it('starts no poll after its deadline: the rest are deferred, not fetched', async () => {
    // Two feeds of one host are polled one after the other; the first answers slowly.
    const slow = await script('/tick/slow.xml', { body: rss('slow', []), delayMs: 300 })
    const next = await script('/tick/next.xml', { body: rss('next', []) })
    for (const [id, url] of [
      ['f-slow', slow],
      ['f-next', next],
    ]) {
      expect(
        (await api('POST', '/api/feeds', { id, url, discover: false, intervalMinutes: 1 })).status,
      ).toBe(201)
    }
    const result = await runTick(deps({ pollDeadlineMs: 100 }))
    expect(result.polled).toBe(1)
    expect(result.deferred).toBe(1)
    expect(await received('/tick/next.xml')).toHaveLength(0)
    // The next tick, with time to spare, polls it.
    await runTick(deps())
    expect(await received('/tick/next.xml')).toHaveLength(1)
  })

  it('does nothing while another tick holds the lease, and runs once it is given back', async () => {
    const { leased } = await beginTickLease(env, 'another-tick', 60_000)
    expect(leased).toBe(true)
    const before = (await received('/tick/')).length
    const skipped = await runTick(deps())
    expect(skipped).toMatchObject({ skipped: true, polled: 0, written: [] })
    expect((await received('/tick/')).length).toBe(before)
    await endTickLease(env, 'another-tick')
    const ran = await runTick(deps())
    expect(ran.skipped).toBeUndefined()
    expect(ran.polled).toBeGreaterThan(0)
  })
})
