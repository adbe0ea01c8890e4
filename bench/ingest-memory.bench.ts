// Ingestion memory and time on a 20 MB feed: the parser must read it inside a 128 MB isolate with
// a peak of extra memory under 3× the body (issue #13). The feed is generated and written by this
// process; fresh child processes then read it and report time and peak resident memory above the
// resident memory they had with the body loaded (`maxRSS`, the kernel's high-water mark: a true
// peak, not a sample), two ways: `openFeed` read item by item newest first, each item dropped once
// handled (how the monitor reads: it keeps only new items' alerts), and `parseFeed` holding every
// item at once (the result alone is several times the body: text, sanitised HTML, summary). Each
// also runs under a 128 MB V8 heap cap, as a Worker isolate would. With FEEDWATCH_BASELINE=<git
// rev> (bench/ingest-baseline.ts) the same children also run that commit's parser, interleaved
// with the current one, and both figures are printed. Prints figures; never fails on timing.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as current from '../src/ingest'
import { generateLarge, type LargeScript } from './corpus/generate'
import { baselineIngest } from './ingest-baseline'

/** The prose of each 20 MB feed (see generateLarge): one-byte text, ’, Cyrillic, CJK. */
const SCRIPTS: LargeScript[] = ['ascii', 'curly', 'cyrillic', 'cjk']
const fileOf = (script: string) => `.bench-out/corpus/rss20-20mb-${script}.xml`
const ISOLATE_HEAP_MB = 128
const gc = (globalThis as { gc?: () => void }).gc

if (process.env.FEEDWATCH_MEMORY_CHILD) {
  const module = process.env.FEEDWATCH_INGEST_MODULE
  const { openFeed, parseFeed } = (module ? await import(module) : current) as typeof current
  const body = new Uint8Array(readFileSync(fileOf(process.env.FEEDWATCH_MEMORY_FILE ?? 'ascii')))
  gc?.()
  const rss0 = process.memoryUsage().rss
  const heap0 = process.memoryUsage().heapUsed
  const t = performance.now()
  const opts = { url: 'https://example.com/archive.xml' }
  let items = 0
  let held: unknown
  if (process.env.FEEDWATCH_MEMORY_CHILD === 'stream') {
    for (const item of openFeed(body, opts).items()) if (item.key) items++
  } else {
    const result = parseFeed(body, opts)
    items = result.items.length
    held = result
  }
  const ms = performance.now() - t
  const peakExtra = process.resourceUsage().maxRSS * 1024 - rss0
  gc?.()
  const kept = process.memoryUsage().heapUsed - heap0
  console.log(JSON.stringify({ ms, peakExtra, kept, items, bytes: body.length, held: !!held }))
} else {
  mkdirSync('.bench-out/corpus', { recursive: true })
  for (const script of SCRIPTS)
    writeFileSync(fileOf(script), generateLarge(20_000_000, script).bytes)
  const self = fileURLToPath(import.meta.url)
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
  const rev = process.env.FEEDWATCH_BASELINE
  const versions: Array<[string, string | undefined]> = [['now', undefined]]
  if (rev) versions.push([rev, await baselineIngest(rev)])
  for (const script of SCRIPTS) {
    for (const mode of ['stream', 'whole'] as const) {
      const run = (flags: string[], module: string | undefined) => {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          FEEDWATCH_MEMORY_CHILD: mode,
          FEEDWATCH_MEMORY_FILE: script,
        }
        if (module) env.FEEDWATCH_INGEST_MODULE = module
        else delete env.FEEDWATCH_INGEST_MODULE
        return spawnSync(process.execPath, [...flags, self], { env, encoding: 'utf8' })
      }
      // The peak depends on when V8 collects (and so on the machine's load): three runs of each
      // version, interleaved, the median and the range.
      const all = [1, 2, 3].map(() => versions.map(([, m]) => run(['--expose-gc'], m)))
      for (const [v, [version, module]] of versions.entries()) {
        const runs = all.map((r) => r[v]!)
        const capped = run(['--expose-gc', `--max-old-space-size=${ISOLATE_HEAP_MB}`], module)
        const label =
          `${script} text, ` +
          (mode === 'stream' ? 'openFeed, item by item' : 'parseFeed, all items held') +
          (rev ? ` [${version}]` : '')
        const failed = runs.find((r) => r.status !== 0)
        if (failed) {
          console.log(`20 MB feed (${label}): parse failed\n${failed.stderr}`)
          continue
        }
        const rs = runs
          .map((r) => JSON.parse(r.stdout) as Record<string, number>)
          .sort((a, b) => a.peakExtra! - b.peakExtra!)
        const r = rs[1]!
        const times = rs.map((x) => x.ms!).sort((a, b) => a - b)
        const ratio = (x: Record<string, number>) => (x.peakExtra! / x.bytes!).toFixed(2)
        console.log(
          `20 MB feed (${mb(r.bytes!)} MiB, ${r.items} items), ${label}: ${times[1]!.toFixed(0)} ms, ` +
            `peak extra memory ${mb(r.peakExtra!)} MiB = ${ratio(r)}× the body ` +
            `(${ratio(rs[0]!)}–${ratio(rs[2]!)}×; target < 3×), heap kept after ${mb(r.kept!)} MiB; ` +
            `under a ${ISOLATE_HEAP_MB} MB heap cap: ` +
            `${capped.status === 0 ? 'parsed' : 'FAILED (out of memory)'}`,
        )
      }
    }
  }
}
