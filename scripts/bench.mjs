// `npm run bench [filter]`: bundles each bench/*.bench.ts with esbuild (the same bundler wrangler
// uses, so the code measured is the code deployed) and runs it in Node, one after another, so
// benchmarks never compete for the two cores. Benchmarks print figures; they never fail on timing.
import { build } from 'esbuild'
import { readdirSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'

const root = resolve(import.meta.dirname, '..')
const filter = process.argv[2] ?? ''
const outdir = join(root, '.bench-out')
mkdirSync(outdir, { recursive: true })
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort()
if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches "${filter}"`)
  process.exit(1)
}
let failed = 0
for (const file of files) {
  const outfile = join(outdir, file.replace(/\.ts$/, '.mjs'))
  await build({
    entryPoints: [join(root, 'bench', file)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Our code is bundled as wrangler bundles it; tools (esbuild, miniflare) load from node_modules.
    packages: 'external',
    outfile,
    logLevel: 'warning',
  })
  console.log(`\n=== ${file} ===`)
  const run = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', cwd: root })
  if (run.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
