// One interface for every notification service (docs/architecture.md, "Conventions"). A channel turns a message (one
// alert, or several rendered as one: a coalesced burst or a digest) into the service's request,
// sends it, and classifies the answer; the consumer owns retries, pacing, dead letters and the
// log, so a channel never retries by itself.
//
// Classification: a channel returns normally only when the service took the message. Otherwise
// it throws a DeliveryError whose `retryable` says "try again" (with `retryAfterSeconds` when the
// service named a delay) or "permanent" (the destination is gone, refused, or misconfigured).
import type { Alert, Destination, DestinationType } from '../model'

export interface ChannelDeps {
  fetch: typeof fetch
  now: Date
  /** The `send_email` binding (email channel only). */
  email?: SendEmail
  /** Sender address for email (`EMAIL_FROM`). */
  emailFrom?: string
}

/**
 * What one call sends. `alert`: a single match. `burst`: several matches of one watch that came
 * faster than the destination's pace, sent as one message ("12 new matches for …"). `digest`: a
 * destination's or watch's batched alerts on its schedule.
 */
export interface Outgoing {
  kind: 'alert' | 'burst' | 'digest'
  /** At least one; for `alert` exactly one. */
  alerts: readonly Alert[]
}

export interface SendResult {
  status: number
  /**
   * The service took the message but said this destination's allowance is spent for this many
   * seconds (Discord's `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset-After`): nothing more is
   * sent to it before then; what comes meanwhile is held and coalesced.
   */
  pauseSeconds?: number
}

export interface Channel {
  readonly type: DestinationType
  /**
   * The service's documented pace for one destination: the smallest gap, in milliseconds, between
   * two messages (0: no pace to keep, e.g. a machine receiver).
   */
  readonly minIntervalMs: number
  /** Sends one message. Throws DeliveryError (with `retryable`) when the service did not take it. */
  send(message: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult>
}
