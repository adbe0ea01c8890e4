// `npm run bench:tick` (second part): real ticks in workerd (Miniflare) against publishers on
// loopback, over a simulated day compressed in time (one tick per simulated minute, as fast as
// they run). Feeds are drawn from what real news feeds look like (30 items; 10–120 KB; from 5 to
// 150 items a day: regional outlets to wire services). Prints a tick line every simulated hour
// and per-day totals against each plan's limits, and compares the alerts with a run without any
// budget: none lost, none duplicated. CPU is the tick's own estimate (workerd's clock stands still
// while code computes), subrequests and KV operations are counted. Prints figures; never fails.
import { bundleWorker, startTickWorker } from './bundle-worker'
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
/** Busy news feeds: each about 100 items a day (the free-plan target of docs/operations.md). */
const BUSY_PER_DAY = 100
const shapes = (count: number, busy = false): FeedShape[] => {
  const rand = prng(count)
  return Array.from({ length: count }, () => ({
    perDay: busy ? BUSY_PER_DAY : RATES[Math.floor(rand() * RATES.length)]!,
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
let QUEUE_OPS_PER_JOB = 0

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

interface Run {
  feeds: number
  watches: number
  plan: string
  minutes: number
  busy?: boolean
  fanOut?: boolean
}

async function runDay(
  { feeds, watches, plan, minutes, busy, fanOut }: Run,
  quiet = false,
): Promise<Day> {
  currentShapes = shapes(feeds, busy)
  simulatedNow = T0
  const mf = startTickWorker(bundle)
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
    ;({ PLAN_LIMITS, QUEUE_OPS_PER_ALERT, QUEUE_OPS_PER_JOB } = (await (
      await mf.dispatchFetch('http://bench/limits')
    ).json()) as {
      PLAN_LIMITS: Record<'free' | 'paid', Limits>
      QUEUE_OPS_PER_ALERT: number
      QUEUE_OPS_PER_JOB: number
    })
    const words = RARE.slice(0, watches).join(',')
    const setup = await mf.dispatchFetch(
      `http://bench/setup?feeds=${feeds}&watches=${watches}&origin=${origin}`,
      { method: 'POST', body: words },
    )
    if (!setup.ok) throw new Error(`setup refused: ${await setup.text()}`)
    await setup.text()
    const started = performance.now()
    for (let m = 0; m < minutes; m++) {
      simulatedNow = T0 + m * 60_000
      const res = await mf.dispatchFetch(
        `http://bench/tick?plan=${plan}&at=${simulatedNow}&fanout=${fanOut ? 1 : 0}`,
      )
      const { result, counts, sends, alerts, jobs } = (await res.json()) as {
        result: { polled: number; deferred: number; estimatedCpuMs: number; subrequests: number }
        counts: Record<string, number>
        sends: number
        alerts: string[]
        jobs: number
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
      add('queueOps', alerts.length * QUEUE_OPS_PER_ALERT + jobs * QUEUE_OPS_PER_JOB)
      add('jobs', jobs)
      day.maxCpu = Math.max(day.maxCpu, result.estimatedCpuMs)
      day.maxSub = Math.max(day.maxSub, result.subrequests)
      day.deferredMax = Math.max(day.deferredMax, result.deferred)
      if (!quiet && m % 60 === 0) {
        console.log(
          `  tick ${String(m).padStart(4)}: ${String(result.polled).padStart(4)} polled, ${String(result.deferred).padStart(4)} deferred, ` +
            `~${result.estimatedCpuMs.toFixed(1)} ms CPU, ${result.subrequests} subrequests, ` +
            `KV ${counts.reads ?? 0} reads / ${counts.writes ?? 0} writes, ` +
            `${alerts.length * QUEUE_OPS_PER_ALERT + jobs * QUEUE_OPS_PER_JOB} queue ops (${sends} sends${fanOut ? `, ${jobs} poll jobs` : ''})`,
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
  if (day.totals.jobs) row('poll jobs (fan-out)', perDay('jobs'), 0, 0)
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
  // ticks: compare from the minute every feed was read, to 2 hours before the end (half the run
  // for a run shorter than 4 hours: still two 15-minute intervals before its end).
  const from = T0 + budgeted.allReadBy * 60_000
  const cutoff = T0 + (minutes - Math.min(120, Math.floor(minutes / 2))) * 60_000
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
  // Alerts the run without budget lacks: items it had not polled yet by the end, or a loss of it.
  const extraAges = extra.map((id) =>
    Math.round((T0 + minutes * 60_000 - budgeted.alerts.get(id)!) / 60_000),
  )
  if (extraAges.length) {
    console.log(
      `  items alerted only here were published ${Math.min(...extraAges)}–${Math.max(...extraAges)} minutes before the end`,
    )
  }
  console.log(
    `  against a run without budget: ${expected.length} alerts for items published from minute ${budgeted.allReadBy} ` +
      `(every feed read once) to minute ${Math.round((cutoff - T0) / 60_000)}, ` +
      `${missing.length} missing, ${extra.length} not in it, ${budgeted.duplicates} duplicated`,
  )
}

const RUNS: Array<Run & { name: string }> = [
  { name: 'day', feeds: 100, watches: 1000, plan: 'free', minutes: 1440 },
  // The free-plan target: 50 busy news feeds every 15 minutes with 1,000 watches.
  { name: 'busy', feeds: 50, watches: 1000, plan: 'free', minutes: 1440, busy: true },
  {
    name: 'busy-fanout',
    feeds: 50,
    watches: 1000,
    plan: 'free',
    minutes: 1440,
    busy: true,
    fanOut: true,
  },
  { name: 'paid', feeds: 1000, watches: 5000, plan: 'paid', minutes: 180 },
  // The paid-plan target: 5,000 feeds every 15 minutes with 10,000 watches, with fan-out (an
  // hour: the first tick reads every feed, then each is due every 15 minutes).
  {
    name: 'paid-fanout',
    feeds: 5000,
    watches: 10000,
    plan: 'paid',
    minutes: 60,
    fanOut: true,
  },
]

try {
  for (const run of RUNS) {
    // TICK_BENCH_RUNS=busy,busy-fanout runs those scenarios only.
    const only = process.env.TICK_BENCH_RUNS?.split(',')
    if (only && !only.includes(run.name)) continue
    const { feeds, watches, plan, minutes, busy, fanOut } = run
    console.log(
      `\n${feeds} ${busy ? 'busy ' : ''}feeds, ${watches} watches, ${plan} plan${fanOut ? ' with fan-out' : ''}, default 15-minute interval:`,
    )
    const budgeted = await runDay(run)
    report(`${plan} budget`, budgeted, minutes)
    const unbounded = await runDay({ ...run, plan: 'none', fanOut: false }, true)
    report('no budget', unbounded, minutes)
    compare(budgeted, unbounded, minutes)
  }
} finally {
  server.close()
}
