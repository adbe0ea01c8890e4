// The delivery log (counters, recent outcomes, recently delivered alert ids) and dead letters.
// The log is one document, read and written once per queue batch; dead letters are one key each,
// because losing one to a concurrent overwrite would lose an alert.
import type { Alert } from '../model'
import { DEAD_LETTER_PREFIX, DEAD_LETTER_TTL_SECONDS, DELIVERY_LOG, deadLetter } from './keys'
import { readJson, writeJson } from './json'

export type DeliveryOutcome = 'sent' | 'retry' | 'dead' | 'duplicate' | 'dropped'

export interface DeliveryRecord {
  alertId: string
  destinationId: string
  watchId: string
  feedId: string
  title: string
  outcome: DeliveryOutcome
  attempt: number
  status?: number
  error?: string
  /** For a retry: seconds until the next attempt. */
  retryInSeconds?: number
  at: string
}

export interface DeliveryCounters {
  sent: number
  retried: number
  dead: number
  duplicates: number
  dropped: number
  replayed: number
}

export interface DeliveryLog {
  schema: 1
  counters: DeliveryCounters
  recent: DeliveryRecord[]
  /** Alert ids delivered recently, oldest first: a second copy of one is not sent again. */
  delivered: string[]
}

/** How many outcomes the log keeps for the status page. */
export const RECENT_LIMIT = 100
/**
 * How many delivered alert ids are remembered for deduplication. An alert id repeats only when a
 * tick is retried or the same story reaches a watch twice, within minutes or hours, so a few
 * thousand ids cover days of traffic for a typical deployment.
 */
export const DELIVERED_LIMIT = 5000

export const emptyLog = (): DeliveryLog => ({
  schema: 1,
  counters: { sent: 0, retried: 0, dead: 0, duplicates: 0, dropped: 0, replayed: 0 },
  recent: [],
  delivered: [],
})

/** The bindings the delivery log and dead letters live in (callers pass the Worker's `env`). */
export type DeliveryEnv = Pick<Env, 'KV'>

export async function loadDeliveryLog(env: DeliveryEnv): Promise<DeliveryLog> {
  return (await readJson<DeliveryLog>(env.KV, DELIVERY_LOG, 1)) ?? emptyLog()
}

export async function saveDeliveryLog(env: DeliveryEnv, log: DeliveryLog): Promise<void> {
  await writeJson(env.KV, DELIVERY_LOG, log)
}

export interface DeadLetter {
  alert: Alert
  error: string
  status?: number
  attempts: number
  at: string
}

export async function parkDeadLetter(env: DeliveryEnv, letter: DeadLetter): Promise<void> {
  await writeJson(env.KV, deadLetter(letter.alert.id), letter, {
    expirationTtl: DEAD_LETTER_TTL_SECONDS,
  })
}

export async function getDeadLetter(env: DeliveryEnv, alertId: string): Promise<DeadLetter | null> {
  const raw = await env.KV.get(deadLetter(alertId))
  return raw === null ? null : (JSON.parse(raw) as DeadLetter)
}

export async function deleteDeadLetter(env: DeliveryEnv, alertId: string): Promise<void> {
  await env.KV.delete(deadLetter(alertId))
}

/** Dead letters, newest first. Uses list(): for the API only, never the tick's hot path. */
export async function listDeadLetters(env: DeliveryEnv, limit = 100): Promise<DeadLetter[]> {
  const listed = await env.KV.list({ prefix: DEAD_LETTER_PREFIX, limit })
  const letters = await Promise.all(
    listed.keys.map((k) =>
      env.KV.get(k.name).then((raw) => (raw ? (JSON.parse(raw) as DeadLetter) : null)),
    ),
  )
  return letters.filter((l): l is DeadLetter => l !== null).sort((a, b) => b.at.localeCompare(a.at))
}
