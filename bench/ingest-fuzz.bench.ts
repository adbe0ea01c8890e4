// Fuzzing figures for the parser (issue #9), in Node where the clock advances during computation:
// the same mutated real feeds as test/ingest/fuzz.test.ts (test/ingest/feed-mutations.ts), more
// cases, each timed. Prints cases run, parsed/refused, unexpected errors (must be 0), the longest
// case and the slowest throughput. Never fails on timing.
import fc from 'fast-check'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ParseError, parseFeed } from '../src/ingest'
import { mutatedFeed } from '../test/ingest/feed-mutations'

const RUNS = 20_000
const root = 'test/fixtures/feeds'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}
// Every fixture feed; the rules' golden .json files are expectations, not feeds.
const fixtures = files(root)
  .filter((p) => p.endsWith('.xml') || (p.endsWith('.json') && !p.includes('/rules/')))
  .map((p) => readFileSync(p, 'utf8'))
const WARM_UP = 500

let parsed = 0
let refused = 0
let unexpected = 0
let longest = 0
let longestSize = 0
const reasons = new Map<string, number>()
const times: number[] = []
const CHUNK = 500
// Cases are drawn in chunks (seeds 9, 10, ...) so the process never holds all of them: a large heap
// would put garbage-collection pauses into the case times.
const draw = (chunk: number) =>
  fc.sample(mutatedFeed(fixtures), { numRuns: CHUNK, seed: 9 + chunk })
const samples = { warmUp: draw(0) }
let current: Array<string | Uint8Array> = []
// The first cases only warm the JIT up: their times are compilation, not parsing. A mislabelled
// body is among them so chardet's one-off set-up (measured separately below) is not counted.
const misfit = new Uint8Array([
  ...new TextEncoder().encode('<rss><channel><title>caf'),
  0xe9,
  ...new TextEncoder().encode('</title></channel></rss>'),
])
const t0 = performance.now()
parseFeed(misfit, { url: 'https://fuzz.example/feed' })
const detectorSetUp = performance.now() - t0
for (const body of samples.warmUp.slice(0, WARM_UP)) {
  try {
    parseFeed(body, { url: 'https://fuzz.example/feed' })
  } catch (error) {
    void error // warm-up only; every case is checked below
  }
}
for (let n = 0; n < RUNS; n++) {
  const chunk = n % CHUNK === 0 ? draw(1 + n / CHUNK) : undefined
  if (chunk) current = chunk
  const body = current[n % CHUNK]!
  const t = performance.now()
  try {
    parseFeed(body, { url: 'https://fuzz.example/feed' })
    parsed++
  } catch (error) {
    if (error instanceof ParseError) {
      refused++
      const why = error.message.replace(/ \(.*$/, '')
      reasons.set(why, (reasons.get(why) ?? 0) + 1)
    } else {
      unexpected++
      console.log('unexpected error:', error)
    }
  }
  const ms = performance.now() - t
  times.push(ms)
  if (ms > longest) {
    if (process.env.FUZZ_DUMP) writeFileSync('.bench-out/fuzz-longest.bin', body)
    longest = ms
    longestSize = body.length
  }
}
console.log(
  `fuzz: ${RUNS} mutated feeds from ${fixtures.length} fixtures: ${parsed} parsed, ${refused} refused (ParseError), ` +
    `${unexpected} unexpected errors; longest case ${longest.toFixed(2)} ms (${longestSize} chars/bytes)`,
)
times.sort((a, b) => a - b)
console.log(
  `case time: median ${times[Math.floor(times.length / 2)]!.toFixed(3)} ms, ` +
    `99th percentile ${times[Math.floor(times.length * 0.99)]!.toFixed(3)} ms (Node ${process.version})`,
)
console.log(
  `first mislabelled body in the process (chardet's one-off set-up included): ${detectorSetUp.toFixed(1)} ms`,
)
console.log('refusals:', [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5))
