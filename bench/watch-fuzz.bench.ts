// `npm run bench watch-fuzz`: the fuzz properties of test/watch/fuzz.test.ts run in Node, where a
// case can be timed (inside workerd the clock stands still while code computes), with a fresh
// seed each run. Prints the seed, the number of cases and the longest case time of each
// property. Fails only if a property fails (a non-QueryError throw, a position outside the
// query, the index disagreeing with the query alone); never on timing.
import fc from 'fast-check'
import { compileWatchIndex, matchItem, matchQuery, parseQuery, QueryError } from '../src/watch'
import { matchInput, matchOptions, queryString } from '../test/watch/fuzz-arbitraries'

/** Parse cases a run: ~1 s of work on this machine. */
const PARSE_RUNS = 20_000
/** Compile-and-match cases: each prepares an item of up to ~2,400 characters. */
const MATCH_RUNS = 5_000

/** Cases counted as warm-up in the second figure: the first ones compile the code and regexes. */
const WARM_UP = 100

/** Case times of one property, and the slowest case (overall and after warm-up). */
class Times {
  readonly all: number[] = []
  longest = { ms: 0, query: '' }
  longestWarm = { ms: 0, query: '' }

  add(ms: number, query: string): void {
    this.all.push(ms)
    if (ms > this.longest.ms) this.longest = { ms, query }
    if (this.all.length > WARM_UP && ms > this.longestWarm.ms) this.longestWarm = { ms, query }
  }
}

function describeCase({ ms, query }: { ms: number; query: string }): string {
  const shown = JSON.stringify(query.slice(0, 50)) + (query.length > 50 ? '…' : '')
  return `${ms.toFixed(2)} ms (a query of ${query.length} units: ${shown})`
}

function parses(query: string): boolean {
  try {
    parseQuery(query)
    return true
  } catch (error) {
    if (error instanceof QueryError) {
      if (error.position < 0 || error.position > query.length) {
        throw new Error(`QueryError position ${error.position} outside ${query.length}`)
      }
      return false
    }
    throw error
  }
}

function report(name: string, counted: string, times: Times, seed: number): void {
  const sorted = [...times.all].sort((a, b) => a - b)
  const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0
  console.log(`${name}: ${times.all.length} cases (${counted}), seed ${seed}`)
  console.log(`  longest case:                   ${describeCase(times.longest)}`)
  console.log(`  longest after ${WARM_UP} warm-up cases: ${describeCase(times.longestWarm)}`)
  console.log(
    `  median ${(sorted[sorted.length >> 1] ?? 0).toFixed(3)} ms, p99 ${p99.toFixed(2)} ms`,
  )
}

const seed = Date.now() ^ (Math.random() * 2 ** 31)

{
  const times = new Times()
  let parsed = 0
  fc.assert(
    fc.property(queryString, (query) => {
      const start = performance.now()
      if (parses(query)) parsed++
      times.add(performance.now() - start, query)
    }),
    { numRuns: PARSE_RUNS, seed },
  )
  report('parse', `${parsed} parsed, the rest refused`, times, seed)
}

{
  const times = new Times()
  let compiled = 0
  let matched = 0
  fc.assert(
    fc.property(queryString, matchOptions, matchInput, (query, options, item) => {
      const start = performance.now()
      if (!parses(query)) return times.add(performance.now() - start, query)
      compiled++
      const index = compileWatchIndex([{ id: 'w', query, options }])
      const viaIndex = matchItem(index, item).length
      const alone = matchQuery(query, item, options) ? 1 : 0
      if (viaIndex !== alone) throw new Error(`index ${viaIndex} ≠ alone ${alone}: ${query}`)
      matched += alone
      times.add(performance.now() - start, query)
    }),
    { numRuns: MATCH_RUNS, seed },
  )
  report('compile + match', `${compiled} compiled and matched, ${matched} matches`, times, seed)
}
