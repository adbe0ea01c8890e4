// What PUT /api/config costs in CPU, storage aside: the document's validation (zod) and the import
// plan (every entry's rules, each query parsed, integrity, the diff), for a first import and for a
// re-import that changes nothing. Sizes: 300 feeds, 20 destinations, 500 and 5,000 watches.
// Prints medians only; never fails on timing. The free plan allows 10 ms of CPU per request.
import { planImport } from '../src/config/portable'
import { parseBody, portableConfig } from '../src/http/validate'
import { emptyConfig } from '../src/store/config'

const RUNS = 15
const SECRET = 'whsec_' + btoa('0123456789abcdef0123456789abcdef')
const policy = { development: false }

function documentOf(watchCount: number) {
  return {
    feedwatch: 1,
    feeds: Array.from({ length: 300 }, (_, i) => ({
      id: `f${i}`,
      url: `https://news${i}.example.org/feed.xml`,
      tags: ['news'],
    })),
    destinations: Array.from({ length: 20 }, (_, i) => ({
      id: `d${i}`,
      name: `hook ${i}`,
      type: 'webhook',
      url: `https://hooks.example.com/${i}`,
      secret: SECRET,
    })),
    watches: Array.from({ length: watchCount }, (_, i) => ({
      id: `w${i}`,
      name: `watch ${i}`,
      query: `(otan OR nato) AND belgorod* AND NOT "mot ${i}"`,
      scope: { feeds: [`f${i % 300}`] },
      destinations: [`d${i % 20}`],
    })),
  }
}

function median(run: () => void): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    run()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? NaN
}

for (const watches of [500, 5000]) {
  const raw = documentOf(watches)
  const bytes = JSON.stringify(raw).length
  const first = () =>
    planImport(emptyConfig(), parseBody(portableConfig, raw), policy, () => SECRET)
  const stored = first().next
  const again = () => planImport(stored, parseBody(portableConfig, raw), policy, () => SECRET)
  console.log(
    `${watches} watches (${(bytes / 1024).toFixed(0)} KiB): first import ${median(first).toFixed(1)} ms, ` +
      `unchanged re-import ${median(again).toFixed(1)} ms (median of ${RUNS})`,
  )
}
