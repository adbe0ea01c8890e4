// Fault injection on the whole loop, in workerd with the real queue, KV and configuration object:
// each fault is a wrapper around a real binding (test/support/faults.ts). For every fault: no alert
// is lost (it arrives, later if need be), no alert id reaches the receiver twice, and nothing is
// stored half-way (a feed's state is its previous one or its next one, whole).
import { env } from 'cloudflare:workers'
import { SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { shardOf } from '../../src/monitor/schedule'
import { loadConfig } from '../../src/store/config'
import { shard as shardKey } from '../../src/store/keys'
import type { FeedState, ShardDoc } from '../../src/store/shards'
import { faultyKv, faultyQueue } from '../support/faults'
import { rss, type TestItem } from '../support/feeds'
import { loopbackUrl, received, script } from '../support/loopback'
import { ADMIN_TOKEN, api, eventually, sleep, tick } from '../support/worker'

const start = Date.now()
let minute = 0
/** Each tick happens one minute after the previous one (every feed polls every minute). */
const nextTickTime = () => new Date(start + ++minute * 60_000)
/** How long to wait for a copy that should not come (the consumer batches within ~1 s). */
const SETTLE_MS = 2_000

const story = (name: string, n: number): TestItem => ({
  guid: `${name}-${n}`,
  title: `Belgorod : épisode ${n} de ${name}`,
  description: 'Une incursion près de Belgorod.',
  link: `https://news.example.org/${name}/${n}`,
  pubDate: new Date(start - 3_600_000),
})
const calm: TestItem = {
  guid: 'calm',
  title: 'Météo calme',
  pubDate: new Date(start - 7_200_000),
}

/** One feed, its receiver, a destination and a watch scoped to that feed. */
async function scenario(name: string) {
  const feedPath = `/faults/${name}/feed.xml`
  const hookPath = `/faults/${name}/hook`
  let version = 0
  const publish = async (items: TestItem[]) =>
    script(feedPath, { body: rss(`Fil ${name}`, [...items, calm]), etag: `"${name}-${++version}"` })
  await publish([])
  await script(hookPath, { status: 204 })
  const feedId = `f-${name}`
  const responses = await Promise.all([
    api('POST', '/api/feeds', {
      id: feedId,
      url: `${loopbackUrl()}${feedPath}`,
      intervalMinutes: 1,
    }),
    api('POST', '/api/destinations', {
      id: `d-${name}`,
      name,
      type: 'webhook',
      url: `${loopbackUrl()}${hookPath}`,
    }),
  ])
  expect(responses.map((r) => r.status)).toEqual([201, 201])
  const watch = await api('POST', '/api/watches', {
    id: `w-${name}`,
    name,
    query: 'belgorod',
    destinations: [`d-${name}`],
    scope: { feeds: [feedId] },
  })
  expect(watch.status).toBe(201)
  return {
    feedId,
    publish,
    /** Requests the feed server received. */
    fetches: () => received(feedPath),
    /** The webhook ids the receiver got, in order. */
    deliveries: async () => (await received(hookPath)).map((r) => r.headers['webhook-id'] ?? ''),
  }
}

type Scenario = Awaited<ReturnType<typeof scenario>>

/** The shard document holding `feedId`, exactly as stored (text). */
async function storedShard(feedId: string): Promise<string | null> {
  return env.KV.get(shardKey(shardOf(feedId, 1)))
}
const stateIn = (raw: string | null, feedId: string): FeedState | undefined =>
  raw === null ? undefined : (JSON.parse(raw) as ShardDoc).feeds[feedId]

/** Waits until `n` deliveries arrived, then a little longer, and returns them all. */
async function settled(s: Scenario, n: number): Promise<string[]> {
  await eventually(async () => (await s.deliveries()).length >= n)
  await sleep(SETTLE_MS)
  return s.deliveries()
}

const distinct = (ids: string[]) => new Set(ids).size === ids.length

describe('faults on the tick', () => {
  const s: Record<string, Scenario> = {}

  beforeAll(async () => {
    for (const name of ['once', 'always', 'lost', 'dies', 'size', 'isolated', 'healthy', 'twice']) {
      s[name] = await scenario(name)
    }
    // The first poll of every feed records its current items silently.
    await tick(nextTickTime())
  })

  it('a send that fails once: the feed keeps its whole state, the alert arrives next tick', async () => {
    const { once } = s as { once: Scenario }
    const before = stateIn(await storedShard(once.feedId), once.feedId)
    await once.publish([story('once', 1)])
    const queue = faultyQueue(env.DELIVERIES, 'once')
    await tick(nextTickTime(), { ...env, DELIVERIES: queue.queue })
    expect(queue.failures()).toBe(1)
    // The validators, digest and seen set of the failed poll were not committed...
    const kept = stateIn(await storedShard(once.feedId), once.feedId)
    expect(kept).toMatchObject({
      etag: before?.etag,
      bodyHash: before?.bodyHash,
      seen: before?.seen,
    })
    // ...so the next poll asks with the old ETag, gets the body, and finds the item again.
    const healed = faultyQueue(env.DELIVERIES, 'never')
    await tick(nextTickTime(), { ...env, DELIVERIES: healed.queue })
    const fetches = await once.fetches()
    expect(fetches.at(-1)?.headers['if-none-match']).toBe(before?.etag)
    const delivered = await settled(once, 1)
    expect(delivered).toHaveLength(1)
    // Enqueued once in all: the failed send put nothing in the queue.
    expect([...queue.enqueued, ...healed.enqueued]).toEqual(delivered)
    expect(stateIn(await storedShard(once.feedId), once.feedId)?.etag).toBe('"once-2"')
  })

  it('a send that always fails: nothing is committed tick after tick, then all arrive once', async () => {
    const { always } = s as { always: Scenario }
    const before = await storedShard(always.feedId)
    await always.publish([story('always', 1), story('always', 2)])
    const queue = faultyQueue(env.DELIVERIES, 'always', {
      only: (a) => a.feed.id === always.feedId,
    })
    for (let i = 0; i < 3; i++) await tick(nextTickTime(), { ...env, DELIVERIES: queue.queue })
    expect(queue.failures()).toBe(3)
    expect(queue.enqueued).toEqual([])
    expect(stateIn(await storedShard(always.feedId), always.feedId)).toEqual(
      stateIn(before, always.feedId),
    )
    await sleep(SETTLE_MS)
    expect(await always.deliveries()).toHaveLength(0)
    await tick(nextTickTime())
    const delivered = await settled(always, 2)
    expect(delivered).toHaveLength(2)
    expect(distinct(delivered)).toBe(true)
  })

  it('a send whose answer is lost: enqueued twice under one id, delivered once', async () => {
    const { lost } = s as { lost: Scenario }
    await lost.publish([story('lost', 1)])
    const queue = faultyQueue(env.DELIVERIES, 'once', {
      lostAnswer: true,
      only: (a) => a.feed.id === lost.feedId,
    })
    await tick(nextTickTime(), { ...env, DELIVERIES: queue.queue })
    await settled(lost, 1)
    const retried = faultyQueue(env.DELIVERIES, 'never')
    await tick(nextTickTime(), { ...env, DELIVERIES: retried.queue })
    const mine = (ids: string[]) => ids.filter((id) => queue.enqueued.includes(id))
    // The same id went into the queue again (the tick could not know the first send worked)...
    expect(mine(retried.enqueued)).toEqual(queue.enqueued)
    // ...and the consumer dropped the second copy.
    const delivered = await settled(lost, 1)
    expect(delivered).toEqual(queue.enqueued)
  })

  it('the isolate dying between enqueue and commit: nothing stored, delivered once', async () => {
    const { dies } = s as { dies: Scenario }
    const before = await storedShard(dies.feedId)
    await dies.publish([story('dies', 1)])
    const kv = faultyKv(env.KV, { prefix: 'shard:', mode: 'once' })
    const queue = faultyQueue(env.DELIVERIES, 'never')
    await expect(
      tick(nextTickTime(), { ...env, KV: kv.kv, DELIVERIES: queue.queue }),
    ).rejects.toThrow(/shard write/)
    expect(kv.failures()).toBe(1)
    expect(await storedShard(dies.feedId)).toBe(before)
    await settled(dies, 1)
    await tick(nextTickTime())
    const delivered = await settled(dies, 1)
    expect(delivered).toHaveLength(1)
    expect(stateIn(await storedShard(dies.feedId), dies.feedId)?.etag).toBe('"dies-2"')
  })

  it('KV refusing the shard’s size: the previous shard stays whole, later ticks commit', async () => {
    const { size } = s as { size: Scenario }
    const before = await storedShard(size.feedId)
    await size.publish([story('size', 1)])
    const kv = faultyKv(env.KV, { prefix: 'shard:', maxBytes: 100 })
    await expect(tick(nextTickTime(), { ...env, KV: kv.kv })).rejects.toThrow(/shard write/)
    expect(await storedShard(size.feedId)).toBe(before)
    await tick(nextTickTime())
    const delivered = await settled(size, 1)
    expect(delivered).toHaveLength(1)
  })

  it('one feed’s failing enqueue holds back no other feed', async () => {
    const { isolated, healthy } = s as { isolated: Scenario; healthy: Scenario }
    await isolated.publish([story('isolated', 1)])
    await healthy.publish([story('healthy', 1)])
    const queue = faultyQueue(env.DELIVERIES, 'always', {
      only: (a) => a.feed.id === isolated.feedId,
    })
    await tick(nextTickTime(), { ...env, DELIVERIES: queue.queue })
    expect(await settled(healthy, 1)).toHaveLength(1)
    expect(await isolated.deliveries()).toHaveLength(0)
    expect(stateIn(await storedShard(healthy.feedId), healthy.feedId)?.etag).toBe('"healthy-2"')
    const healed = faultyQueue(env.DELIVERIES, 'never')
    await tick(nextTickTime(), { ...env, DELIVERIES: healed.queue })
    const delivered = [...(await settled(isolated, 1)), ...(await healthy.deliveries())]
    expect(delivered).toHaveLength(2)
    // Each alert id went into the queue exactly once.
    expect([...queue.enqueued, ...healed.enqueued].sort()).toEqual([...delivered].sort())
  })

  it('two ticks at once: the feed is polled once, its alert delivered once', async () => {
    const { twice } = s as { twice: Scenario }
    await twice.publish([story('twice', 1)])
    const fetchesBefore = (await twice.fetches()).length
    const at = nextTickTime()
    await Promise.all([tick(at), tick(at)])
    expect((await twice.fetches()).length).toBe(fetchesBefore + 1)
    expect(await settled(twice, 1)).toHaveLength(1)
    expect(stateIn(await storedShard(twice.feedId), twice.feedId)?.etag).toBe('"twice-2"')
    // The lease was given back: the next tick polls.
    await tick(nextTickTime())
    expect((await twice.fetches()).length).toBe(fetchesBefore + 2)
  })

  it('hundreds of API writes while two ticks run: every one kept', async () => {
    const writes = Array.from({ length: 200 }, (_, i) => async () => {
      const res = await SELF.fetch('https://feedwatch.test/api/watches', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `w-load-${i}`,
          name: `load ${i}`,
          query: `load${i}`,
          destinations: ['d-healthy'],
        }),
      })
      await res.arrayBuffer()
      return res.status
    })
    let next = 0
    const statuses: number[] = []
    const worker = async () => {
      while (next < writes.length) statuses.push(await (writes[next++] as () => Promise<number>)())
    }
    const at = nextTickTime()
    await Promise.all([...Array.from({ length: 20 }, worker), tick(at), tick(at)])
    expect(statuses.filter((x) => x !== 201)).toEqual([])
    const ids = new Set((await loadConfig(env)).watches.map((w) => w.id))
    expect(Array.from({ length: 200 }, (_, i) => ids.has(`w-load-${i}`)).every(Boolean)).toBe(true)
  })
})
