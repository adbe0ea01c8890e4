// Ingestion throughput: Feedwatch's parseFeed (decode + repair + parse + adapt + HTML→text +
// dates + keys) against fast-xml-parser's bare `new XMLParser().parse` on the same files, and ms
// per typical 50-item feed (median of many runs). Prints figures only; never fails on timing.
// Targets: ≥ 0.9× bare throughput (issue #13; 0.8× in issue 3); < 2 ms for a typical 50-item feed.
// Each file is also parsed with the byte path forced (bytePathFrom 0; by default only bodies from
// BYTE_PATH_MIN_BYTES take it), so its cost on every size is on record. With
// FEEDWATCH_BASELINE=<git rev> (bench/ingest-baseline.ts), that commit's parseFeed is timed in the
// same alternation and its figures printed beside the current ones.
import { XMLParser } from 'fast-xml-parser'
import { writeFileSync, mkdirSync } from 'node:fs'
import { parseFeed } from '../src/ingest'
import { generateCorpus } from './corpus/generate'
import { baselineIngest } from './ingest-baseline'

const MIN_MS = 600
const gc = (globalThis as { gc?: () => void }).gc

/**
 * Median ms per call of each function, measured alternately (a, b, a, b...) after warm-up, over
 * at least MIN_MS per function, so load from other processes on a shared machine hits all alike.
 */
function measureAlternately(fns: Array<() => unknown>): number[] {
  for (let i = 0; i < 3; i++) for (const f of fns) f()
  gc?.()
  const times = fns.map((): number[] => [])
  const start = performance.now()
  while (times[0]!.length < 5 || performance.now() - start < fns.length * MIN_MS) {
    for (const [k, f] of fns.entries()) {
      const t = performance.now()
      f()
      times[k]!.push(performance.now() - t)
    }
    if (times[0]!.length >= 2000) break
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  return times.map(median)
}

const rev = process.env.FEEDWATCH_BASELINE
const baseline = rev
  ? ((await import(await baselineIngest(rev))) as { parseFeed: typeof parseFeed }).parseFeed
  : undefined

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000)
const pad = (s: string | number, n: number) => String(s).padStart(n)

const files = generateCorpus()
mkdirSync('.bench-out/corpus', { recursive: true })
for (const f of files) writeFileSync(`.bench-out/corpus/${f.name}`, f.bytes)

const bare = new XMLParser()
console.log(`corpus: ${files.length} files written to .bench-out/corpus/`)
console.log(
  `${'file'.padEnd(28)}${pad('KB', 8)}${pad('items', 7)}${pad('feedwatch MB/s', 16)}${pad('bare MB/s', 11)}${pad('ratio', 7)}${pad('fw ms', 9)}${pad('bytes ms', 9)}`,
)
let fwTotalMs = 0
let bareTotalMs = 0
let oldTotalMs = 0
let bytesTotalMs = 0
let xmlBytes = 0
const typical: Array<[string, number, number | undefined]> = []
for (const f of files) {
  const url = `https://example.com/${f.name}`
  const contentType = f.format === 'json11' ? 'application/feed+json' : 'application/rss+xml'
  const items = parseFeed(f.bytes, { url, contentType }).items.length
  const text = new TextDecoder(f.encoding).decode(f.bytes)
  const isXml = f.format !== 'json11'
  // The bare parser gets already-decoded text (its best case); JSON gets JSON.parse.
  const fns = [
    () => parseFeed(f.bytes, { url, contentType }),
    () => (isXml ? bare.parse(text) : JSON.parse(text)),
    () => parseFeed(f.bytes, { url, contentType, bytePathFrom: 0 }),
  ]
  if (baseline) fns.push(() => baseline(f.bytes, { url, contentType }))
  const [fwMs, bareMs, bytesMs, oldMs] = measureAlternately(fns) as [
    number,
    number,
    number,
    number | undefined,
  ]
  if (isXml && /[15]mb/.test(f.name)) {
    fwTotalMs += fwMs
    bareTotalMs += bareMs
    bytesTotalMs += bytesMs
    oldTotalMs += oldMs ?? 0
    xmlBytes += f.bytes.length
  }
  if (f.name.includes('-50.')) typical.push([f.name, fwMs, oldMs])
  console.log(
    `${f.name.padEnd(28)}${pad((f.bytes.length / 1024).toFixed(0), 8)}${pad(items, 7)}` +
      `${pad(mbps(f.bytes.length, fwMs).toFixed(1), 16)}${pad(mbps(f.bytes.length, bareMs).toFixed(1), 11)}` +
      `${pad((bareMs / fwMs).toFixed(2), 7)}${pad(fwMs.toFixed(2), 9)}${pad(bytesMs.toFixed(2), 9)}` +
      (oldMs === undefined ? '' : `${pad(oldMs.toFixed(2), 9)} ms at ${rev}`) +
      `${isXml ? '' : '  (bare = JSON.parse)'}`,
  )
}
console.log(
  `\nXML 1 MB + 5 MB files: feedwatch ${mbps(xmlBytes, fwTotalMs).toFixed(1)} MB/s, bare XMLParser ${mbps(xmlBytes, bareTotalMs).toFixed(1)} MB/s, ratio ${(bareTotalMs / fwTotalMs).toFixed(2)} (target ≥ 0.9)`,
)
console.log(
  `XML 1 MB + 5 MB files, byte path forced: feedwatch ${mbps(xmlBytes, bytesTotalMs).toFixed(1)} MB/s, ratio ${(bareTotalMs / bytesTotalMs).toFixed(2)}`,
)
if (baseline) {
  console.log(
    `XML 1 MB + 5 MB files at ${rev}: feedwatch ${mbps(xmlBytes, oldTotalMs).toFixed(1)} MB/s, ratio ${(bareTotalMs / oldTotalMs).toFixed(2)}`,
  )
}
for (const [name, ms, oldMs] of typical) {
  console.log(
    `typical 50-item feed ${name}: ${ms.toFixed(3)} ms median (target < 2 ms)` +
      (oldMs === undefined ? '' : `; ${oldMs.toFixed(3)} ms at ${rev}`),
  )
}
