// The watch bench's passes inside workerd, the runtime Feedwatch is deployed on
// (bench/watch.bench.ts starts it through Miniflare and times each request from outside: code
// inside workerd sees a clock that stands still while it computes). Generating watches and
// articles (/setup) is kept apart from compiling (/compile) and matching (/match), so that in a
// fresh isolate the first /compile and /match are the first the engine's code and lexicon ever
// see, as in a tick that starts a new isolate. /snapshot hands it the index snapshot the bench
// built in its own process (as the configuration object builds it elsewhere), and /load decodes
// it instead of compiling (/match?load=1 loads it, then matches, in one request, as a tick
// does). Not deployed anywhere.
import { compileWatchIndex, matchItem, type WatchIndex, type WatchSpec } from '../src/watch'
import { loadIndexSnapshot } from '../src/watch/snapshot'
import { warmUpIsolate } from '../src/startup'
import { forgetVocabulary } from '../src/watch/warm-up'
import { makeArticles, makeWatches, prng, type BenchArticle } from './watch-corpus'

let specs: WatchSpec[] = []
let index: WatchIndex | undefined
let sets: BenchArticle[][] = []
let snapshot: Uint8Array | undefined
/** The configuration version the bench's snapshots are built for. */
const BENCH_VERSION = 1

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const param = (name: string, fallback: number): number =>
      Number(url.searchParams.get(name) ?? fallback)
    if (url.pathname === '/setup') {
      // The same watches and article sets as the Node passes (seeded); nothing compiled yet.
      const count = param('watches', 0)
      specs = makeWatches(count, prng(count))
      const seeds = (url.searchParams.get('seeds') ?? '').split(',').map(Number)
      const size = param('articles', 1000)
      sets = seeds.map((seed) => makeArticles(size, prng(seed)))
      index = undefined
      return new Response('ready')
    }
    if (url.pathname === '/compile') {
      index = compileWatchIndex(specs)
      return new Response(String(index.errors.length))
    }
    if (url.pathname === '/snapshot' && request.method === 'POST') {
      snapshot = new Uint8Array(await request.arrayBuffer())
      return new Response(String(snapshot.byteLength))
    }
    if (url.pathname === '/load' && snapshot) {
      index = loadIndexSnapshot(snapshot, BENCH_VERSION)
      return new Response(String(index.errors.length))
    }
    if (url.pathname === '/noop') return new Response('')
    // The start-up warm-ups (the reader's and the matcher's, src/startup.ts) run as a request, so
    // that what they cost a new isolate can be timed.
    if (url.pathname === '/warm-up') {
      warmUpIsolate()
      return new Response('')
    }
    // Every word forgotten, code still warm: what first sight of a word costs in itself.
    if (url.pathname === '/forget') {
      forgetVocabulary()
      return new Response('')
    }
    // load=1: the snapshot loaded first, in the same request, as a tick loads then matches.
    if (url.pathname === '/match' && url.searchParams.get('load') === '1' && snapshot) {
      index = loadIndexSnapshot(snapshot, BENCH_VERSION)
    }
    if (url.pathname === '/match' && index) {
      const set = sets[param('set', 0)] ?? []
      // words=n: each article cut to a title of its first n words (the fixed part of a first item).
      const words = url.searchParams.get('words')
      let alerts = 0
      for (const article of set.slice(param('from', 0), param('to', set.length))) {
        const item =
          words === null
            ? article
            : {
                ...article,
                title: article.content.split(' ').slice(0, Number(words)).join(' '),
                summary: '',
                content: '',
                categories: [],
              }
        alerts += matchItem(index, item).length
      }
      return new Response(String(alerts))
    }
    return new Response('set up and compile first', { status: 409 })
  },
}
