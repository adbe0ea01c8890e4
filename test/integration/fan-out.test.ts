// Fan-out over the polls queue, in workerd with the real configuration object, KV and queues: the
// tick sends poll jobs to a bound polls queue, Miniflare hands them to the Worker's queue handler,
// and the alerts reach a receiver on loopback. The same feeds give the same alerts through the
// inline tick and through poll jobs; a job whose enqueue fails for one of its feeds, retried, loses
// no alert and enqueues none twice.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../src/model'
import { DEFAULT_BUDGETS } from '../../src/monitor/budget'
import { runPollJob, type PollJobDeps } from '../../src/monitor/poll-consumer'
import type { PollJob } from '../../src/monitor/poll-jobs'
import { currentShard } from '../../src/monitor/tick'
import { beginTickLease, endTickLease } from '../../src/store/config'
import { loadShard } from '../../src/store/shards'
import { faultyQueue } from '../support/faults'
import type { TestItem } from '../support/feeds'
import { received } from '../support/loopback'
import { setUpTaggedFeeds } from '../support/tagged-feeds'
import { api, eventually, sleep, tick } from '../support/worker'

const T0 = Math.floor(Date.now() / 60_000) * 60_000
const at = (minute: number) => new Date(T0 + minute * 60_000)
/** The test env with its polls queue bound as POLLS: the Worker fans out. */
const fanOut = { ...env, POLLS: (env as unknown as { TEST_POLLS: Queue<PollJob> }).TEST_POLLS }

const calm: TestItem = {
  guid: 'calm',
  title: 'Météo : orages sur la Wallonie',
  pubDate: new Date(T0),
}
const story = (feed: number, n: number): TestItem => ({
  guid: `story-${n}`,
  title: `Belgorod : dépêche ${n} du fil ${feed}`,
  description: 'Une incursion près de Belgorod.',
  link: `https://news.example.org/${feed}/${n}`,
  pubDate: new Date(T0),
})
const weather = (n: number): TestItem => ({
  guid: `weather-${n}`,
  title: `Météo ${n} : éclaircies`,
  pubDate: new Date(T0),
})

/** This isolate's view of a feed's state (its unwritten shard copy when KV still holds its base). */
async function stateOf(feedId: string) {
  return currentShard((await loadShard(env.KV, 0)).doc).feeds[feedId]
}

/** Whether no tick, push or poll job holds the lease now. */
async function leaseFree(): Promise<boolean> {
  const { leased } = await beginTickLease(env, 'test-probe', 5_000)
  if (leased) await endTickLease(env, 'test-probe')
  return leased
}

/** Feeds `prefix-i` on loopback, polled every minute, with a watch and a webhook receiver. */
async function setUp(prefix: string, count: number) {
  const { hook, publish } = await setUpTaggedFeeds({
    area: 'fan-out',
    prefix,
    count,
    initial: [calm],
    feed: { intervalMinutes: 1 },
  })
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
  /** What the receiver got: feed index and item title of each alert, and the webhook ids. */
  const deliveries = async () =>
    (await received(hook)).map((r) => {
      const data = JSON.parse(r.body).data as Alert & { feed: { id: string } }
      return {
        what: `${data.feed.id.slice(prefix.length + 1)} | ${data.item.title}`,
        id: r.headers['webhook-id'] ?? '',
      }
    })
  return { ids, publish, deliveries }
}

/**
 * One story of life for `count` feeds: a silent first poll, then two rounds of news. `bindings`
 * picks the path (with POLLS bound: fan-out). Each tick's work is finished (every feed polled for
 * that minute, the lease free) before the next, as the minutes between real ticks allow.
 */
async function lifeOf(prefix: string, bindings: Env, base: number): Promise<string[]> {
  const count = 4
  const { ids, publish, deliveries } = await setUp(prefix, count)
  const settled = async (minute: number) =>
    eventually(async () => {
      const states = await Promise.all(ids.map(stateOf))
      return states.every((s) => s?.checkedAt === at(minute).toISOString()) && (await leaseFree())
    })
  await tick(at(base), bindings)
  await settled(base)
  for (let i = 0; i < count; i++) await publish(i, [story(i, 1), weather(1), calm], 1)
  await tick(at(base + 1), bindings)
  await settled(base + 1)
  for (let i = 0; i < count; i++) {
    await publish(i, [story(i, 3), weather(2), story(i, 1), weather(1), calm], 2)
  }
  await tick(at(base + 2), bindings)
  await settled(base + 2)
  await eventually(async () => (await deliveries()).length >= 2 * count)
  // Time for a duplicate to show up, were there one.
  await sleep(1_500)
  const got = await deliveries()
  expect(new Set(got.map((d) => d.id)).size).toBe(got.length)
  // Out of the way of the other path's ticks.
  for (const id of ids) expect((await api('DELETE', `/api/feeds/${id}`)).status).toBe(200)
  return got.map((d) => d.what).sort()
}

describe('fan-out over the polls queue', () => {
  it('gives the same alerts as the inline tick for the same feeds', async () => {
    const inline = await lifeOf('inline', env, 0)
    const fanned = await lifeOf('fanned', fanOut, 10)
    expect(inline).toHaveLength(8)
    expect(fanned).toEqual(inline)
  })

  it('loses nothing and enqueues nothing twice when a job fails for one of its feeds and is retried', async () => {
    const { ids, publish } = await setUp('mid', 3)
    const deps = (queue: Queue<Alert>, minute: number): PollJobDeps => ({
      store: env,
      queue,
      fetch: (input, init) => fetch(input, init),
      now: at(minute),
      shardCount: 1,
      maxItemAgeHours: 72,
      budget: DEFAULT_BUDGETS.paid,
      floorMinutes: 1,
      log: () => undefined,
    })
    const job = (minute: number): PollJob => ({
      shard: 0,
      feeds: ids.map((id) => ({ id, since: T0 / 60_000 + minute })),
      at: at(minute).toISOString(),
    })
    const first = await runPollJob(job(20), deps(env.DELIVERIES, 20))
    expect(first).toMatchObject({ kind: 'done', summary: { polled: 3, alerts: 0 } })

    for (let i = 0; i < 3; i++) await publish(i, [story(i, 5), calm], 1)
    // The middle feed's alerts cannot be enqueued: its state must stay as it was.
    const failing = faultyQueue(env.DELIVERIES, 'always', {
      only: (a) => a.feed.id === 'mid-1',
    })
    const partial = await runPollJob(job(21), deps(failing.queue, 21))
    expect(partial).toMatchObject({ kind: 'done', summary: { polled: 3, alerts: 2 } })
    expect(failing.failures()).toBe(1)

    // The queue retries the message: only the feed that did not commit is polled again.
    const healthy = faultyQueue(env.DELIVERIES, 'never')
    const retried = await runPollJob(job(21), deps(healthy.queue, 21))
    expect(retried).toMatchObject({ kind: 'done', skipped: 2, summary: { polled: 1, alerts: 1 } })

    const all = [...failing.enqueued, ...healthy.enqueued]
    expect(all).toHaveLength(3)
    expect(new Set(all).size).toBe(3)
    // And nothing is left to find: a third run finds every feed polled for this slot.
    const again = await runPollJob(job(21), deps(healthy.queue, 21))
    expect(again).toMatchObject({ kind: 'done', skipped: 3, summary: { polled: 0 } })
    expect(healthy.enqueued).toHaveLength(1)
  })
})
