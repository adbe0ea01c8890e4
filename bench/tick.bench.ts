// `npm run bench tick`: CPU of the tick's per-feed work, to set against the free plan's 10 ms per
// invocation. Measures, for a typical 50-item news feed: the first poll (parse, digest every key,
// build the seen set), a poll that finds 3 new items (parse, diff, match against 1,000 watches,
// build alerts), and an unchanged poll (the body digest that skips parsing).
import { performance } from 'node:perf_hooks'
import { prng } from '../test/support/prng'
import type { Feed, Item, Watch } from '../src/model'
import { openFeed, parseFeed } from '../src/ingest'
import { compileWatchIndex, matchItem } from '../src/watch'
import { shortHash, shortHashBytes } from '../src/lib/hash'
import { SEEN_RUN_TO_STOP, updateSeen } from '../src/monitor/seen'
import { buildAlerts, sharedCanonicalUrls, storyKey } from '../src/monitor/alerts'

const common = (
  'otan belgique russie ukraine belgorod armes gouvernement ministre élection parlement budget ' +
  'économie inflation énergie climat santé hôpital école université police justice tribunal ' +
  'football tennis cyclisme culture cinéma musique théâtre festival météo orage inondation'
).split(' ')
// Rarer words (place names, people, organisations): what most watches are about. An article
// mentions a few of them, so a given watch matches a small share of articles, as in real use.
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'bu']
const rare = Array.from({ length: 2000 }, (_, i) =>
  [i % 10, Math.floor(i / 10) % 10, Math.floor(i / 100) % 10, Math.floor(i / 1000)]
    .map((d) => syllables[d])
    .join(''),
)
const rand = prng(42)
const pickFrom = (list: string[]) => list[Math.floor(rand() * list.length)]!
const pick = () => (rand() < 0.8 ? pickFrom(common) : pickFrom(rare))
const sentence = (n: number) => Array.from({ length: n }, pick).join(' ')

function feedXml(offset: number): Uint8Array {
  const items = Array.from({ length: 50 }, (_, i) => {
    const n = offset + i
    return `<item><title>${sentence(10)}</title><link>https://news.example.org/a/${n}</link>
<guid>https://news.example.org/a/${n}</guid><pubDate>Sun, 29 Nov 2026 10:${String(i).padStart(2, '0')}:00 GMT</pubDate>
<description>&lt;p&gt;${sentence(60)}&lt;/p&gt;</description></item>`
  }).join('\n')
  return new TextEncoder().encode(
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title>` +
      `<link>https://news.example.org/</link><language>fr</language>${items}</channel></rss>`,
  )
}

const watches: Watch[] = Array.from({ length: 1000 }, (_, i) => ({
  id: `w${i}`,
  name: `w${i}`,
  query:
    i % 3 === 0
      ? `${pickFrom(rare)} AND ${pickFrom(common)}`
      : i % 3 === 1
        ? `"${pickFrom(rare)} ${pickFrom(common)}" OR ${pickFrom(rare)}`
        : `(${pickFrom(rare)} OR ${pickFrom(rare)}) -${pickFrom(common)}`,
  scope: {},
  destinations: ['d1'],
  mode: 'instant',
  enabled: true,
}))
const feed: Feed = { id: 'bench', url: 'https://news.example.org/feed', enabled: true, tags: [] }

async function poll(
  body: Uint8Array,
  seen: Array<[string, number]>,
  index: ReturnType<typeof compileWatchIndex>,
) {
  await shortHashBytes(body)
  const parsed = parseFeed(body, { url: feed.url })
  const items: Item[] = parsed.items.map((it) => ({ ...it, feedId: feed.id }))
  const digests = await Promise.all(items.map((it) => shortHash(it.key)))
  const update = updateSeen(seen, digests, 1)
  const fresh = new Set(update.fresh)
  const shared = sharedCanonicalUrls(items)
  let alerts = 0
  for (const [i, item] of items.entries()) {
    if (!fresh.has(digests[i]!) || seen.length === 0) continue
    for (const m of matchItem(index, { ...item, feedId: feed.id, feedTags: [] })) {
      const watch = watches[Number(m.watchId.slice(1))]!
      alerts += (
        await buildAlerts({
          watch,
          feed,
          item,
          story: storyKey(item, shared),
          match: m.explanation,
          detectedAt: new Date(),
        })
      ).length
    }
  }
  return { seen: update.next, alerts }
}

async function median(label: string, runs: number, fn: () => Promise<unknown>) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const m = times[Math.floor(times.length / 2)]!
  console.log(
    `${label.padEnd(58)} median ${m.toFixed(2)} ms   p90 ${times[Math.floor(times.length * 0.9)]!.toFixed(2)} ms`,
  )
}

const index = compileWatchIndex(watches.map((w) => ({ id: w.id, query: w.query })))
const first = feedXml(0)
const next = feedXml(3) // 3 new items, 47 seen
const baseline = (await poll(first, [], index)).seen
const body = first.length
console.log(`feed: 50 items, ${(body / 1024).toFixed(1)} KB; watches: ${index.size}`)
for (let i = 0; i < 20; i++) await poll(next, baseline, index) // warm-up
await median('first poll (parse, digest, record silently)', 200, () => poll(first, [], index))
await median('poll with 3 new items (parse, diff, match 1,000 watches)', 200, () =>
  poll(next, baseline, index),
)
await median('unchanged body (digest only, no parse)', 200, () => shortHashBytes(first))
console.log(`alerts built per new-items poll: ${(await poll(next, baseline, index)).alerts}`)

// The two parts of parsing, for the budget's coefficients (src/monitor/budget.ts): the tree built
// from the whole body (decoding included), and reading items out of it (text, HTML, dates, keys).
// A poll that stops at seen items pays the first whole and the second only for what it reads.
const kb = body / 1024
const treeOnly = () => openFeed(first, { url: feed.url })
const readAll = () => {
  let n = 0
  for (const _ of openFeed(first, { url: feed.url }).items()) n++
  return n
}
const times = async (fn: () => unknown, runs = 300) => {
  const t: number[] = []
  for (let i = 0; i < runs; i++) {
    const s = performance.now()
    fn()
    t.push(performance.now() - s)
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}
// Interleaved, so a busy machine weighs on both alike.
let tree = 0
let whole = 0
for (let round = 0; round < 5; round++) {
  tree += await times(treeOnly)
  whole += await times(readAll)
}
tree /= 5
whole /= 5
console.log(
  `tree of the whole body (decode, build)                     median ${tree.toFixed(2)} ms = ${(tree / kb).toFixed(4)} ms/KB`,
)
console.log(
  `reading every item out of it (text, HTML, dates, keys)     median ${(whole - tree).toFixed(2)} ms = ${((whole - tree) / kb).toFixed(4)} ms/KB`,
)
const keys = [...openFeed(first, { url: feed.url }).items()].map((i) => i.key)
await median('digesting 50 item keys one after another', 200, async () => {
  for (const key of keys) await shortHash(key)
})
// A poll finding 1 new item among 49 seen: it reads 1 + SEEN_RUN_TO_STOP items.
const one = feedXml(1)
const seenOfFirst = new Set(baseline.map(([d]) => d))
await median('poll with 1 new item, stopping at seen (no match)', 200, async () => {
  let run = 0
  for (const item of openFeed(one, { url: feed.url }).items()) {
    if (!seenOfFirst.has(await shortHash(item.key))) run = 0
    else if (++run >= SEEN_RUN_TO_STOP) break
  }
})
