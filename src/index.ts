// Worker entry: wiring only. fetch → the Hono app; scheduled → the monitor tick;
// queue → the delivery consumer (or the dead-letter parker); ConfigStore → the configuration's
// Durable Object class.
import type { Alert } from './model'
import { consumeDeadLetters, consumeDeliveries } from './deliver/consumer'
import { createApp } from './http/app'
import { runTick } from './monitor/tick'
import { maxItemAgeHours, maxPollsPerTick, retryDelays, shardCount } from './settings'
import { loadConfig } from './store/config'

export { ConfigStore } from './store/config-object'

const now = () => new Date()
/** The platform's fetch, callable as a plain function (calling it as `deps.fetch()` would not be). */
const send: typeof fetch = (input, init) => fetch(input, init)
const app = createApp({ fetch: send, now })

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runTick({
        store: env,
        queue: env.DELIVERIES as Queue<Alert>,
        fetch: send,
        now: new Date(controller.scheduledTime),
        shardCount: shardCount(env),
        maxPollsPerTick: maxPollsPerTick(env),
        maxItemAgeHours: maxItemAgeHours(env),
      }),
    )
  },

  async queue(batch, env) {
    if (batch.queue.endsWith('-dlq')) {
      return consumeDeadLetters(batch as MessageBatch<Alert>, { kv: env.KV, now })
    }
    await consumeDeliveries(batch as MessageBatch<Alert>, {
      kv: env.KV,
      config: await loadConfig(env),
      fetch: send,
      now,
      random: Math.random,
      retryDelays: retryDelays(env),
    })
  },
} satisfies ExportedHandler<Env, Alert>
