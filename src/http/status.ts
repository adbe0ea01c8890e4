// GET /status (public, no secrets) and GET /api/status (detailed, bearer-protected).
import { Hono } from 'hono'
import { feedStates, latestTick, summarizeStatus } from '../monitor/health'
import { budgetStatus } from '../monitor/budget'
import { currentShard, lastTickInIsolate } from '../monitor/tick'
import { loadConfig } from '../store/config'
import { listDeadLetters, loadDeliveryLog } from '../store/deliveries'
import { loadShards } from '../store/shards'
import { budget, shardCount } from '../settings'
import type { AppEnv } from './app-env'
import { requireAdmin } from './auth'
import { redactFeedUrl } from './redact'
import { renderStatusPage } from './status-page'

async function loadAll(env: Env) {
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
  const states = feedStates(shards)
  const summary = summarizeStatus(config, shards, log, c.get('deps').now(), lastTickInIsolate)
  return c.json({
    ...summary,
    lastTick: latestTick(shards, lastTickInIsolate),
    budget: budgetStatus(
      shards.map((s) => s.usage),
      budget(c.env),
      shardCount(c.env),
      c.get('deps').now(),
    ),
    feeds: config.feeds.map((feed) => {
      const state = states.get(feed.id)
      return {
        id: feed.id,
        title: feed.title,
        url: redactFeedUrl(feed.url),
        enabled: feed.enabled,
        health: state?.health ?? 'pending',
        lastError: state?.lastError,
        failures: state?.failures ?? 0,
        checkedAt: state?.checkedAt,
        lastSuccessAt: state?.lastSuccessAt,
        lastNewItemAt: state?.lastNewItemAt,
        itemCount: state?.itemCount,
        intervalMinutes: state?.intervalMinutes,
        intervalSignal: state?.intervalSignal,
        throttled: !!state?.throttles,
        gone: state?.gone ?? false,
        challenged: state?.challenged ?? false,
        notBefore: state?.notBefore,
        movedFrom: state?.movedFrom && redactFeedUrl(state.movedFrom),
        warnings: state?.warnings ?? [],
      }
    }),
    feedCounts: summary.feeds,
    deliveries: {
      counters: log.counters,
      recent: log.recent.slice(0, 20),
      destinations: log.destinations,
    },
    deadLetters: (await listDeadLetters(c.env, 20)).map((d) => ({
      alertId: d.alert.id,
      destinationId: d.alert.destinationId,
      watchId: d.alert.watch.id,
      title: d.alert.item.title,
      error: d.error,
      attempts: d.attempts,
      at: d.at,
    })),
  })
})
