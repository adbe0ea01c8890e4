// `npm run bench:tick` (second part): real ticks in workerd (Miniflare) against publishers on
// loopback, over a simulated day compressed in time (one tick per simulated minute, as fast as
// they run). Feeds are drawn from what real news feeds look like (30 items; 10–120 KB; from 5 to
// 150 items a day: regional outlets to wire services). Prints a tick line every simulated hour
// and per-day totals against each plan's limits, and compares the alerts with a run without any
// budget: none lost, none duplicated. CPU is the tick's own estimate (workerd's clock stands still
// while code computes), subrequests and KV operations are counted. Prints figures; never fails.
import { bundleWorker } from './bundle-worker'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'
import { createServer } from 'node:http'
import { prng } from '../test/support/prng'

const T0 = Date.UTC(2026, 11, 1)
let simulatedNow = T0
const ITEMS_IN_FEED = 30
const RATES = [150, 120, 100, 100, 60, 40, 25, 10, 5]
const RARE = Array.from({ length: 20_000 }, (_, i) => `mot${i.toString(36)}`)
const COMMON = 'le la les un une des et est dans pour sur avec ville pays gouvernement'.split(' ')

interface FeedShape {
  perDay: number
  phase: number
  itemBytes: number
}
const shapes = (count: number): FeedShape[] => {
  const rand = prng(count)
  return Array.from({ length: count }, () => ({
    perDay: RATES[Math.floor(rand() * RATES.length)]!,
    phase: Math.floor(rand() * 1440),
    itemBytes: 300 + Math.floor(rand() * 3700),
  }))
}

function feedBody(i: number, shape: FeedShape, nowMin: number): { etag: string; body: string } {
  const gap = 1440 / shape.perDay
  const last = Math.floor((nowMin - shape.phase) / gap)
  const items: string[] = []
  for (let k = last; k > last - ITEMS_IN_FEED; k--) {
    const rand = prng(i * 1_000_003 + k)
    const words = Array.from({ length: 10 }, () =>
      rand() < 0.15
        ? RARE[Math.floor(rand() * RARE.length)]
        : COMMON[Math.floor(rand() * COMMON.length)],
    ).join(' ')
    const published = new Date(T0 + (shape.phase + k * gap) * 60_000).toUTCString()
    const text = `${words} `
      .repeat(Math.ceil(shape.itemBytes / (words.length + 1)))
      .slice(0, shape.itemBytes)
    items.push(
      `<item><title>${words}</title><link>https://news.example.org/${i}/${k}</link>` +
        `<guid>https://news.example.org/${i}/${k}</guid><pubDate>${published}</pubDate>` +
        `<description>${text}</description></item>`,
    )
  }
  return {
    etag: `"${i}-${last}"`,
    body: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ${i}</title><link>https://news.example.org/</link>${items.join('')}</channel></rss>`,
  }
}

