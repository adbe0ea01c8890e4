// Pacing and coalescing for one destination: pure decisions over a token bucket and a list of
// alerts. The bucket itself is kept by the delivery ledger (src/store/ledger.ts), which calls
// `takeTokens` inside its single-threaded Durable Object so two consumers never spend one token.
// Not responsible for sending, holding or retrying: the consumer does that with the plan.
//
// The model (docs/delivery.md, "Pacing"): a bucket of BURST_TOKENS tokens, refilled one token per
// `channel.minIntervalMs` (the service's documented pace). A batch whose alerts fit the tokens goes
// out one message per alert. When it does not fit, the alerts of each watch are coalesced into one
// `burst` message ("12 new matches for …"); what still does not fit is held and sent when the next
// token is due. A destination that answered with Retry-After is blocked until then.
import type { Alert } from '../model'
import type { Outgoing } from './channel'

/**
 * One token of depth: a destination that sent a message within its interval gets the next alerts
 * coalesced rather than sent back-to-back. Deeper buckets would let a burst through unmerged
 * before coalescing starts, which is what users asked not to get.
 */
export const BURST_TOKENS = 1

export interface Bucket {
  tokens: number
  /** Epoch ms of the last refill. */
  at: number
}

export interface PaceGrant {
  bucket: Bucket
  /** Messages that may be sent now. */
  granted: number
  /** Whether the alerts must be coalesced (the batch did not fit as one message per alert). */
  coalesce: boolean
  /** Epoch ms when the next token is due (for holding what was not granted). */
  nextAt: number
}

/** The bucket refilled up to `now`. A missing bucket is full. */
export function refill(bucket: Bucket | undefined, now: number, intervalMs: number): Bucket {
  if (!bucket || intervalMs <= 0) return { tokens: BURST_TOKENS, at: now }
  const earned = Math.max(0, now - bucket.at) / intervalMs
  return { tokens: Math.min(BURST_TOKENS, bucket.tokens + earned), at: now }
}

/**
 * Spends tokens for a batch that would be `individual` messages sent one per alert, or
 * `coalesced` messages once merged per watch. `blockedUntil` (a Retry-After) grants nothing.
 */
export function takeTokens(
  bucket: Bucket | undefined,
  now: number,
  intervalMs: number,
  individual: number,
  coalesced: number,
  blockedUntil = 0,
): PaceGrant {
  if (now < blockedUntil) {
    const kept = bucket ?? { tokens: BURST_TOKENS, at: now }
    return { bucket: kept, granted: 0, coalesce: individual > 1, nextAt: blockedUntil }
  }
  if (intervalMs <= 0) {
    return { bucket: refill(bucket, now, 0), granted: individual, coalesce: false, nextAt: now }
  }
  const full = refill(bucket, now, intervalMs)
  const whole = Math.floor(full.tokens + 1e-9)
  const coalesce = individual > whole
  const granted = Math.min(whole, coalesce ? coalesced : individual)
  const left = full.tokens - granted
  // The epsilon keeps float dust (0.999 tokens) from adding a millisecond.
  const nextAt = now + Math.ceil(Math.max(0, 1 - left) * intervalMs - 1e-6)
  return { bucket: { tokens: left, at: now }, granted, coalesce, nextAt }
}

/** Alerts of one watch merged into one message (`alert` when there is only one). */
export interface PlannedMessage {
  message: Outgoing
  watchId: string
}

/**
 * The messages for `alerts` (in order): one per alert, or, when coalescing, one per watch in the
 * order each watch first appears. Pure.
 */
export function planMessages(alerts: readonly Alert[], coalesce: boolean): PlannedMessage[] {
  if (!coalesce) {
    return alerts.map((a) => ({ message: { kind: 'alert', alerts: [a] }, watchId: a.watch.id }))
  }
  const byWatch = new Map<string, Alert[]>()
  for (const alert of alerts) {
    const list = byWatch.get(alert.watch.id)
    if (list) list.push(alert)
    else byWatch.set(alert.watch.id, [alert])
  }
  return [...byWatch].map(([watchId, list]) => ({
    message: { kind: list.length === 1 ? 'alert' : 'burst', alerts: list },
    watchId,
  }))
}

/** How many messages `alerts` make once coalesced per watch. */
export function coalescedCount(alerts: readonly Alert[]): number {
  return new Set(alerts.map((a) => a.watch.id)).size
}
