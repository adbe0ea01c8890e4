// Bundles a bench Worker the way wrangler bundles Feedwatch: the browser field's replacements
// apply (chardet swaps its Node file reader for a browser one) and workerd's export conditions come
// first, so the code the bench runs in workerd is the code deployed.
import { build } from 'esbuild'

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
