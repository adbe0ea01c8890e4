// The Worker under `wrangler dev`, as the end-to-end tests start it: offline, on free loopback
// ports, with its own local state, ADMIN_TOKEN and ENVIRONMENT=development, plus any vars given.
// Resolves once /status answers; `tick()` fires the cron, `stop()` ends it and waits for it to exit.
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })

export interface DevServer {
  base: string
  /** Everything wrangler printed so far (for failure messages). */
  output(): string
  /**
   * Fires the cron handler, stamped at least a minute after the previous tick (a feed is polled at
   * most once a minute, and tests fire ticks seconds apart).
   */
  tick(): Promise<string>
  stop(): Promise<void>
}

export async function startWranglerDev(options: {
  state: string
  token: string
  vars?: Record<string, string>
  port?: number
}): Promise<DevServer> {
  const port = options.port ?? (await freePort())
  const base = `http://127.0.0.1:${port}`
  const vars = Object.entries(options.vars ?? {}).map(([k, v]) => `${k}:${v}`)
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--inspector-port=${await freePort()}`,
      `--persist-to=${options.state}`,
      '--show-interactive-dev-session=false',
      '--var',
      `ADMIN_TOKEN:${options.token}`,
      'ENVIRONMENT:development',
      ...vars,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        // Offline: no usage metrics, and no download of the request.cf sample.
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/status`)).ok) break
    } catch {
      // not listening yet
    }
    if (i > 600) {
      await stop()
      throw new Error(`wrangler dev did not start within 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  let clock = 0
  const tick = () => {
    clock = Math.max(Date.now(), clock + 60_000)
    const query = new URLSearchParams({ cron: '* * * * *', time: String(clock) })
    return fetch(`${base}/cdn-cgi/handler/scheduled?${query}`).then((r) => r.text())
  }
  return { base, output: () => output, tick, stop }
}
