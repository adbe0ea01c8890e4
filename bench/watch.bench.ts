// `npm run bench watch`: index build time and articles/s for the watch engine at 1,000 and 10,000
// watches over ~300-word generated articles (en, fr, de, ru), next to the naive way (every watch
// evaluated against every article), then the same in workerd, where "fresh" rows measure a new
// isolate as a tick may get one (first compile or snapshot load, first 20 and first 100 items)
// beside the "warm" row. Targets (one core): ≥ 5,000 articles/s at 10,000 watches; 10,000 watches compile in < 50
// ms (warm); issue #15's fresh-isolate targets are in docs/query-language.md. Prints figures;
// never fails on timing.
//
// Honesty rules: every timed pass runs matchItem end to end on articles the process has NOT seen
// before (a warm-up set fills the JIT and the per-word caches the way earlier items fill them in
// a long-lived isolate, but each block of the bench draws its own sets, so the timed articles'
// rare words still miss the caches), and the figure is the median of the passes, not the best.
// Build times are the median of repeated builds of the same watches (caches warm, as when one
// watch of many changes) and the first build of a watch set never seen (caches cold for its
// words). Warm figures say what a long-lived isolate does; a tick often does not run in one, so
// the fresh rows are the ones that describe a tick.
import { bundleWorker, startBenchWorker } from './bundle-worker'
import type { Miniflare } from 'miniflare'
import { compileQuery } from '../src/watch/compile'
import { evaluate } from '../src/watch/evaluate'
import { prepareItem } from '../src/watch/item'
import { buildPresearcher } from '../src/watch/presearcher'
import { compileWatchIndex, matchItem } from '../src/watch'
import { buildIndexSnapshot } from '../src/watch/snapshot'
import { execSync } from 'node:child_process'
import { makeArticles, makeWatches, prng } from './watch-corpus'

const ARTICLES = 1000
/** Timed passes, each over its own fresh set of ARTICLES articles. */
const PASSES = 3
const BUILDS = 5
/** The naive pass is slow by design: it runs on a sample and reports the rate. */
const NAIVE_SAMPLE = 100

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now()
  const value = run()
  return { ms: performance.now() - start, value }
}

