// `npm start`: the offline demo. Runs the Worker under `wrangler dev` with local KV and Queues,
// a publisher and a webhook receiver on 127.0.0.1, configures a feed, a watch and a destination
// through the API, and fires the cron every minute (wrangler dev never fires crons by itself).
// Within seconds the receiver prints an alert for the demo's French wire story, polled; then a
// second feed's hub pushes a flash (WebSub), which arrives within a second or two, unpolled.
//
// Each run starts from a fresh local state in .demo-state/ so the demo always shows an alert.
// For real feeds with persistent local state, use `npm run dev` (see README).
//
// Environment: FEEDWATCH_TICK_SECONDS (default 60), FEEDWATCH_DEMO_STATE (default .demo-state).
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { printEmail, startLiveDesk, startPublisher, startReceiver } from '../demo/servers.mjs'
import { freePort, startWranglerDev } from './wrangler-dev.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tickSeconds = Number(process.env.FEEDWATCH_TICK_SECONDS ?? 60)
const stateDir = resolve(root, process.env.FEEDWATCH_DEMO_STATE ?? '.demo-state')
const token = `demo-${randomBytes(12).toString('hex')}`
const secret = `whsec_${randomBytes(32).toString('base64')}`
const log = (line) => console.log(`[demo] ${line}`)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function main() {
  rmSync(stateDir, { recursive: true, force: true })
  const publisher = await startPublisher()
  const liveDesk = await startLiveDesk({ print: log })
  // When each alert arrived, by title: the demo pushes its flash once the polled story is in, and
  // says how long the pushed one took.
  const arrived = new Map()
  const receiver = await startReceiver({
    getSecret: () => secret,
    onAlert: (data) => arrived.set(data.item.title, Date.now()),
  })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`

  // The Worker's own log lines (ticks, deliveries) are worth seeing; wrangler's banner is not.
  const relay = (chunk) => {
    for (const line of chunk.split('\n')) {
      if (/^(tick |delivered |retrying |dead-lettered )/.test(line.trim()))
        log(`worker: ${line.trim()}`)
      else if (/Email: (\S+\.eml)/.test(line)) {
        // Miniflare's send_email binding writes each message to a .eml file and logs its path.
        const path = /Email: (\S+\.eml)/.exec(line)[1]
        printEmail(path).catch((e) => console.error(`[demo] email: ${e.message}`))
      } else if (/error|✘/i.test(line)) console.error(`[wrangler] ${line}`)
    }
  }
  log(`starting the Worker with wrangler dev on ${base} …`)
  const wrangler = await startWranglerDev({
    state: stateDir,
    token,
    port,
    // WebSub push needs the deployment's public URL (docs/websub.md); locally, wrangler dev's.
    vars: { PUBLIC_URL: base },
    onOutput: relay,
  })

  let stopping = false
  let ticker
  const stop = async (code = 0) => {
    if (stopping) return
    stopping = true
    clearInterval(ticker)
    await Promise.all([wrangler.stop(), publisher.close(), receiver.close(), liveDesk.close()])
    process.exit(code)
  }
  process.on('SIGINT', () => stop(0))
  process.on('SIGTERM', () => stop(0))
  wrangler.child.on('exit', (code) => {
    if (!stopping) {
      console.error(`[demo] wrangler dev exited (${code})`)
      stop(1)
    }
  })

  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    })
    const json = await res.json().catch(() => undefined)
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const fireTick = () => wrangler.tick()

  log('Worker is up. Configuring the demo through the API …')
  await call('POST', '/api/destinations', {
    id: 'demo-receiver',
    name: 'Demo receiver (prints to this terminal)',
    type: 'webhook',
    url: receiver.url,
    secret,
  })
  await call('POST', '/api/destinations', {
    id: 'demo-email',
    name: 'Demo newsroom inbox (local: written to a file, printed here)',
    type: 'email',
    to: 'newsroom@example.com',
  })
  await call('POST', '/api/feeds', {
    id: 'le-fil',
    url: publisher.url,
    title: 'Le Fil (démo)',
    tags: ['fr', 'demo'],
    // Poll on every tick, so the demo's second tick sees the story published after the first.
    intervalMinutes: 1,
    // The demo replays a story from June 2023; without this, the age cutoff would (rightly)
    // keep an item that old from alerting.
    maxItemAgeHours: 0,
  })
  await call('POST', '/api/watches', {
    id: 'belgorod-armes-belges',
    name: 'Belgorod × armes belges',
    query: 'belgorod AND (belge OR belgique)',
    destinations: ['demo-receiver', 'demo-email'],
  })
  await call('POST', '/api/feeds', {
    id: 'le-direct',
    url: liveDesk.url,
    title: 'Le Direct (démo, push)',
    tags: ['fr', 'demo'],
    maxItemAgeHours: 0,
  })
  log('feeds: Le Fil (polled), Le Direct (pushed by its WebSub hub)')
  log('watch: belgorod AND (belge OR belgique)')

  await fireTick()
  log('first poll done: the feed’s current items were recorded silently (no flood of old news).')
  await sleep(3000)
  publisher.publish()
  log('the publisher just published two new stories; the next tick polls them …')
  await fireTick()
  ticker = setInterval(() => fireTick().catch(() => {}), tickSeconds * 1000)

  // The live desk's story travels by push: no poll is involved, so it arrives within seconds.
  for (let i = 0; !liveDesk.subscribed() || arrived.size === 0; i++) {
    if (i === 300) log('still waiting for the polled alert and the WebSub subscription …')
    await sleep(100)
  }
  await sleep(2000)
  log('the live desk publishes a flash and its hub pushes it to Feedwatch now …')
  const pushedAt = Date.now()
  await liveDesk.push()
  for (let i = 0; i < 300 && ![...arrived.keys()].some((t) => t.startsWith('Flash')); i++) {
    await sleep(50)
  }
  const flash = [...arrived].find(([title]) => title.startsWith('Flash'))
  if (flash) log(`pushed flash alerted ${flash[1] - pushedAt} ms after the hub's POST (no poll)`)

  log(`status:  ${base}/status`)
  log(`API:     curl -H "Authorization: Bearer ${token}" ${base}/api/status`)
  log(`ticks every ${tickSeconds} s. Ctrl-C to stop.`)
}

main().catch((error) => {
  console.error(`[demo] ${error.stack ?? error}`)
  process.exit(1)
})
