// `npm run cost -- --feeds 500 --interval 15 [--items-per-day N] [--watches W] [--match-rate R]
// [--shards S] [--fan-out]`: prints what a set-up costs a day and per invocation against each plan's limits,
// and which plan carries it (and why not), from the constants the Worker itself uses
// (src/monitor/cost.ts, bundled here by esbuild as the Worker is).
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')
const { values } = parseArgs({
  options: {
    feeds: { type: 'string' },
    interval: { type: 'string', default: '15' },
    'items-per-day': { type: 'string', default: '20' },
    watches: { type: 'string', default: '100' },
    'match-rate': { type: 'string', default: '0.05' },
    shards: { type: 'string' },
    'fan-out': { type: 'boolean', default: false },
  },
})
const number = (name, raw, { min = 0, integer = true } = {}) => {
  const n = Number(raw)
  if (raw === undefined || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    console.error(`--${name}: expected a ${integer ? 'whole ' : ''}number ≥ ${min}, got "${raw}"`)
    process.exit(2)
  }
  return n
}
const feeds = number('feeds', values.feeds, { min: 1 })
const setUp = {
  feeds,
  intervalMinutes: number('interval', values.interval, { min: 1 }),
  itemsPerDay: number('items-per-day', values['items-per-day']),
  watches: number('watches', values.watches),
  matchRate: number('match-rate', values['match-rate'], { integer: false }),
  // One shard document holds about a thousand feeds (docs/operations.md, "Seen items").
  shards: values.shards ? number('shards', values.shards, { min: 1 }) : Math.ceil(feeds / 1000),
  fanOut: values['fan-out'],
}

const outdir = join(root, '.bench-out')
mkdirSync(outdir, { recursive: true })
const outfile = join(outdir, 'cost.mjs')
await build({
  entryPoints: [join(root, 'src/monitor/cost.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile,
  logLevel: 'warning',
})
const { costOf } = await import(pathToFileURL(outfile).href)
const { lines, fits } = costOf(setUp)

const fmt = (n) =>
  n === Infinity ? '—' : n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1)
console.log(
  `${setUp.feeds} feeds every ${setUp.intervalMinutes} min, ${setUp.itemsPerDay} items/feed/day, ` +
    `${setUp.watches} watches, ${setUp.matchRate * 100}% of items matching, ${setUp.shards} shard(s)` +
    `${setUp.fanOut ? ', fan-out over a polls queue' : ''}\n`,
)
console.log(
  'resource'.padEnd(34) +
    'per'.padEnd(12) +
    'use'.padStart(12) +
    'free'.padStart(12) +
    'paid'.padStart(14),
)
for (const l of lines) {
  console.log(
    l.resource.padEnd(34) +
      l.per.padEnd(12) +
      fmt(l.use).padStart(12) +
      fmt(l.free).padStart(12) +
      fmt(l.paid).padStart(14),
  )
}
console.log('')
for (const plan of ['free', 'paid']) {
  const why = fits[plan]
  console.log(
    why.length === 0
      ? `${plan}: fits, every feed read on time`
      : `${plan}: does not fit as set up —\n  ${why.join('\n  ')}`,
  )
}
