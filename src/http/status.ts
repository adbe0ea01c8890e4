// GET /status (public, no secrets) and GET /api/status (detailed, bearer-protected).
import { Hono } from 'hono'
import { detailedStatus, summarizeStatus } from '../monitor/health'
import { budgetStatus } from '../monitor/budget'
import { currentShard, lastTickInIsolate } from '../monitor/tick'
import { publicSubscriptions } from '../monitor/websub'
import { loadConfig } from '../store/config'
import { listDeadLetters, loadDeliveryLog } from '../store/deliveries'
import { loadShards } from '../store/shards'
import { loadWebSub } from '../store/websub'
import { budget, floorMinutes, shardCount } from '../settings'
import type { AppEnv } from './app-env'
import { requireAdmin } from './auth'
import { renderStatusPage } from './status-page'

/** Dead letters the status lists (and counts per destination); /api/deliveries lists more. */
const DEAD_LETTERS_SHOWN = 100

export async function loadAll(env: Env) {
  const [config, shards, log] = await Promise.all([
    loadConfig(env),
    // This isolate's unwritten state, when it has some (the KV write budget spaces writes).
    loadShards(env.KV, shardCount(env)).then((docs) => docs.map(currentShard)),
    loadDeliveryLog(env),
  ])
  return { config, shards, log }
}

export const publicStatusRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const { config, shards, log } = await loadAll(c.env)
  const now = c.get('deps').now()
  const status = summarizeStatus(config, shards, log, now, lastTickInIsolate)
  c.header('cache-control', 'no-store')
  // Browsers get a page; everything else (curl, monitors, scripts) gets JSON.
  if (c.req.header('accept')?.includes('text/html')) return c.html(renderStatusPage(status, now))
  return c.json(status)
})

export const detailedStatusRoutes = new Hono<AppEnv>().use(requireAdmin).get('/', async (c) => {
  const { config, shards, log } = await loadAll(c.env)
  const dead = await listDeadLetters(c.env, DEAD_LETTERS_SHOWN)
  const now = c.get('deps').now()
  const websub = await loadWebSub(c.env)
  return c.json({
    ...detailedStatus(config, shards, log, dead, now, lastTickInIsolate, floorMinutes(c.env)),
    // Push subscriptions (docs/websub.md): each one's state, hub and lease; /api/websub has more.
    websub: { enabled: Boolean(c.env.PUBLIC_URL), subscriptions: publicSubscriptions(websub) },
    budget: budgetStatus(
      shards.map((s) => s.usage),
      budget(c.env),
      shardCount(c.env),
      now,
    ),
  })
})
