// What openFeed costs before its first item vs per item read (issue #13): the monitor stops at the
// first item it has already seen, so its CPU budget needs both parts. For realistic news feeds
// (30, 50, 100 items; headlines and full content, RSS and Atom; 14–230 KB) and the 20 MB archive,
// each measured alternately (open + first item, then every item) so load hits both alike, and
// fitted by least squares: up-front ms = a + b × KB of the body, per item ms = c + d × KB of the
// item. Prints figures; never fails on timing.
import { readFileSync, existsSync } from 'node:fs'
import { openFeed } from '../src/ingest'
import { generateLarge, generateNewsFeeds, type CorpusFile } from './corpus/generate'

const MIN_MS = 1500
const url = 'https://example.com/feed'

function firstItem(bytes: Uint8Array): number {
  const opened = openFeed(bytes, { url })
  for (const item of opened.items()) return item.key.length
  return 0
}

function everyItem(bytes: Uint8Array): number {
  let n = 0
  for (const item of openFeed(bytes, { url }).items()) n += item.key.length
  return n
}

/** Medians of [open + first item, open + every item], timed alternately. */
function measure(bytes: Uint8Array, minMs: number): [number, number] {
  const first: number[] = []
  const all: number[] = []
  firstItem(bytes)
  everyItem(bytes)
  const start = performance.now()
  while (first.length < 5 || (performance.now() - start < minMs && first.length < 500)) {
    let t = performance.now()
    firstItem(bytes)
    first.push(performance.now() - t)
    t = performance.now()
    everyItem(bytes)
    all.push(performance.now() - t)
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  return [median(first), median(all)]
}

/** Least squares y = a + b·x. */
function fit(points: Array<[number, number]>): [number, number] {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let sxy = 0
  let sxx = 0
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) ** 2
  }
  const b = sxy / sxx
  return [my - b * mx, b]
}

const pad = (s: string | number, n: number) => String(s).padStart(n)
const files: CorpusFile[] = generateNewsFeeds()
const large = '.bench-out/corpus/rss20-20mb-ascii.xml'
const big = existsSync(large) ? new Uint8Array(readFileSync(large)) : generateLarge().bytes
console.log(
  `${'file'.padEnd(26)}${pad('KB', 7)}${pad('items', 7)}${pad('open+1st ms', 13)}${pad('per item ms', 13)}${pad('all ms', 9)}`,
)
const upFront: Array<[number, number]> = []
const perItem: Array<[number, number]> = []
for (const f of [...files, { name: 'rss20-20mb.xml', bytes: big } as CorpusFile]) {
  const count = openFeed(f.bytes, { url }).count
  const large = f.bytes.length > 1_000_000
  const [first, all] = measure(f.bytes, large ? 4 * MIN_MS : MIN_MS)
  const kb = f.bytes.length / 1024
  const item = (all - first) / (count - 1)
  if (!large) {
    upFront.push([kb, first])
    perItem.push([kb / count, item])
  }
  console.log(
    `${f.name.padEnd(26)}${pad(kb.toFixed(0), 7)}${pad(count, 7)}${pad(first.toFixed(3), 13)}` +
      `${pad(item.toFixed(4), 13)}${pad(all.toFixed(2), 9)}`,
  )
}
const [a, b] = fit(upFront)
const [c, d] = fit(perItem)
console.log(
  `\nnews feeds: up-front (open + first item) ≈ ${a.toFixed(3)} ms + ${(b * 1000).toFixed(2)} µs/KB of body; ` +
    `each further item ≈ ${(c * 1000).toFixed(1)} µs + ${(d * 1000).toFixed(2)} µs/KB of item`,
)