/** Articles per second for a pass of ARTICLES articles that took `ms`. */
function rate(ms: number): number {
  return Math.round((ARTICLES / ms) * 1000)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/**
 * The seeds of a block's warm-up set and timed sets. Each block (1,000 watches, 10,000 watches,
 * the Zipf corpus) draws its own: a later block reusing an earlier block's articles would find
 * their words already in the lexicon, with stems and keys computed.
 */
function seedsFor(block: number): { warmUp: number; timed: number[] } {
  const base = 1_000_000 + block * 100
  return { warmUp: base, timed: Array.from({ length: PASSES }, (_, k) => base + 1 + k) }
}

const sample = makeArticles(ARTICLES, prng(seedsFor(1000).timed[0]!))
const words = sample.reduce(
  (n, a) => n + (a.title + ' ' + a.summary + ' ' + a.content).split(/\s+/).length,
  0,
)
console.log(`${ARTICLES} articles a pass, ${Math.round(words / ARTICLES)} words each on average`)

for (const count of [1000, 10_000]) {
  const watches = makeWatches(count, prng(count))
  // Builds first, while the heap holds no bench articles (the monitor keeps none either).
  const coldMs = time(() => compileWatchIndex(makeWatches(count, prng(count + 7)))).ms
  const buildMs = median(
    Array.from({ length: BUILDS }, () => time(() => compileWatchIndex(watches)).ms),
  )
  const index = compileWatchIndex(watches)

  // Sets of this block's own (generation is seeded; workerd gets the same below).
  const seeds = seedsFor(count)
  const warmUp = makeArticles(ARTICLES, prng(seeds.warmUp))
  const timedSets = seeds.timed.map((seed) => makeArticles(ARTICLES, prng(seed)))
  const articles = timedSets[0]!
  for (const a of warmUp) matchItem(index, a)
  let alerts = 0
  const passMs = timedSets.map(
    (set) =>
      time(() => {
        for (const a of set) alerts += matchItem(index, a).length
      }).ms,
  )
  const indexMs = median(passMs)

  const compiled = watches.flatMap((w) => {
    try {
      return [compileQuery(w.query, w.options)]
    } catch {
      return []
    }
  })
  // Binding fills the leaves (stems, keys, wildcards) that evaluation reads; its candidates
  // are ignored: every watch is evaluated.
  const binder = buildPresearcher(compiled)
  const naiveMs = time(() => {
    for (const a of articles.slice(0, NAIVE_SAMPLE)) {
      const prepared = prepareItem(a)
      binder.bind(prepared)
      for (const q of compiled) evaluate(q.root, prepared)
    }
  }).ms

  console.log(`\n${count} watches (${index.errors.length} invalid)`)
  console.log(
    `  index build:         ${buildMs.toFixed(1)} ms median of ${BUILDS} ` +
      `(target < 50 ms at 10,000); a new watch set: ${coldMs.toFixed(1)} ms`,
  )
  console.log(
    `  via index:           ${rate(indexMs)} articles/s, ` +
      `${((indexMs * 1000) / ARTICLES).toFixed(0)} µs/article, median of ${PASSES} fresh sets ` +
      `[${passMs.map(rate).join(', ')}] (target ≥ 5,000/s at 10,000)`,
  )
  console.log(`  naive (every watch): ${Math.round((NAIVE_SAMPLE / naiveMs) * 1000)} articles/s`)
  console.log(
    `  alerts:              ${Math.round(alerts / PASSES)} a pass of ${ARTICLES} articles`,
  )
}

// The same 10,000 watches on a corpus drawn by Zipf's law (watch-corpus.ts): news-like word
// frequencies, for comparison with the long-tail corpus above, which is the headline figure.
{
  const index = compileWatchIndex(makeWatches(10_000, prng(10_000)))
  const seeds = seedsFor(0)
  for (const a of makeArticles(ARTICLES, prng(seeds.warmUp), 'zipf')) matchItem(index, a)
  const passMs = Array.from({ length: PASSES }, (_, k) => {
    const set = makeArticles(ARTICLES, prng(seeds.timed[k]!), 'zipf')
    return time(() => {
      for (const a of set) matchItem(index, a)
    }).ms
  })
  console.log(
    `\nZipf corpus, 10000 watches: ${rate(median(passMs))} articles/s, median of ${PASSES} ` +
      `fresh sets [${passMs.map(rate).join(', ')}]`,
  )
}

// The same passes in workerd, where Feedwatch runs: V8 with pointer compression (smaller
// objects) and Cloudflare's own settings. Each step is one request, timed from here (the round
// trip of an empty request is printed so it can be discounted).
//
// Rows a watch count. "fresh": a new workerd process, so a new isolate, for every measurement, as a
// tick that lands on a new isolate, with the first 20 items of ~300 words that isolate ever matches
// (unseen vocabulary: no stem, key or lexicon entry computed yet) and the rate over its first 100
// items; medians of FRESH_ISOLATES. A fresh isolate starts as Feedwatch's Worker does, with the
// start-up warm-up in its global scope (bench/watch-worker-warmed.ts; src/startup.ts), which
// forgets every word it met, so the timed items' vocabulary is still unseen. Five kinds, in turn so
// all see the same load: one loads the index snapshot (src/watch/snapshot.ts) that this process
// built, as the configuration object builds it away from the tick, then matches in a second
// request; one does both in one request, as a tick does (one round trip in the figure, not the two
// of the first kind's sum: the figure issue #15's 1,000-watch target judges); one compiles the
// watches (what a tick does when no snapshot is stored); one loads the snapshot in an isolate
// without the warm-up (the figure before it: code compiled and optimised as the items come); one
// times the warm-up itself as a request in an isolate without it (what the global scope pays at
// start-up, round trip taken out). "warm": one isolate after a 1,000-article warm-up, a re-compile
// and a re-load (medians of BUILDS), the warm-up set again (a loaded index starts with empty word
// memos), then the 1,000-article passes and 20/100 items of a set it has not seen; then, in that
// isolate, its words forgotten and the snapshot loaded again before each of FORGET_ROUNDS new sets:
// warm code meeting every word for the first time.
/**
 * Fresh isolates per row: the rows judge #15's targets at their median, and on a shared machine
 * five let one slow isolate move it (a run of five gave 11.0 ms for load + 20 items at 1,000
 * watches, with one isolate at 20.6, where the next gave 9.2).
 */
const FRESH_ISOLATES = 11
/** Rounds of the warm isolate's words-forgotten row, each on a set of its own. */
const FORGET_ROUNDS = 5
const FIRST_FEW = 20
const FIRST_MANY = 100
/** Issue #15's targets for a fresh isolate, printed beside the figures they judge. */
const FRESH_TARGETS: Record<number, string> = {
  1000: 'load + first 20 items < 10 ms',
  10_000: 'load < 20 ms, first 100 items ≥ 3,000/s',
}
/** The configuration version bench/watch-worker.ts loads snapshots for. */
const BENCH_VERSION = 1

/** The bench worker as Feedwatch starts (warm-up in the global scope), and without the warm-up. */
const warmedSource = await bundleWorker('bench/watch-worker-warmed.ts')
const coldSource = await bundleWorker('bench/watch-worker.ts')

function startWorkerd(workerSource = warmedSource): Miniflare {
  return startBenchWorker('watch-bench', workerSource)
}

/** Milliseconds for one request to the bench worker, answer read. */
async function request(mf: Miniflare, path: string, body?: Uint8Array): Promise<number> {
  const start = performance.now()
  const init = body ? { method: 'POST', body } : undefined
  const response = await mf.dispatchFetch(`http://bench${path}`, init)
  await response.text()
  if (!response.ok) throw new Error(`bench worker answered ${response.status} to ${path}`)
  return performance.now() - start
}

/** The first-items figures of one isolate: 20 items, then 80 more (100 in all). */
async function firstItems(mf: Miniflare, set: number): Promise<{ few: number; many: number }> {
  const few = await request(mf, `/match?set=${set}&from=0&to=${FIRST_FEW}`)
  const rest = await request(mf, `/match?set=${set}&from=${FIRST_FEW}&to=${FIRST_MANY}`)
  return { few, many: few + rest }
}

const ms = (v: number) => `${v.toFixed(1)} ms`
const perSecond = (items: number, v: number) => `${Math.round((items / v) * 1000)}/s`
const spread = (values: number[], show: (v: number) => string) =>
  `${show(median(values))} [${values.map(show).join(', ')}]`

console.log(
  `\nin workerd (the Workers runtime), same watches and article sets; ` +
    `fresh = a new isolate per measurement, median of ${FRESH_ISOLATES}; ` +
    `load average ${loadAverage()}:`,
)
const warmUpCosts: number[] = []
for (const count of [1000, 10_000]) {
  // Built here, in another process, as the configuration object builds it away from the tick.
  const snapshot = buildIndexSnapshot(makeWatches(count, prng(count)), BENCH_VERSION)
  const first = () => ({ load: [] as number[], few: [] as number[], many: [] as number[] })
  const loaded = first()
  const compiled = first()
  const unwarmed = first()
  const roundTrips: number[] = []
  /** Load and first 20 items in one request, as a tick: one round trip, not two. */
  const together: number[] = []
  const KINDS = 5
  for (let k = 0; k < FRESH_ISOLATES * KINDS; k++) {
    const kind = k % KINDS
    const mf = startWorkerd(kind === 2 || kind === 3 ? coldSource : warmedSource)
    try {
      // Seeds no other block or isolate uses: vocabulary unseen even by the generator's draws.
      const seed = 2_000_000 + count * 10 + k
      await request(mf, `/setup?watches=${count}&seeds=${seed}&articles=${FIRST_MANY}`)
      const roundTrip = await request(mf, '/noop')
      roundTrips.push(roundTrip)
      if (kind === 3) {
        warmUpCosts.push((await request(mf, '/warm-up')) - roundTrip)
        continue
      }
      if (kind === 4) {
        await request(mf, '/snapshot', snapshot)
        together.push(await request(mf, `/match?set=0&from=0&to=${FIRST_FEW}&load=1`))
        continue
      }
      const into = [loaded, compiled, unwarmed][kind]!
      if (kind === 1) {
        into.load.push(await request(mf, '/compile'))
      } else {
        await request(mf, '/snapshot', snapshot)
        into.load.push(await request(mf, '/load'))
      }
      const items = await firstItems(mf, 0)
      into.few.push(items.few)
      into.many.push(items.many)
    } finally {
      await mf.dispose()
    }
  }

  const mf = startWorkerd()
  try {
    const { warmUp, timed } = seedsFor(count)
    const forgotten = Array.from({ length: FORGET_ROUNDS }, (_, k) => 3_500_000 + count * 10 + k)
    const seeds = [warmUp, ...timed, 3_000_000 + count, ...forgotten].join(',')
    await request(mf, `/setup?watches=${count}&seeds=${seeds}`)
    await request(mf, '/compile')
    await request(mf, '/match?set=0') // warm-up set
    const rebuilds: number[] = []
    for (let k = 0; k < BUILDS; k++) rebuilds.push(await request(mf, '/compile'))
    await request(mf, '/snapshot', snapshot)
    const reloads: number[] = []
    for (let k = 0; k < BUILDS; k++) reloads.push(await request(mf, '/load'))
    // Each load is a new index, whose word memos start empty: the warm-up set again, untimed, so
    // that the timed passes find the isolate as warm as before the loads.
    await request(mf, '/match?set=0')
    const passMs: number[] = []
    for (let k = 1; k <= PASSES; k++) passMs.push(await request(mf, `/match?set=${k}`))
    const warm = await firstItems(mf, PASSES + 1)
    // Warm code, every word forgotten (the warm-up's forgetVocabulary) and the index loaded
    // again: what meeting words for the first time costs in itself, the floor of a fresh row.
    const firstSight = { few: [] as number[], many: [] as number[] }
    for (let k = 0; k < FORGET_ROUNDS; k++) {
      await request(mf, '/forget')
      await request(mf, '/load')
      const items = await firstItems(mf, PASSES + 2 + k)
      firstSight.few.push(items.few)
      firstSight.many.push(items.many)
    }
    const row = (label: string, step: string, r: ReturnType<typeof first>) =>
      console.log(
        `    ${label} ${step} ${spread(r.load, ms)}; ` +
          `first ${FIRST_FEW} items ${spread(r.few, ms)}; ` +
          `${step} + ${FIRST_FEW} items ${ms(median(r.load.map((c, k) => c + r.few[k]!)))}; ` +
          `first ${FIRST_MANY} items ${spread(r.many, (v) => perSecond(FIRST_MANY, v))}`,
      )
    console.log(
      `  ${count} watches (request round trip ~${ms(median(roundTrips))} included; ` +
        `snapshot ${Math.round(snapshot.byteLength / 1024)} KiB; ` +
        `issue #15's fresh targets: ${FRESH_TARGETS[count]})`,
    )
    row('fresh isolate, load:             ', 'load snapshot', loaded)
    console.log(
      `    fresh isolate, load + first ${FIRST_FEW} items in one request (as a tick): ` +
        spread(together, ms),
    )
    row('fresh isolate, compile:          ', 'compile', compiled)
    row('fresh isolate without warm-up, load:', 'load snapshot', unwarmed)
    console.log(
      `    warm isolate:  re-compile ${ms(median(rebuilds))}; re-load ${ms(median(reloads))}; ` +
        `${FIRST_FEW} new items ${ms(warm.few)}; ` +
        `${FIRST_MANY} new items ${perSecond(FIRST_MANY, warm.many)}; ` +
        `${ARTICLES}-article passes ${rate(median(passMs))} articles/s ` +
        `[${passMs.map(rate).join(', ')}]`,
    )
    console.log(
      `    warm isolate, words forgotten: first ${FIRST_FEW} items ` +
        `${spread(firstSight.few, ms)}; first ${FIRST_MANY} items ` +
        `${spread(firstSight.many, (v) => perSecond(FIRST_MANY, v))}`,
    )
  } finally {
    await mf.dispose()
  }
}
console.log(
  `  start-up warm-ups (src/startup.ts: the feed reader's and the matcher's, once an isolate, ` +
    `in its global scope: the ` +
    `platform's start-up limit of 1 s, not a tick's CPU limit): ` +
    `${spread(warmUpCosts, ms)} in a new isolate, round trip taken out`,
)
// Item by item, 1,000 watches: what each of a new isolate's first items costs, as a tick matches
// a few (docs/operations.md, "A tick in a fresh isolate"), with the start-up warm-up and without.
// Each request less the least of five empty requests; one kind of isolate matches items in
// groups, the other a first item of a single word: what any first item pays whatever its words
// (code compiled and set up on first use).
const STEPS = [1, 2, 3, 5, 10, 20, 50, 100]
{
  const count = 1000
  const snapshot = buildIndexSnapshot(makeWatches(count, prng(count)), BENCH_VERSION)
  const curves = [warmedSource, coldSource].map(() => ({
    perStep: STEPS.map(() => [] as number[]),
    oneWord: [] as number[],
  }))
  for (let k = 0; k < FRESH_ISOLATES * 4; k++) {
    const curve = curves[k % 2]!
    const mf = startWorkerd(k % 2 === 0 ? warmedSource : coldSource)
    try {
      const seed = 4_000_000 + k
      await request(mf, `/setup?watches=${count}&seeds=${seed}&articles=${FIRST_MANY}`)
      let empty = Infinity
      for (let i = 0; i < 5; i++) empty = Math.min(empty, await request(mf, '/noop'))
      await request(mf, '/snapshot', snapshot)
      await request(mf, '/load')
      if (k % 4 >= 2) {
        curve.oneWord.push((await request(mf, '/match?set=0&from=0&to=1&words=1')) - empty)
        continue
      }
      let from = 0
      for (const [s, to] of STEPS.entries()) {
        curve.perStep[s]!.push((await request(mf, `/match?set=0&from=${from}&to=${to}`)) - empty)
        from = to
      }
    } finally {
      await mf.dispose()
    }
  }
  for (const [c, label] of ['with the start-up warm-up', 'without it'].entries()) {
    const { perStep, oneWord } = curves[c]!
    const each = STEPS.map((to, s) => {
      const from = s === 0 ? 0 : STEPS[s - 1]!
      const step = to - from === 1 ? `item ${to}` : `items ${from + 1}–${to}`
      return `${step} ${(median(perStep[s]!) / (to - from)).toFixed(2)}`
    })
    console.log(
      `  ${count} watches, fresh isolate ${label}, item by item (ms per item of ~300 unseen ` +
        `words, round trip taken out, median of ${FRESH_ISOLATES}): ${each.join('; ')}; ` +
        `a first item of one word ${ms(median(oneWord))}`,
    )
  }
}
console.log(`load average after: ${loadAverage()}`)

/** The machine's load averages (`uptime`), printed beside the figures: the machine is shared. */
function loadAverage(): string {
  try {
    return execSync('uptime')
      .toString()
      .trim()
      .replace(/^.*load average:\s*/, '')
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message : String(error)})`
  }
}
