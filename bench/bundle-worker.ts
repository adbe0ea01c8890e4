// Bundles a bench Worker the way wrangler bundles Feedwatch: the browser field's replacements
// apply (chardet swaps its Node file reader for a browser one) and workerd's export conditions come
// first, so the code the bench runs in workerd is the code deployed.
import { build } from 'esbuild'
import { Miniflare, convertV4MiniflareOptions, type V4WorkerOptions } from 'miniflare'

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

/** The compatibility date every bench worker runs at. */
const COMPATIBILITY_DATE = '2026-11-01'

/**
 * workerd (Miniflare) running the bundled bench worker `bundle` as `name`, with `bindings` (KV
 * namespaces, Durable Objects) and, when `persistDir` is given, their state kept on disk there.
 */
export function startBenchWorker(
  name: string,
  bundle: string,
  bindings: Pick<V4WorkerOptions, 'kvNamespaces' | 'durableObjects'> = {},
  persistDir?: string,
): Miniflare {
  return new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name,
          compatibilityDate: COMPATIBILITY_DATE,
          modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle }],
          ...bindings,
        },
      ],
      ...(persistDir === undefined ? {} : { resourcePersistencePath: persistDir }),
    }),
  )
}

/**
 * bench/tick-worker.ts's `bundle` with its KV namespace and configuration object; their state is
 * kept on disk in `persistDir` when given, so that a new process (a new isolate) finds what the
 * one before stored.
 */
export function startTickWorker(bundle: string, persistDir?: string): Miniflare {
  return startBenchWorker(
    'tick-bench',
    bundle,
    {
      kvNamespaces: ['KV'],
      durableObjects: { CONFIG: { className: 'ConfigStore', useSQLite: true } },
    },
    persistDir,
  )
}
