// The deliveries queue consumer: sends each alert through its destination's channel, retries with
// backoff, parks alerts that cannot be delivered as dead letters, and keeps the delivery log.
//
// Promises kept here (DESIGN.md, "Delivery promises"):
// - every message ends in exactly one of: delivered, retried later, parked (dead letter), or dropped
//   because its destination no longer exists — and each outcome is logged;
// - an alert id already delivered is not sent again (the same story through a second feed, or a
//   tick that enqueued twice after a crash);
// - one destination failing never holds up another: messages are settled one by one.
import type { Alert, Destination } from '../model'
import { DeliveryError, errorMessage } from '../lib/errors'
import { redactUrlsIn } from '../lib/redact'
import type { ConfigDoc } from '../store/config'
import {
  DELIVERED_LIMIT,
  RECENT_LIMIT,
  loadDeliveryLog,
  parkDeadLetter,
  saveDeliveryLog,
  type DeliveryLog,
  type DeliveryRecord,
} from '../store/deliveries'
import { CHANNELS } from './channels'
import { MAX_ATTEMPTS, retryDelaySeconds } from './retry'

export interface ConsumerDeps {
  kv: KVNamespace
  config: ConfigDoc
  fetch: typeof fetch
  now: () => Date
  random: () => number
  retryDelays: number[]
  log?: (line: string) => void
}

/** Appends a record to the log, keeping it bounded. */
function record(log: DeliveryLog, entry: DeliveryRecord): void {
  log.recent.unshift(entry)
  if (log.recent.length > RECENT_LIMIT) log.recent.length = RECENT_LIMIT
}

function entryFor(alert: Alert, attempt: number, now: Date): Omit<DeliveryRecord, 'outcome'> {
  return {
    alertId: alert.id,
    destinationId: alert.destinationId,
    watchId: alert.watch.id,
    feedId: alert.feed.id,
    title: alert.item.title,
    attempt,
    at: now.toISOString(),
  }
}

export async function consumeDeliveries(
  batch: MessageBatch<Alert>,
  deps: ConsumerDeps,
): Promise<void> {
  const log = await loadDeliveryLog({ KV: deps.kv })
  const delivered = new Set(log.delivered)
  const destinations = new Map<string, Destination>(deps.config.destinations.map((d) => [d.id, d]))
  const say = deps.log ?? ((line: string) => console.log(line))

  for (const message of batch.messages) {
    const alert = message.body
    const now = deps.now()
    const base = entryFor(alert, message.attempts, now)
    const destination = destinations.get(alert.destinationId)

    if (!destination || !destination.enabled) {
      record(log, { ...base, outcome: 'dropped', error: 'destination deleted or disabled' })
      log.counters.dropped++
      message.ack()
      continue
    }
    if (delivered.has(alert.id)) {
      record(log, { ...base, outcome: 'duplicate' })
      log.counters.duplicates++
      message.ack()
      continue
    }
    const channel = CHANNELS[destination.type]
    try {
      if (!channel)
        throw new DeliveryError(`no channel for type ${destination.type}`, {
          channel: destination.type,
          retryable: false,
        })
      const result = await channel.send({ kind: 'alert', alerts: [alert] }, destination, {
        fetch: deps.fetch,
        now,
      })
      record(log, { ...base, outcome: 'sent', status: result.status })
      log.counters.sent++
      delivered.add(alert.id)
      log.delivered.push(alert.id)
      message.ack()
      say(`delivered ${alert.id} to ${destination.name} (${destination.type}): ${alert.item.title}`)
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(errorMessage(error), { channel: destination.type, retryable: true })
      // What is logged and stored must not carry the destination URL (it is a credential).
      const reason = redactUrlsIn(failure.message, true)
      const lastTry = message.attempts >= MAX_ATTEMPTS
      if (failure.retryable && !lastTry) {
        const delaySeconds = retryDelaySeconds(
          message.attempts,
          deps.retryDelays,
          deps.random(),
          failure.retryAfterSeconds,
        )
        record(log, {
          ...base,
          outcome: 'retry',
          status: failure.status,
          error: reason,
          retryInSeconds: delaySeconds,
        })
        log.counters.retried++
        message.retry({ delaySeconds })
        say(`retrying ${alert.id} in ${delaySeconds}s: ${reason}`)
      } else {
        await parkDeadLetter(
          { KV: deps.kv },
          {
            alert,
            error: reason,
            status: failure.status,
            attempts: message.attempts,
            at: now.toISOString(),
          },
        )
        record(log, { ...base, outcome: 'dead', status: failure.status, error: reason })
        log.counters.dead++
        message.ack()
        say(`dead-lettered ${alert.id} after ${message.attempts} attempt(s): ${reason}`)
      }
    }
  }
  if (log.delivered.length > DELIVERED_LIMIT) {
    log.delivered.splice(0, log.delivered.length - DELIVERED_LIMIT)
  }
  await saveLog(deps.kv, log, say)
}

/**
 * Stores the log. The alerts are already settled (acked or retried) by now, so a failed write
 * (KV's one-write-per-second limit, say) loses only counters and dedup ids: said, not thrown,
 * because throwing would make the platform treat the whole batch as failed.
 */
async function saveLog(kv: KVNamespace, log: DeliveryLog, say: (line: string) => void) {
  try {
    await saveDeliveryLog({ KV: kv }, log)
  } catch (error) {
    say(`delivery log not saved: ${errorMessage(error)}`)
  }
}

/**
 * The dead-letter queue's consumer: a message lands there only if the main consumer itself failed
 * (threw) on every attempt, so no outcome was logged. Park it where the status and API show it.
 */
export async function consumeDeadLetters(
  batch: MessageBatch<Alert>,
  deps: Pick<ConsumerDeps, 'kv' | 'now'>,
): Promise<void> {
  const log = await loadDeliveryLog({ KV: deps.kv })
  for (const message of batch.messages) {
    const now = deps.now()
    await parkDeadLetter(
      { KV: deps.kv },
      {
        alert: message.body,
        error: 'delivery consumer failed on every attempt',
        attempts: MAX_ATTEMPTS,
        at: now.toISOString(),
      },
    )
    record(log, {
      ...entryFor(message.body, MAX_ATTEMPTS, now),
      outcome: 'dead',
      error: 'delivery consumer failed on every attempt',
    })
    log.counters.dead++
    message.ack()
  }
  await saveLog(deps.kv, log, (line) => console.error(line))
}