let currentShapes: FeedShape[] = []
const server = createServer((req, res) => {
  const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')
  const shape = m ? currentShapes[Number(m[1])] : undefined
  if (!m || !shape) return void res.writeHead(404).end()
  const { etag, body } = feedBody(Number(m[1]), shape, (simulatedNow - T0) / 60_000)
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end()
  res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body)
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`

const bundle = await bundleWorker('bench/tick-worker.ts')

interface Limits {
  cpuMsPerInvocation: number
  subrequestsPerInvocation: number
  kvReadsPerDay: number
  kvWritesPerDay: number
  kvListsPerDay: number
  queueOpsPerDay: number
}
/** The Worker's own constants (src/monitor/budget.ts), asked of it so both sides agree. */
let PLAN_LIMITS: Record<'free' | 'paid', Limits>
let QUEUE_OPS_PER_ALERT = 0

interface Day {
  alerts: Map<string, number>
  duplicates: number
  totals: Record<string, number>
  maxCpu: number
  maxSub: number
  deferredMax: number
  wallMs: number
  /** The minute by which every feed had had its first (silent) poll: new feeds go first. */
  allReadBy: number
}

async function runDay(
  feeds: number,
  watches: number,
  plan: string,
  minutes: number,
  quiet = false,
): Promise<Day> {
  currentShapes = shapes(feeds)
  simulatedNow = T0
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: 'tick-bench',
          compatibilityDate: '2026-11-01',
          modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle }],
          kvNamespaces: ['KV'],
          durableObjects: { CONFIG: { className: 'ConfigStore', useSQLite: true } },
        },
      ],
    }),
  )
  const day: Day = {
    alerts: new Map(),
    duplicates: 0,
    totals: {},
    maxCpu: 0,
    maxSub: 0,
    deferredMax: 0,
    wallMs: 0,
    allReadBy: 0,
  }
  const add = (k: string, n: number) => (day.totals[k] = (day.totals[k] ?? 0) + n)
  try {
    ;({ PLAN_LIMITS, QUEUE_OPS_PER_ALERT } = (await (
      await mf.dispatchFetch('http://bench/limits')
    ).json()) as { PLAN_LIMITS: Record<'free' | 'paid', Limits>; QUEUE_OPS_PER_ALERT: number })
    const words = RARE.slice(0, watches).join(',')
    const setup = await mf.dispatchFetch(
      `http://bench/setup?feeds=${feeds}&watches=${watches}&origin=${origin}&words=${words}`,
    )
    if (!setup.ok) throw new Error(`setup refused: ${await setup.text()}`)
    await setup.text()
    const started = performance.now()
    for (let m = 0; m < minutes; m++) {
      simulatedNow = T0 + m * 60_000
      const res = await mf.dispatchFetch(`http://bench/tick?plan=${plan}&at=${simulatedNow}`)
      const { result, counts, sends, alerts } = (await res.json()) as {
        result: { polled: number; deferred: number; estimatedCpuMs: number; subrequests: number }
        counts: Record<string, number>
        sends: number
        alerts: string[]
      }
      for (const a of alerts) {
        const [id, published] = a.split(' ')
        if (day.alerts.has(id!)) day.duplicates++
        day.alerts.set(id!, Date.parse(published ?? ''))
      }
      add('polls', result.polled)
      if (day.allReadBy === 0 && day.totals.polls! >= feeds) day.allReadBy = m
      add('cpu', result.estimatedCpuMs)
      add('subrequests', result.subrequests)
      add('kvReads', counts.reads ?? 0)
      add('kvWrites', counts.writes ?? 0)
      add('kvLists', counts.lists ?? 0)
      add('queueOps', alerts.length * QUEUE_OPS_PER_ALERT)
      day.maxCpu = Math.max(day.maxCpu, result.estimatedCpuMs)
      day.maxSub = Math.max(day.maxSub, result.subrequests)
      day.deferredMax = Math.max(day.deferredMax, result.deferred)
      if (!quiet && m % 60 === 0) {
        console.log(
          `  tick ${String(m).padStart(4)}: ${String(result.polled).padStart(4)} polled, ${String(result.deferred).padStart(4)} deferred, ` +
            `~${result.estimatedCpuMs.toFixed(1)} ms CPU, ${result.subrequests} subrequests, ` +
            `KV ${counts.reads ?? 0} reads / ${counts.writes ?? 0} writes, ${alerts.length * QUEUE_OPS_PER_ALERT} queue ops (${sends} sends)`,
        )
      }
    }
    day.wallMs = performance.now() - started
  } finally {
    await mf.dispose()
  }
  return day
}

