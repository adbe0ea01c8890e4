// The Worker under `wrangler dev`, started the one way the demo (`npm start`) and the end-to-end
// tests (test/e2e) both use: offline, on a free loopback port, with its own local state,
// ADMIN_TOKEN and ENVIRONMENT=development plus any vars given. Resolves once /status answers.
// `tick()` fires the cron (wrangler dev never fires crons by itself), `stop()` ends the process
// and waits for it to exit. Plain JavaScript so that scripts/start.mjs runs it without a build;
// its types are in wrangler-dev.d.mts.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** How long wrangler dev may take to answer /status (it bundles and starts workerd). */
const START_TIMEOUT_MS = 60_000

export const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer()
    s.on('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => ok(port))
    })
  })

/**
 * How many times a start is tried when a port turns out to be taken. A free port is found by
 * binding port 0 and closing it, and another process on the machine (another test's workerd)
 * can bind the same port before wrangler does; the start is then retried on new ports.
 */
const START_ATTEMPTS = 3

export async function startWranglerDev({ state, token, vars = {}, port, onOutput }) {
  for (let attempt = 1; ; attempt++) {
    const dev = await launch({ state, token, vars, port: port ?? (await freePort()), onOutput })
    if (dev.ready) return dev.server
    const portTaken = dev.server.output().includes('Address already in use')
    if (!portTaken || attempt === START_ATTEMPTS) {
      throw new Error(
        `wrangler dev exited or did not answer within ${START_TIMEOUT_MS / 1000} s` +
          ` (attempt ${attempt} of ${START_ATTEMPTS}):\n${dev.server.output()}`,
      )
    }
  }
}

async function launch({ state, token, vars, port, onOutput }) {
  const base = `http://127.0.0.1:${port}`
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--inspector-port=${await freePort()}`,
      `--persist-to=${state}`,
      '--show-interactive-dev-session=false',
      '--var',
      `ADMIN_TOKEN:${token}`,
      'ENVIRONMENT:development',
      ...Object.entries(vars).map(([k, v]) => `${k}:${v}`),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        // Offline: no usage metrics, and no download of the request.cf sample (a fallback is used).
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const take = (chunk) => {
    output += chunk.toString()
    onOutput?.(chunk.toString())
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  const started = Date.now()
  for (;;) {
    // Wrangler's own "Ready on" line first: until it is printed, whatever answers on the port may
    // be another process that took it.
    try {
      if (output.includes('Ready on') && (await fetch(`${base}/status`)).ok) break
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      await stop()
      return { ready: false, server: { base, child, output: () => output, tick: null, stop } }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  // Each tick is stamped at least a minute after the previous one (the scheduled handler takes a
  // `time`): a feed is polled at most once a minute, and the demo and the tests fire ticks
  // seconds apart, so their clock runs ahead of the wall clock and every tick polls.
  let clock = 0
  const tick = () => {
    clock = Math.max(Date.now(), clock + 60_000)
    const query = new URLSearchParams({ cron: '* * * * *', time: String(clock) })
    return fetch(`${base}/cdn-cgi/handler/scheduled?${query}`).then((r) => r.text())
  }
  return { ready: true, server: { base, child, output: () => output, tick, stop } }
}
