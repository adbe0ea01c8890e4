// The delivery log, dead letters, destination health, pacing and held alerts: the `env`-taking
// API over the delivery ledger Durable Object (src/store/ledger.ts), its single writer. Callers
// never see the stub; where the ledger lives can change here without touching them.
import type { DeliveryLedger } from './ledger'
import type {
  ClaimResult,
  DeadLetter,
  DeliveryCounters,
  DeliveryRecord,
  DestinationHealth,
  HeldGroup,
  SettleResult,
  Settlement,
} from './ledger'
import type { Alert } from '../model'
import type { PaceGrant } from '../deliver/pacing'

export type {
  ClaimResult,
  DeadLetter,
  DeliveryCounters,
  DeliveryOutcome,
  DeliveryRecord,
  DestinationHealth,
  FlushRequest,
  HeldGroup,
  SettleResult,
  Settlement,
} from './ledger'
export { DISABLE_AFTER_PERMANENT, RECENT_LIMIT } from './ledger'

/** The bindings the delivery ledger lives in (callers pass the Worker's `env`). */
export type DeliveryEnv = { LEDGER: DurableObjectNamespace<DeliveryLedger> }

/** One ledger for the deployment: delivery rates are far below one object's throughput. */
const LEDGER_NAME = 'deliveries'

const ledger = (env: DeliveryEnv) => env.LEDGER.get(env.LEDGER.idFromName(LEDGER_NAME))

/**
 * RPC answers come back typed as their serialisable shape, which widens tuples such as
 * `highlights: [number, number][]`; the values are the ones the ledger stored, so the cast is safe.
 */
const as = <T>(value: unknown): T => value as T

export interface DeliveryLog {
  schema: 1
  counters: DeliveryCounters
  recent: DeliveryRecord[]
  /** Destinations the ledger knows: disabled or not (and why), last error, held alerts. */
  destinations: DestinationHealth[]
}

export async function loadDeliveryLog(env: DeliveryEnv): Promise<DeliveryLog> {
  const log = await ledger(env).log()
  return { schema: 1, ...log }
}

export async function listDeadLetters(env: DeliveryEnv, limit = 100): Promise<DeadLetter[]> {
  return as<DeadLetter[]>(await ledger(env).deadLetters(limit))
}

export async function getDeadLetter(env: DeliveryEnv, alertId: string): Promise<DeadLetter | null> {
  return as<DeadLetter | null>(await ledger(env).deadLetter(alertId))
}

/** Takes a dead letter out for replay (counted once); null when there is none. */
export async function takeDeadLetter(
  env: DeliveryEnv,
  alertId: string,
): Promise<DeadLetter | null> {
  return as<DeadLetter | null>(await ledger(env).takeDeadLetter(alertId))
}

export async function restoreDeadLetter(env: DeliveryEnv, letter: DeadLetter): Promise<void> {
  await ledger(env).restoreDeadLetter(letter)
}

/** Parks letters (idempotent by alert id); answers how many were new. */
export async function parkDeadLetters(
  env: DeliveryEnv,
  letters: DeadLetter[],
  records: DeliveryRecord[],
  now: Date,
): Promise<number> {
  return ledger(env).parkAll(letters, records, now.getTime())
}

export async function destinationHealth(
  env: DeliveryEnv,
  destinationId: string,
): Promise<DestinationHealth | null> {
  return ledger(env).destination(destinationId)
}

/** Clears the ledger's disabled state; true when the destination was disabled. */
export async function enableDestination(env: DeliveryEnv, destinationId: string): Promise<boolean> {
  return ledger(env).enable(destinationId)
}

export async function claimAlerts(
  env: DeliveryEnv,
  destinationId: string,
  alertIds: string[],
  now: Date,
): Promise<ClaimResult> {
  return ledger(env).claim(destinationId, alertIds, now.getTime())
}

export async function paceDestination(
  env: DeliveryEnv,
  destinationId: string,
  now: Date,
  intervalMs: number,
  individual: number,
  coalesced: number,
): Promise<PaceGrant> {
  return ledger(env).pace(destinationId, now.getTime(), intervalMs, individual, coalesced)
}

export async function settleDeliveries(
  env: DeliveryEnv,
  settlements: Settlement[],
  now: Date,
): Promise<SettleResult> {
  return ledger(env).settle(settlements, now.getTime())
}

export async function holdAlerts(
  env: DeliveryEnv,
  destinationId: string,
  hold: { kind: 'burst' | 'digest'; groupKey: string; dueAt: Date },
  alerts: Alert[],
  records: DeliveryRecord[],
  now: Date,
): Promise<void> {
  await ledger(env).hold(
    destinationId,
    hold.kind,
    hold.groupKey,
    hold.dueAt.getTime(),
    alerts,
    records,
    now.getTime(),
  )
}

export async function takeHeldAlerts(
  env: DeliveryEnv,
  destinationId: string,
  dueBy: number,
  now: Date,
): Promise<HeldGroup[]> {
  return as<HeldGroup[]>(await ledger(env).takeHeld(destinationId, dueBy, now.getTime()))
}

export async function deferHeldAlerts(
  env: DeliveryEnv,
  alertIds: string[],
  dueAt: Date,
  now: Date,
): Promise<void> {
  await ledger(env).defer(alertIds, dueAt.getTime(), now.getTime())
}

/**
 * Asks the ledger to enqueue a flush request for every destination with held alerts due by `now`
 * (what its alarm does; answers how many it enqueued).
 */
export async function requestDueFlushes(env: DeliveryEnv, now: Date): Promise<number> {
  return ledger(env).requestDue(now.getTime())
}