function report(label: string, day: Day, minutes: number) {
  const scale = 1440 / minutes
  const perDay = (k: string) => Math.round((day.totals[k] ?? 0) * scale)
  const row = (name: string, use: number, free: number, paid: number) =>
    console.log(
      `  ${name.padEnd(26)}${String(use).padStart(10)}${String(free).padStart(10)}${String(paid).padStart(12)}`,
    )
  console.log(
    `${label}: per day${scale > 1 ? ` (×${scale} from ${minutes} simulated minutes)` : ''}, ${(day.wallMs / 1000).toFixed(0)} s wall`,
  )
  console.log(
    `  ${'resource'.padEnd(26)}${'use'.padStart(10)}${'free'.padStart(10)}${'paid'.padStart(12)}`,
  )
  row('polls', perDay('polls'), 0, 0)
  row('KV reads', perDay('kvReads'), PLAN_LIMITS.free.kvReadsPerDay, PLAN_LIMITS.paid.kvReadsPerDay)
  row(
    'KV writes',
    perDay('kvWrites'),
    PLAN_LIMITS.free.kvWritesPerDay,
    PLAN_LIMITS.paid.kvWritesPerDay,
  )
  row('KV lists', perDay('kvLists'), PLAN_LIMITS.free.kvListsPerDay, PLAN_LIMITS.paid.kvListsPerDay)
  row(
    'Queues operations',
    perDay('queueOps'),
    PLAN_LIMITS.free.queueOpsPerDay,
    PLAN_LIMITS.paid.queueOpsPerDay,
  )
  row(
    'max CPU ms / invocation',
    Math.round(day.maxCpu * 10) / 10,
    PLAN_LIMITS.free.cpuMsPerInvocation,
    PLAN_LIMITS.paid.cpuMsPerInvocation,
  )
  row(
    'max subrequests / invoc.',
    day.maxSub,
    PLAN_LIMITS.free.subrequestsPerInvocation,
    PLAN_LIMITS.paid.subrequestsPerInvocation,
  )
  console.log(
    `  most feeds deferred in one tick: ${day.deferredMax}; alerts: ${day.alerts.size}, duplicates: ${day.duplicates}`,
  )
}

/** Alerts of the unbudgeted run for items published early enough to be polled by the end. */
function compare(budgeted: Day, free: Day, minutes: number) {
  // Items published before a feed's first poll are its history in either run (decision: the
  // first poll is silent), and the budgeted run reads its feeds for the first time over its first
  // ticks: compare from the minute every feed was read, to 2 hours before the end.
  const from = T0 + budgeted.allReadBy * 60_000
  const cutoff = T0 + (minutes - 120) * 60_000
  const expected = [...free.alerts]
    .filter(([, published]) => published > from && published < cutoff)
    .map(([id]) => id)
  const missing = expected.filter((id) => !budgeted.alerts.has(id))
  const extra = [...budgeted.alerts.keys()].filter((id) => !free.alerts.has(id))
  // How long before the end the missing items were published: late (not polled yet) or lost.
  const ages = missing.map((id) =>
    Math.round((T0 + minutes * 60_000 - free.alerts.get(id)!) / 60_000),
  )
  if (ages.length) {
    console.log(
      `  missing items were published ${Math.min(...ages)}–${Math.max(...ages)} minutes before the end`,
    )
  }
  console.log(
    `  against a run without budget: ${expected.length} alerts for items published from minute ${budgeted.allReadBy} ` +
      `(every feed read once) to 2 h before the end, ` +
      `${missing.length} missing, ${extra.length} not in it, ${budgeted.duplicates} duplicated`,
  )
}

try {
  for (const [feeds, watches, plan, minutes] of [
    [100, 1000, 'free', 1440],
    // 5,000 watches: about what the configuration's 1 MiB budget holds (docs/decisions.md, 7).
    [1000, 5000, 'paid', 180],
  ] as const) {
    // TICK_BENCH_FEEDS=100 runs one scenario only.
    if (process.env.TICK_BENCH_FEEDS && Number(process.env.TICK_BENCH_FEEDS) !== feeds) continue
    console.log(`\n${feeds} feeds, ${watches} watches, ${plan} plan, default 15-minute interval:`)
    const budgeted = await runDay(feeds, watches, plan, minutes)
    report(`${plan} budget`, budgeted, minutes)
    const unbounded = await runDay(feeds, watches, 'none', minutes, true)
    report('no budget', unbounded, minutes)
    compare(budgeted, unbounded, minutes)
  }
} finally {
  server.close()
}
