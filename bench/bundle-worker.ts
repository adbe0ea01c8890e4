// Bundles a bench Worker the way wrangler bundles Feedwatch: the browser field's replacements
// apply (chardet swaps its Node file reader for a browser one) and workerd's export conditions come
// first, so the code the bench runs in workerd is the code deployed.
import { build } from 'esbuild'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'

export async function bundleWorker(entryPoint: string): Promise<string> {
  const bundle = await build({
    entryPoints: [entryPoint], // npm run bench runs from the repository root
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:workers'],
    write: false,
    logLevel: 'warning',
  })
  return bundle.outputFiles[0]!.text
}

/**
 * workerd (Miniflare) running bench/tick-worker.ts's `bundle` with its KV namespace and
 * configuration object; their state is kept on disk in `persistDir` when given, so that a new
 * process (a new isolate) finds what the one before stored.
 */
export function startTickWorker(bundle: string, persistDir?: string): Miniflare {
  return new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: 'tick-bench',
          compatibilityDate: '2026-11-01',
          modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle }],
          kvNamespaces: ['KV'],
          durableObjects: { CONFIG: { className: 'ConfigStore', useSQLite: true } },
        },
      ],
      ...(persistDir === undefined ? {} : { resourcePersistencePath: persistDir }),
    }),
  )
}
