// `npm run bench watch`: index build time and articles/s for the watch engine at 1,000 and 10,000
// watches over 1,000 generated ~300-word articles (en, fr, de, ru), next to the naive way
// (every watch evaluated against every article). Targets (one core): ≥ 5,000 articles/s at
// 10,000 watches; 10,000 watches compile in < 50 ms. Prints figures; never fails on timing.
import { compileQuery } from '../src/watch/compile'
import { evaluate } from '../src/watch/evaluate'
import { prepareItem } from '../src/watch/item'
import { compileWatchIndex, matchItem } from '../src/watch'
import { makeArticles, makeWatches, prng } from './watch-corpus'

const ARTICLES = 1000
/** The naive pass is slow by design: it runs on a sample and reports the rate. */
const NAIVE_SAMPLE = 100

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now()
  const value = run()
  return { ms: performance.now() - start, value }
}

function best(runs: number, run: () => number): number {
  let min = Infinity
  for (let i = 0; i < runs; i++) min = Math.min(min, run())
  return min
}

const articles = makeArticles(ARTICLES, prng(42))
const words = articles.reduce(
  (n, a) => n + (a.title + ' ' + a.summary + ' ' + a.content).split(/\s+/).length,
  0,
)
console.log(`${ARTICLES} articles, ${Math.round(words / ARTICLES)} words each on average`)

for (const count of [1000, 10_000]) {
  const watches = makeWatches(count, prng(count))
  // First build warms the JIT and the normalisation caches; report the best of a few.
  compileWatchIndex(watches)
  const buildMs = best(5, () => time(() => compileWatchIndex(watches)).ms)
  const index = compileWatchIndex(watches)

  let alerts = 0
  for (const a of articles) alerts += matchItem(index, a).length // warm-up
  const indexMs = best(3, () => time(() => articles.forEach((a) => matchItem(index, a))).ms)

  const compiled = watches.map((w) => compileQuery(w.query, w.options))
  const naiveMs = time(() => {
    for (const a of articles.slice(0, NAIVE_SAMPLE)) {
      const prepared = prepareItem(a)
      for (const q of compiled) evaluate(q.root, prepared)
    }
  }).ms

  console.log(`\n${count} watches (${index.errors.length} invalid)`)
  console.log(`  index build:         ${buildMs.toFixed(1)} ms (target < 50 ms at 10,000)`)
  console.log(
    `  via index:           ${Math.round((ARTICLES / indexMs) * 1000)} articles/s, ` +
      `${((indexMs * 1000) / ARTICLES).toFixed(0)} µs/article (target ≥ 5,000/s at 10,000)`,
  )
  console.log(`  naive (every watch): ${Math.round((NAIVE_SAMPLE / naiveMs) * 1000)} articles/s`)
  console.log(`  alerts:              ${alerts} over ${ARTICLES} articles`)
}
