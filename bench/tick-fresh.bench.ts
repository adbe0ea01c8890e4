// `npm run bench tick` (third part): the CPU of a whole tick in a new isolate, as Workers run a
// cron tick that lands on one: the configuration object's answer read and checked, the shard read
// and checked, the due feed fetched and parsed, the watch index loaded from its snapshot and the
// new items matched, alerts built and sent, the shard written. Each measured tick runs in a new
// workerd process (Miniflare) over state persisted on disk by the ticks before it, so nothing is
// warm but the stored data and what the Worker's global scope warms before its first event, as
// in production (the start-up warm-ups, src/startup.ts, run by bench/tick-worker.ts too). The
// set-up is the free plan's target: 50 feeds in the shard and 1,000 watches; one feed is due every
// tick, and one or two others now and then (the rest are read every 24 hours), as a minute's tick
// of 50 feeds polled every 15 minutes finds three or four.
// Printed beside the same isolate's next ticks: what is left there is mostly what this harness
// adds (Miniflare's KV and the configuration object in the same process), not the tick's own.
//
// workerd's clock stands still while code runs, so CPU is read from the kernel: the run time of
// every thread of the workerd process (/proc/<pid>/task/*/schedstat) over the request, less that
// of an empty request. It includes what production bills elsewhere or not at all: the
// configuration object (a Durable Object, run in the same process here), Miniflare's KV, V8's
// background compiler and collector thread. A second figure leaves that thread out: the thread
// that runs JavaScript alone, still with the configuration object and Miniflare's KV on it.
// Prints figures; never fails on them.
import type { Miniflare } from 'miniflare'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleWorker, startTickWorker } from './bundle-worker'

const FEEDS = 50
const WATCHES = 1000
const ITEMS_IN_FEED = 30
const REPEATS = 5
const T0 = Date.UTC(2026, 11, 1, 12)

/**
 * CPU milliseconds of the workerd processes this process started: every thread (`all`), and the
 * thread that runs JavaScript (`main`: the Worker's, the configuration object's, Miniflare's KV;
 * its thread id is the process id), without V8's background compiler and collector thread.
 */
function workerdCpuMs(): { all: number; main: number } {
  let all = 0
  let main = 0
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid !== process.pid || !stat.includes('(workerd)')) continue
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
        all += ns
        if (tid === pid) main += ns
      } catch {
        // a thread that ended meanwhile
      }
    }
  }
  return { all: all / 1e6, main: main / 1e6 }
}

