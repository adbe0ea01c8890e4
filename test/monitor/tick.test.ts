// The tick's own bounds, run directly against the real bindings: the poll deadline that keeps a
// tick within its lease, and the lease that keeps a second tick out.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beginTickLease, endTickLease } from '../../src/store/config'
import { runTick } from '../../src/monitor/tick'
import { rss } from '../support/feeds'
import { received, script } from '../support/loopback'
import { api } from '../support/worker'
import { minuteTicks } from '../support/tick-deps'

const deps = minuteTicks()

describe('the tick', () => {
  it('starts no poll after its deadline: the rest are deferred, not fetched', async () => {
    // Two feeds of one host are polled one after the other (which first depends on the fair
    // order); each answers slowly. The margins are wide (a 1 s deadline from the tick's start, 2 s
    // answers) so a loaded machine, slow to read the configuration and shards, still starts the
    // first poll before the deadline, and the second always comes after it.
    const urls = new Map<string, string>()
    for (const id of ['f-slow-a', 'f-slow-b']) {
      const url = await script(`/tick/${id}.xml`, { body: rss(id, []), delayMs: 2_000 })
      urls.set(id, url)
      expect(
        (await api('POST', '/api/feeds', { id, url, discover: false, intervalMinutes: 1 })).status,
      ).toBe(201)
    }
    const fetched = async () => {
      const all = await received('/tick/f-slow-')
      return new Set(all.map((r) => r.path))
    }
    const result = await runTick(deps({ pollDeadlineMs: 1_000 }))
    expect(result.polled).toBe(1)
    expect(result.deferred).toBe(1)
    expect((await fetched()).size).toBe(1)
    // The next tick, with time to spare, polls the one that waited (deferred feeds go first).
    await runTick(deps())
    expect((await fetched()).size).toBe(2)
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
