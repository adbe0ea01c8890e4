// The budgets on the real tick, in workerd with the real configuration object, KV and queue, and
// publishers on loopback: a tick with 80 due feeds under the free plan's work budget polls what
// fits and leaves the rest to the next ticks, losing none; a busy stretch of day stays within a
// small KV write budget and alerts every story exactly once, as a run without budget would.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../src/model'
import { DEFAULT_BUDGETS, writeSpacingMinutes, type Budget } from '../../src/monitor/budget'
import { runTick, type TickDeps } from '../../src/monitor/tick'
import { shard as shardKey } from '../../src/store/keys'
import type { TestItem } from '../support/feeds'
import { setUpTaggedFeeds } from '../support/tagged-feeds'
import { countingKv } from '../support/worker'

const T0 = Math.floor(Date.now() / 60_000) * 60_000
const at = (minute: number) => new Date(T0 + minute * 60_000)

/** The real queue, remembering every alert sent through it. */
function recordingQueue(queue: Queue<Alert>): { queue: Queue<Alert>; sent: Alert[] } {
  const sent: Alert[] = []
  const wrapped = {
    send: async (body: Alert, options?: QueueSendOptions) => {
      sent.push(body)
      return queue.send(body, options)
    },
    sendBatch: async (
      messages: Iterable<MessageSendRequest<Alert>>,
      options?: QueueSendBatchOptions,
    ) => {
      const list = [...messages]
      sent.push(...list.map((m) => m.body))
      return queue.sendBatch(list, options)
    },
  } as Queue<Alert>
  return { queue: wrapped, sent }
}

const tickDeps = (now: Date, budget: Budget, over: Partial<TickDeps> = {}): TickDeps => ({
  store: env,
  queue: env.DELIVERIES,
  fetch: (input, init) => fetch(input, init),
  now,
  shardCount: 1,
  maxItemAgeHours: 72,
  budget,
  log: () => undefined,
  ...over,
})

const story = (feed: string, n: number): TestItem => ({
  guid: `${feed}-story-${n}`,
  title: `Belgorod : dépêche ${n} du fil ${feed}`,
  description: 'Une incursion près de Belgorod.',
  link: `https://news.example.org/${feed}/${n}`,
  pubDate: new Date(T0),
})

/** Feeds named `prefix-i` on loopback, a webhook destination and a watch on every feed. */
const setUp = (prefix: string, count: number) =>
  setUpTaggedFeeds({ area: 'budget', prefix, count, initial: [] })

describe('the work budget', () => {
  it('polls what fits of 80 due feeds under the free budget, the rest on the next ticks, losing none', async () => {
    const { publish } = await setUp('eighty', 80)
    // Every feed read once (silently), with room to spare.
    const first = await runTick(tickDeps(at(0), DEFAULT_BUDGETS.paid))
    expect(first.polled).toBe(80)

    // Each feed publishes one story; 15 minutes later all 80 are due at once.
    for (let i = 0; i < 80; i++) await publish(i, [story(`e${i}`, 1)], 1)
    const free = DEFAULT_BUDGETS.free
    const { queue, sent } = recordingQueue(env.DELIVERIES)
    const ticks = []
    for (let m = 15; sent.length < 80 && m < 15 + 60; m++) {
      ticks.push(await runTick(tickDeps(at(m), free, { queue })))
    }
    const [firstFree] = ticks
    expect(firstFree!.polled).toBeGreaterThan(0)
    expect(firstFree!.polled).toBeLessThan(80)
    expect(firstFree!.deferred).toBe(80 - firstFree!.polled)
    for (const t of ticks) {
      expect(t.subrequests).toBeLessThanOrEqual(free.subrequests)
      if (t.polled > 1) expect(t.estimatedCpuMs).toBeLessThanOrEqual(free.cpuMs)
    }
    // Every story alerted, each once.
    const titles = sent.map((a) => a.item.title).sort()
    expect(new Set(titles).size).toBe(80)
    expect(titles).toHaveLength(80)
    // Deferred feeds come first: the stories arrived within a few ticks, none left behind.
    expect(ticks.length).toBeLessThan(30)
  })
})

describe('the KV write budget', () => {
  it('holds through a busy stretch of day, with every story alerted once', async () => {
    const feeds = 5
    const { publish } = await setUp('busy', feeds)
    // A budget of 96 writes a day: one write per 15 minutes for the one shard.
    const budget: Budget = { ...DEFAULT_BUDGETS.paid, kvWritesPerDay: 96 }
    const spacing = writeSpacingMinutes(budget.kvWritesPerDay, 1)
    expect(spacing).toBe(15)
    const counting = countingKv(env.KV)
    const { queue, sent } = recordingQueue(env.DELIVERIES)
    const store = { ...env, KV: counting.kv }
    const published: Array<{ title: string; minute: number }> = []
    const inFeed: TestItem[][] = Array.from({ length: feeds }, () => [])
    const base = 200 // minutes after T0, clear of the other test's ticks
    await runTick(tickDeps(at(base), budget, { store, queue, floorMinutes: 5 }))
    let version = 1
    const minutes = 180
    for (let m = 1; m <= minutes; m++) {
      // Every 5 minutes each feed publishes a story (a busy news feed: ~12 an hour), keeping its
      // latest 20 items.
      if (m % 5 === 0) {
        for (let i = 0; i < feeds; i++) {
          const item = story(`busy${i}`, m)
          published.push({ title: item.title, minute: m })
          inFeed[i] = [item, ...inFeed[i]!].slice(0, 20)
          await publish(i, inFeed[i]!, ++version)
        }
      }
      if (m === 90) {
        // Another isolate writes the shard: this one's unwritten state is dropped, and the items
        // it held are found again under the same alert ids.
        const doc = JSON.parse((await env.KV.get(shardKey(0)))!) as { rev?: string }
        doc.rev = 'written-elsewhere'
        await env.KV.put(shardKey(0), JSON.stringify(doc))
      }
      await runTick(tickDeps(at(base + m), budget, { store, queue, floorMinutes: 5 }))
    }
    // At most one write per spacing, plus the first.
    expect(counting.writes()).toBeLessThanOrEqual(Math.ceil(minutes / spacing) + 1)
    // Every story alerted — those of the last interval may still wait for their feed's poll —
    // and a copy only ever under an id already sent (which the ledger drops).
    const ids = new Set(sent.map((a) => a.id))
    const titles = new Set(sent.map((a) => a.item.title))
    const settled = published.filter((p) => p.minute <= minutes - 15)
    expect(settled.filter((p) => !titles.has(p.title))).toEqual([])
    expect(ids.size).toBe(titles.size)
    expect(titles.size).toBeGreaterThanOrEqual(settled.length)
  })
})