// News feeds on loopback: 30 items of ~80 words each, French; feed 0 publishes on demand.
const WORDS = (
  'otan belgique russie ukraine belgorod armes gouvernement ministre élection parlement budget ' +
  'économie inflation énergie climat santé hôpital école université police justice tribunal'
).split(' ')
let published = 0
function item(feed: number, k: number): string {
  const words = Array.from({ length: 80 }, (_, j) => {
    const w = WORDS[(k * 31 + j * 17 + feed) % WORDS.length]!
    return j % 5 === 0 ? `${w}${(k * 13 + j) % 997}` : w
  })
  return (
    `<item><title>Dépêche ${feed}-${k} ${words.slice(0, 8).join(' ')}</title>` +
    `<link>https://news.example.org/${feed}/${k}</link><guid>g${feed}-${k}</guid>` +
    `<pubDate>${new Date(T0 + k * 60_000).toUTCString()}</pubDate>` +
    `<description>${words.join(' ')}</description></item>`
  )
}
function feedBody(feed: number): { etag: string; body: string } {
  const last = 1000 + (feed === 0 ? published : 0)
  const items = Array.from({ length: ITEMS_IN_FEED }, (_, i) => item(feed, last - i)).join('')
  return {
    etag: `"${feed}-${last}"`,
    body:
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ${feed}</title>` +
      `<link>https://news.example.org/</link><language>fr</language>${items}</channel></rss>`,
  }
}
const server = createServer((req, res) => {
  const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')
  if (!m) return void res.writeHead(404).end()
  const { etag, body } = feedBody(Number(m[1]))
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end()
  res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`

const bundle = await bundleWorker('bench/tick-worker.ts')
const start = (dir: string) => startTickWorker(bundle, dir)

/** CPU and answer of one request to the bench worker. */
async function measured(mf: Miniflare, path: string) {
  const before = workerdCpuMs()
  const response = await mf.dispatchFetch(`http://bench${path}`)
  const text = await response.text()
  if (!response.ok) throw new Error(`bench worker answered ${response.status} to ${path}: ${text}`)
  const after = workerdCpuMs()
  return { cpu: after.all - before.all, main: after.main - before.main, text }
}

interface TickAnswer {
  result: { polled: number; newItems: number; estimatedCpuMs: number }
  alerts: string[]
}

const rows = new Map<string, number[]>()
const record = (label: string, value: number) =>
  rows.set(label, [...(rows.get(label) ?? []), value])

/**
 * Ticks 20 minutes apart in a new workerd process, from `minute` on: before each, the due feed
 * publishes that step's number of new items.
 */
async function ticksInNewIsolate(dir: string, minute: number, steps: number[]) {
  const mf = start(dir)
  try {
    // The empty request's CPU, taken out of each figure (its least of five).
    let empty = Infinity
    let emptyMain = Infinity
    for (let i = 0; i < 5; i++) {
      const { cpu, main } = await measured(mf, '/limits')
      empty = Math.min(empty, cpu)
      emptyMain = Math.min(emptyMain, main)
    }
    for (const [k, news] of steps.entries()) {
      published += news
      const at = T0 + (minute + k * 20) * 60_000
      const tick = await measured(mf, `/tick?plan=free&at=${at}`)
      const answer = JSON.parse(tick.text) as TickAnswer
      const what = news ? `${news} new items` : 'nothing new (304)'
      const name = `${k === 0 ? 'new isolate' : `the same isolate, tick ${k + 1}`}, ${what}`
      record(`${name}: CPU ms`, tick.cpu - empty)
      record(`${name}: the JavaScript thread alone, CPU ms`, tick.main - emptyMain)
      record(`${name}: the tick's own estimate, ms`, answer.result.estimatedCpuMs)
      record(`${name}: feeds polled`, answer.result.polled)
      record(`${name}: alerts`, answer.alerts.length)
    }
  } finally {
    await mf.dispose()
  }
}

const watchWords = Array.from({ length: WATCHES }, (_, i) =>
  i < 5 ? `${WORDS[i]}` : `${WORDS[i % WORDS.length]}zz${i}`,
).join(',')

console.log(
  `a tick in a new isolate: ${FEEDS} feeds of ${ITEMS_IN_FEED} items in the shard, ${WATCHES} watches, ` +
    `one feed due; CPU of every workerd thread (the configuration object's included), ` +
    `medians of ${REPEATS} new processes`,
)
try {
  for (let r = 0; r < REPEATS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'tick-fresh-'))
    published = 0
    try {
      const mf = start(dir)
      try {
        const setup = await mf.dispatchFetch(
          `http://bench/setup?feeds=${FEEDS}&watches=${WATCHES}&origin=${origin}&dailyFrom=1`,
          { method: 'POST', body: watchWords },
        )
        if (!setup.ok) throw new Error(`setup refused: ${await setup.text()}`)
        await setup.text()
        // Every feed read once (silently, as new feeds are) on the paid plan's budget.
        await mf.dispatchFetch(`http://bench/tick?plan=paid&at=${T0}`).then((res) => res.text())
        // The configuration object compiles the index snapshot in its alarm: let it finish here.
        await new Promise((resolve) => setTimeout(resolve, 3_000))
      } finally {
        await mf.dispose()
      }
      await ticksInNewIsolate(dir, 20, [0, 0])
      await ticksInNewIsolate(dir, 60, [3, 3, 3, 0])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
} finally {
  server.close()
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!
for (const [label, values] of rows) {
  const whole = !label.endsWith(' ms')
  const show = (v: number) => (whole ? String(v) : v.toFixed(1))
  console.log(`  ${label}: ${show(median(values))} [${values.map(show).join(', ')}]`)
}
