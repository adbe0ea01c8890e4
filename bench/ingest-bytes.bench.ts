// The byte path (src/ingest/xml-bytes.ts) against the text path on more cases than
// test/ingest/byte-path.test.ts runs inside workerd: 20,000 mutated feeds (the fixtures, and the
// saved real feeds of FEEDWATCH_REAL_FEEDS when present; test/ingest/feed-mutations.ts), each under
// one of five Content-Type labels, read with parseFeed and openFeed both ways. Prints the cases,
// how many the byte path took, and the differences (must be 0; FEEDWATCH_BYTES_DUMP=1 writes the
// first to .bench-out/bytes-diff.bin). Never fails on timing.
import fc from 'fast-check'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openFeed, parseFeed } from '../src/ingest'
import { byteRoute } from '../src/ingest/encoding'
import { mutatedFeed } from '../test/ingest/feed-mutations'

const RUNS = Number(process.env.FEEDWATCH_BYTES_RUNS ?? 20_000)
const SEED = Number(process.env.FEEDWATCH_BYTES_SEED ?? 1)
/** Saved real feeds larger than this are left out: a mutated case is parsed four times. */
const MAX_REAL_BYTES = 200_000

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}
const real = process.env.FEEDWATCH_REAL_FEEDS ?? '/tmp/realfeeds'
const docs = [
  ...files('test/fixtures/feeds').filter((p) => p.endsWith('.xml')),
  ...(existsSync(real) ? files(real) : []).filter(
    (p) => !p.endsWith('.json') && !p.includes('/_') && statSync(p).size < MAX_REAL_BYTES,
  ),
  // Real feeds in legacy encodings are read as Latin-1 so every byte survives into the mutations.
].map((p) => readFileSync(p, 'latin1'))

const LABELS = [
  undefined,
  'text/xml; charset=utf-8',
  'text/xml; charset=windows-1252',
  'text/xml; charset=windows-1251',
  'text/xml; charset=koi8-r',
]
const url = 'https://bytes.example/feed'

function outcome(body: Uint8Array, contentType: string | undefined, bytePathFrom: number): string {
  try {
    const r = parseFeed(body, { url, contentType, bytePathFrom })
    const o = openFeed(body, { url, contentType, bytePathFrom })
    const items = [...o.items()]
    return JSON.stringify({ r, o: [o.feed, o.count, o.oldestFirst, items, o.warnings] })
  } catch (error) {
    return `error: ${String(error)}`
  }
}

let taken = 0
let differ = 0
const t = performance.now()
fc.assert(
  fc.property(mutatedFeed(docs), fc.nat(LABELS.length - 1), (doc, k) => {
    const body = typeof doc === 'string' ? new TextEncoder().encode(doc) : doc
    const label = LABELS[k]
    if (byteRoute(body, label)) taken++
    if (outcome(body, label, Infinity) !== outcome(body, label, 0)) {
      if (differ === 0 && process.env.FEEDWATCH_BYTES_DUMP) {
        writeFileSync('.bench-out/bytes-diff.bin', body)
        console.log(`first difference written to .bench-out/bytes-diff.bin (label ${label})`)
      }
      differ++
    }
  }),
  { numRuns: RUNS, seed: SEED },
)
console.log(
  `byte path vs text path: ${RUNS} mutated feeds from ${docs.length} documents (seed ${SEED}), ` +
    `${taken} in an encoding the byte path reads, ${differ} differences (must be 0); ` +
    `${((performance.now() - t) / 1000).toFixed(1)} s`,
)
