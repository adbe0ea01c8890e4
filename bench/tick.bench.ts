// `npm run bench tick`: CPU of the tick's per-feed work, to set against the free plan's 10 ms per
// invocation. Measures, for a typical 50-item news feed: the first poll (parse, digest every key,
// build the seen set), a poll that finds 3 new items (parse, diff, match against 1,000 watches,
// build alerts), and an unchanged poll (the body digest that skips parsing).
import { performance } from 'node:perf_hooks'
import { prng } from '../test/support/prng'
import type { Feed, Item, Watch } from '../src/model'
import { parseFeed } from '../src/ingest'
import { compileWatchIndex, matchItem } from '../src/watch'
import { shortHash, shortHashBytes } from '../src/lib/hash'
import { updateSeen } from '../src/monitor/seen'
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
