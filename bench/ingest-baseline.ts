// The ingestion stage as it was at another commit, bundled beside the current one, so a bench can
// measure old and new in the same run, interleaved (on a shared machine, load moves figures taken
// at different times by up to 2×). `FEEDWATCH_BASELINE=<git rev>` names the commit (e.g. `main`);
// its src/ is exported with `git archive` under .bench-out/ and bundled by esbuild the way
// scripts/bench.mjs bundles the current code. Not a bench itself (no .bench.ts suffix).
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

/** Room for src/ as a tar (about 1 MiB today). */
const ARCHIVE_MAX_BYTES = 64 * 1024 * 1024

/** The path of a bundle exporting src/ingest/index.ts at `rev`, built once. */
export async function baselineIngest(rev: string): Promise<string> {
  const root = resolve('.')
  const safe = rev.replace(/[^\w.-]/g, '_')
  const dir = join(root, '.bench-out', `baseline-${safe}`)
  mkdirSync(dir, { recursive: true })
  const archive = execFileSync('git', ['archive', '--format=tar', rev, 'src'], {
    cwd: root,
    // src/ as a tar is over execFileSync's default 1 MiB of output.
    maxBuffer: ARCHIVE_MAX_BYTES,
  })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  const outfile = join(root, '.bench-out', `baseline-${safe}-ingest.mjs`)
  await build({
    entryPoints: [join(dir, 'src', 'ingest', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  })
  return outfile
}
