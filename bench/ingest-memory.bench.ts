// Ingestion memory and time on a 20 MB feed: the parser must read it inside a 128 MB isolate with
// a peak of extra memory under 3× the body (issue #13). The feed is generated and written by this
// process; a fresh child process then reads it, parses it once and reports its time, its peak
// resident memory above the resident memory it had with the body loaded (`maxRSS`, the kernel's
// high-water mark: a true peak, not a sample), and the heap it keeps with the result held. A
// second child parses it under a 128 MB V8 heap cap, as a Worker isolate would. Prints figures;
// never fails on timing.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseFeed } from '../src/ingest'
import { generateLarge } from './corpus/generate'

const FILE = '.bench-out/corpus/rss20-20mb.xml'
const ISOLATE_HEAP_MB = 128
const gc = (globalThis as { gc?: () => void }).gc

if (process.env.FEEDWATCH_MEMORY_CHILD) {
  const body = new Uint8Array(readFileSync(FILE))
  gc?.()
  const rss0 = process.memoryUsage().rss
  const heap0 = process.memoryUsage().heapUsed
  const t = performance.now()
  const result = parseFeed(body, { url: 'https://example.com/archive.xml' })
  const ms = performance.now() - t
  const peakExtra = process.resourceUsage().maxRSS * 1024 - rss0
  gc?.()
  const kept = process.memoryUsage().heapUsed - heap0
  console.log(
    JSON.stringify({ ms, peakExtra, kept, items: result.items.length, bytes: body.length }),
  )
} else {
  mkdirSync('.bench-out/corpus', { recursive: true })
  const large = generateLarge()
  writeFileSync(FILE, large.bytes)
  const self = fileURLToPath(import.meta.url)
  const env = { ...process.env, FEEDWATCH_MEMORY_CHILD: '1' }
  const run = (flags: string[]) =>
    spawnSync(process.execPath, [...flags, self], { env, encoding: 'utf8' })
  const free = run(['--expose-gc'])
  const capped = run(['--expose-gc', `--max-old-space-size=${ISOLATE_HEAP_MB}`])
  if (free.status !== 0) {
    console.log(`20 MB feed: parse failed\n${free.stderr}`)
  } else {
    const r = JSON.parse(free.stdout) as Record<string, number>
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
    console.log(
      `20 MB feed (${mb(r.bytes!)} MiB, ${r.items} items): ${r.ms!.toFixed(0)} ms, ` +
        `peak extra memory ${mb(r.peakExtra!)} MiB = ${(r.peakExtra! / r.bytes!).toFixed(2)}× the body ` +
        `(target < 3×), result kept ${mb(r.kept!)} MiB`,
    )
    console.log(
      `under a ${ISOLATE_HEAP_MB} MB heap cap: ${capped.status === 0 ? 'parsed' : 'FAILED (out of memory)'}`,
    )
  }
}
