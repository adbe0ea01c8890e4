// Worker entry: wiring only. fetch → the Hono app; scheduled → the monitor tick; queue → the
// delivery consumer (or the dead-letter parker, the WebSub push consumer, the poll job consumer);
// ConfigStore and DeliveryLedger → the Durable Object classes of the configuration and of delivery
// state.
import type { Alert } from './model'
import { consumeDeadLetters, consumeDeliveries, type DeliveryMessage } from './deliver/consumer'
import { createApp } from './http/app'
import { addressPolicyOf, guardedFetch } from './lib/address-guard'
import { consumePollJobs } from './monitor/poll-consumer'
import { POLLS_QUEUE, type PollJob } from './monitor/poll-jobs'
import { runTick } from './monitor/tick'
import { publicBaseOf, runWebSub } from './monitor/websub'
import { PUSH_QUEUE, type PushMessage } from './monitor/websub-message'
import { consumePushes } from './monitor/websub-consumer'
import {
  budget,
  floorMinutes,
  maxItemAgeHours,
  maxPollsPerTick,
  retryDelays,
  shardCount,
} from './settings'
import { warmUpIsolate } from './startup'
import { loadConfig } from './store/config'

export { ConfigStore } from './store/config-object'
export { DeliveryLedger } from './store/ledger'

// Once per isolate, before its first event: the feed reader's and the matcher's code is compiled
// and optimised here, under the platform's start-up limit, not in a tick's CPU limit
// (docs/decisions.md, 31).
warmUpIsolate()

const now = () => new Date()
/** The platform's fetch, callable as a plain function (calling it as `deps.fetch()` would not be). */
const send: typeof fetch = (input, init) => fetch(input, init)
const app = createApp({ fetch: send, now })

/** What the queue's work under the tick lease needs (WebSub pushes, poll jobs), clock aside. */
const leasedWorkDeps = (env: Env) => ({
  store: env,
  queue: env.DELIVERIES as Queue<Alert>,
  fetch: guardedFetch(send, addressPolicyOf(env)),
  now,
  shardCount: shardCount(env),
  maxItemAgeHours: maxItemAgeHours(env),
  budget: budget(env),
})

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runTick({
        store: env,
        queue: env.DELIVERIES,
        fetch: guardedFetch(send, addressPolicyOf(env)),
        now: new Date(controller.scheduledTime),
        shardCount: shardCount(env),
        maxPollsPerTick: maxPollsPerTick(env),
        maxItemAgeHours: maxItemAgeHours(env),
        budget: budget(env),
        floorMinutes: floorMinutes(env),
        // Bound: fan-out, the tick sends poll jobs to it (docs/decisions.md, 23).
        polls: env.POLLS,
      }),
    )
    // WebSub (docs/websub.md): only with PUBLIC_URL; subscriptions, renewals, demotions.
    const publicBase = publicBaseOf(env)
    if (publicBase) {
      ctx.waitUntil(
        runWebSub({
          store: env,
          fetch: guardedFetch(send, addressPolicyOf(env)),
          now: new Date(controller.scheduledTime),
          random: Math.random,
          publicBase,
          shardCount: shardCount(env),
        }),
      )
    }
  },

  async queue(batch, env) {
    // WebSub pushes have their own queue (src/monitor/websub-message.ts).
    if (batch.queue === PUSH_QUEUE) {
      return consumePushes(batch.messages as Array<Message<PushMessage>>, leasedWorkDeps(env))
    }
    // Poll jobs (fan-out, when POLLS is bound): each polls its feeds with its own budget.
    if (batch.queue === POLLS_QUEUE) {
      return consumePollJobs(batch.messages as Array<Message<PollJob>>, {
        ...leasedWorkDeps(env),
        floorMinutes: floorMinutes(env),
      })
    }
    const messages = batch as MessageBatch<DeliveryMessage>
    if (batch.queue.endsWith('-dlq')) return consumeDeadLetters(messages, { env, now })
    await consumeDeliveries(messages, {
      env,
      config: await loadConfig(env),
      email: env.EMAIL,
      emailFrom: env.EMAIL_FROM,
      fetch: guardedFetch(send, addressPolicyOf(env)),
      now,
      random: Math.random,
      retryDelays: retryDelays(env),
      announce: async (alerts) => {
        await env.DELIVERIES.sendBatch(alerts.map((body) => ({ body })))
      },
    })
  },
} satisfies ExportedHandler<Env, DeliveryMessage | PushMessage | PollJob>
