// `npm run bench watch-first-sight`: what the presearcher's first-sight filters and gate save
// (src/watch/prefix-filter.ts: no stemming for a word whose stem no watch holds, no stemming
// of a Cyrillic word for a cross key no Latin query word has; src/watch/first-sight-gate.ts: no
// Word, key, stem or lookup for a word that reaches nothing; one switch turns them all off). The
// same measurements with them on and off, in new Node processes taken in turn (on, off, off,
// on…), so that both see the same load on a shared machine; CPU time of the process, not wall
// time, and the load average printed beside the figures. Prints figures; never fails on them.
//
// Two rows a watch count, on bench/watch-corpus.ts's watches and articles:
// - fresh: a new process compiles the watches and matches its first 20 and first 100 items,
//   nothing warm (the cost a tick pays in a new isolate, without workerd's request overhead);
// - warm: after a 1,000-article warm-up, three passes of 1,000 unseen articles (the protocol of
//   bench/watch.bench.ts's Node rows), median of the passes.
import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { compileWatchIndex, matchItem } from '../src/watch'
import { prefixFilters } from '../src/watch/prefix-filter'
import { makeArticles, makeWatches, prng } from './watch-corpus'

/** Child processes per setting and row. */
const RUNS = 5
const WARM_RUNS = 3
const ARTICLES = 1000

interface Child {
  mode: 'fresh' | 'warm'
  watches: number
  filters: boolean
  run: number
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** One measurement, in this (new) process: prints its figures as JSON. */
function measure(child: Child): Record<string, number> {
  prefixFilters.on = child.filters
  const watches = makeWatches(child.watches, prng(child.watches))
  if (child.mode === 'fresh') {
    // Articles no other run uses, generated before the clock starts.
    const set = makeArticles(100, prng(4_000_000 + child.watches * 10 + child.run))
    let t = cpuMs()
    const index = compileWatchIndex(watches)
    const compile = cpuMs() - t
    t = cpuMs()
    for (const a of set.slice(0, 20)) matchItem(index, a)
    const first20 = cpuMs() - t
    for (const a of set.slice(20)) matchItem(index, a)
    const first100 = cpuMs() - t
    return { compile, first20, first100 }
  }
  const index = compileWatchIndex(watches)
  const seed = 5_000_000 + child.watches * 100
  for (const a of makeArticles(ARTICLES, prng(seed))) matchItem(index, a)
  const rates = [1, 2, 3].map((k) => {
    const set = makeArticles(ARTICLES, prng(seed + k))
    const t = cpuMs()
    for (const a of set) matchItem(index, a)
    return (ARTICLES / (cpuMs() - t)) * 1000
  })
  return { rate: median(rates) }
}

const self = process.env.FIRST_SIGHT_CHILD
if (self) {
  console.log(JSON.stringify(measure(JSON.parse(self) as Child)))
} else {
  const spawn = (child: Child): Record<string, number> => {
    const out = execFileSync(process.execPath, [process.argv[1]!], {
      env: { ...process.env, FIRST_SIGHT_CHILD: JSON.stringify(child) },
    })
    return JSON.parse(String(out)) as Record<string, number>
  }
  const loads: number[] = []
  const ms = (v: number) => `${v.toFixed(1)} ms`
  for (const watches of [1000, 10_000]) {
    for (const mode of ['fresh', 'warm'] as const) {
      const runs = mode === 'fresh' ? RUNS : WARM_RUNS
      const results: Record<'on' | 'off', Array<Record<string, number>>> = { on: [], off: [] }
      for (let run = 0; run < runs; run++) {
        for (const filters of run % 2 === 0 ? [true, false] : [false, true]) {
          loads.push(loadavg()[0]!)
          results[filters ? 'on' : 'off'].push(spawn({ mode, watches, filters, run }))
        }
      }
      for (const setting of ['on', 'off'] as const) {
        const r = results[setting]
        const of = (key: string) => r.map((x) => x[key]!)
        const figures =
          mode === 'fresh'
            ? `compile ${ms(median(of('compile')))}; first 20 items ${ms(median(of('first20')))}; ` +
              `first 100 items ${Math.round(100_000 / median(of('first100')))}/s`
            : `${Math.round(median(of('rate')))} articles/s ` +
              `[${of('rate')
                .map((v) => Math.round(v))
                .join(', ')}]`
        console.log(
          `${watches} watches, ${mode}, filters ${setting.padEnd(3)}: ${figures} ` +
            `(median of ${runs} processes)`,
        )
      }
    }
  }
  console.log(
    `load average during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  )
}
