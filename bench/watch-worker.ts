// The watch bench's matching passes inside workerd, the runtime Feedwatch is deployed on
// (bench/watch.bench.ts starts it through Miniflare and times each request from outside: code
// inside workerd sees a clock that stands still while it computes). Not deployed anywhere.
import { compileWatchIndex, matchItem, type WatchIndex } from '../src/watch'
import { makeArticles, makeWatches, prng, type BenchArticle } from './watch-corpus'

let index: WatchIndex | undefined
let sets: BenchArticle[][] = []

export default {
  fetch(request: Request): Response {
    const url = new URL(request.url)
    if (url.pathname === '/setup') {
      // The same watches and article sets as the Node passes (seeded).
      const count = Number(url.searchParams.get('watches'))
      index = compileWatchIndex(makeWatches(count, prng(count)))
      const seeds = (url.searchParams.get('seeds') ?? '').split(',').map(Number)
      sets = seeds.map((seed) => makeArticles(1000, prng(seed)))
      return new Response('ready')
    }
    if (url.pathname === '/match' && index) {
      let alerts = 0
      for (const article of sets[Number(url.searchParams.get('set'))] ?? []) {
        alerts += matchItem(index, article).length
      }
      return new Response(String(alerts))
    }
    return new Response('set up first', { status: 409 })
  },
}
