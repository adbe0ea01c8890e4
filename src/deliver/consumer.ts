// The deliveries queue consumer: sends each alert through its destination's channel — paced,
// coalesced into bursts, or held for a digest — retries with backoff, parks what cannot be
// delivered as dead letters, and records every outcome in the delivery ledger (its single writer,
// src/store/ledger.ts). Not responsible for rendering (the channels) nor for when held alerts fall
// due (the ledger's alarm enqueues a flush request, handled here like any message).
//
// Promises kept here (docs/delivery.md):
// - every alert ends in exactly one of: delivered, retried later, held for a burst or digest,
//   parked (dead letter), or dropped because its destination was deleted or paused — each logged;
// - an alert id is claimed in the ledger before it is sent and released if the send fails, so
//   concurrent consumers and repeated ticks never deliver one alert id twice;
// - destinations are served concurrently, each in order: a slow receiver delays only itself;
// - a destination that answers permanently DISABLE_AFTER_PERMANENT times in a row is disabled, and
//   the alerts waiting for it are parked, never dropped.
import type { Alert, Destination, DestinationType } from '../model'
import { DeliveryError, errorMessage } from '../lib/errors'
import { redactUrlsIn } from '../lib/redact'
import { destinationFailingEvent, healthAlerts } from '../monitor/health-events'
import type { ConfigDoc } from '../store/config'
import {
  claimAlerts,
  deferHeldAlerts,
  holdAlerts,
  paceDestination,
  parkDeadLetters,
  settleDeliveries,
  takeHeldAlerts,
  type DeadLetter,
  type DeliveryEnv,
  type DeliveryRecord,
  type FlushRequest,
  type Settlement,
} from '../store/deliveries'
import type { Channel, Outgoing } from './channel'
import { CHANNELS } from './channels'
import { nextDigestAt } from './digest-schedule'
import { coalescedCount, planMessages } from './pacing'
import { MAX_ATTEMPTS, retryDelaySeconds } from './retry'

/** What travels through the deliveries queue: an alert, or the ledger asking for held alerts. */
export type DeliveryMessage = Alert | FlushRequest

/**
 * How long an alert claimed by another consumer waits before it is looked at again: that consumer
 * is sending it now, and will have settled it by then unless it died.
 */
const BUSY_RETRY_SECONDS = 30

export interface ConsumerDeps {
  /** The Worker's env: the delivery ledger's binding. */
  env: DeliveryEnv
  config: ConfigDoc
  fetch: typeof fetch
  now: () => Date
  random: () => number
  retryDelays: number[]
  /** The channel table (default: the registry in channels.ts). */
  channels?: Partial<Record<DestinationType, Channel>>
  email?: SendEmail
  emailFrom?: string
  log?: (line: string) => void
  /** Sends health alerts (docs/health.md) to the deliveries queue; absent, none are sent. */
  announce?: (alerts: Alert[]) => Promise<void>
}

const isFlush = (body: DeliveryMessage): body is FlushRequest => 'flush' in body

function recordFor(
  alert: Alert,
  outcome: DeliveryRecord['outcome'],
  attempt: number,
  now: Date,
  extra: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  return {
    alertId: alert.id,
    destinationId: alert.destinationId,
    watchId: alert.watch.id,
    feedId: alert.feed.id,
    title: alert.item.title,
    outcome,
    attempt,
    at: now.toISOString(),
    ...extra,
  }
}

export async function consumeDeliveries(
  batch: MessageBatch<DeliveryMessage>,
  deps: ConsumerDeps,
): Promise<void> {
  const settled = new Set<string>()
  const byDestination = new Map<string, Message<DeliveryMessage>[]>()
  for (const message of batch.messages) {
    const body = message.body
    const id = isFlush(body) ? body.flush.destinationId : body.destinationId
    const list = byDestination.get(id) ?? []
    list.push(tracked(message, settled))
    byDestination.set(id, list)
  }
  const say = deps.log ?? ((line: string) => console.log(line))
  const groups = [...byDestination]
  const results = await Promise.allSettled(
    groups.map(([id, messages]) => deliverTo(id, messages, deps, say)),
  )
  // A destination whose ledger call failed: its unsettled messages come back later (an explicit
  // retry; an implicit ack would lose them). Logged, not thrown, so the others' outcomes stand.
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return
    const [id, messages] = groups[i]!
    say(`delivery to ${id} failed before settling: ${errorMessage(r.reason)}`)
    for (const m of messages) {
      if (!settled.has(m.id)) m.retry({ delaySeconds: deps.retryDelays[0] ?? 5 })
    }
  })
}

/** The message, noting in `settled` when it is acked or retried. */
function tracked<T>(message: Message<T>, settled: Set<string>): Message<T> {
  return {
    id: message.id,
    timestamp: message.timestamp,
    body: message.body,
    attempts: message.attempts,
    ack: () => {
      settled.add(message.id)
      message.ack()
    },
    retry: (options?: QueueRetryOptions) => {
      settled.add(message.id)
      message.retry(options)
    },
  }
}

/** One destination's share of a batch, in order. */
async function deliverTo(
  destinationId: string,
  messages: Message<DeliveryMessage>[],
  deps: ConsumerDeps,
  say: (line: string) => void,
): Promise<void> {
  const now = deps.now()
  const destination = deps.config.destinations.find((d) => d.id === destinationId)
  const flushes = messages.filter((m) => isFlush(m.body)) as Message<FlushRequest>[]
  const alerts = messages.filter((m) => !isFlush(m.body)) as Message<Alert>[]

  if (!destination || !destination.enabled) {
    const records = alerts.map((m) =>
      recordFor(m.body, 'dropped', m.attempts, now, {
        error: 'destination deleted or paused',
      }),
    )
    if (records.length > 0) await settleDeliveries(deps.env, [{ type: 'dropped', records }], now)
    for (const m of alerts) m.ack()
    // Held alerts of a deleted or paused destination are parked, not lost: replay can send them.
    for (const f of flushes) {
      const groups = await takeHeldAlerts(deps.env, destinationId, f.body.flush.dueBy, now)
      const held = groups.flatMap((g) => g.alerts)
      await park(deps, held, 'destination deleted or paused', f.attempts, now)
      f.ack()
    }
    return
  }
  const channel = (deps.channels ?? CHANNELS)[destination.type]
  const sender = new Sender(destination, channel, deps, say)

  // Held alerts first: they are older than anything in this batch.
  for (const f of flushes) await sender.flush(f)
  if (alerts.length > 0) await sender.fresh(alerts)
}

async function park(
  deps: Pick<ConsumerDeps, 'env'>,
  alerts: Alert[],
  error: string,
  attempts: number,
  now: Date,
): Promise<void> {
  if (alerts.length === 0) return
  const letters: DeadLetter[] = alerts.map((alert) => ({
    alert,
    error,
    attempts,
    at: now.toISOString(),
  }))
  const records = alerts.map((a) => recordFor(a, 'dead', attempts, now, { error }))
  await parkDeadLetters(deps.env, letters, records, now)
}

/** A message to send, with what settles it: the queue messages of its alerts, or a flush. */
interface Planned {
  message: Outgoing
  attempt: number
  /** Queue messages carrying these alerts (fresh alerts), or the flush request (held alerts). */
  settle: Array<Message<unknown>>
}

/** Sends one destination's messages in order, settling each in the ledger. */
class Sender {
  /** Set when the destination failed in this batch: the rest waits with it. */
  private failed: { delaySeconds: number; reason: string; blockedUntil?: number } | null = null
  private disabledReason: string | null = null
  /** Set when the service asked for a pause after a delivered message (epoch ms). */
  private pausedUntil = 0

  constructor(
    private readonly destination: Destination,
    private readonly channel: Channel | undefined,
    private readonly deps: ConsumerDeps,
    private readonly say: (line: string) => void,
  ) {}

  /** Alerts fresh from a tick (or a replay). */
  async fresh(all: Message<Alert>[]): Promise<void> {
    const { deps, destination } = this
    const now = deps.now()
    // One alert id twice in one batch (a tick that enqueued, died before committing, and enqueued
    // again): the first copy is sent, the others are duplicates. Claimed together, the second copy
    // would find the first one's claim and wait out its lease.
    const messages: Message<Alert>[] = []
    const repeats: Message<Alert>[] = []
    const ids = new Set<string>()
    for (const m of all) {
      if (ids.has(m.body.id)) repeats.push(m)
      else {
        ids.add(m.body.id)
        messages.push(m)
      }
    }
    if (repeats.length > 0) {
      const records = repeats.map((m) => recordFor(m.body, 'duplicate', m.attempts, now))
      await settleDeliveries(deps.env, [{ type: 'duplicate', records }], now)
      for (const m of repeats) m.ack()
    }
    const claim = await claimAlerts(
      deps.env,
      destination.id,
      messages.map((m) => m.body.id),
      now,
    )
    if (claim.disabledReason) {
      const reason = `destination disabled: ${claim.disabledReason}`
      const attempts = Math.max(...messages.map((m) => m.attempts))
      await park(
        deps,
        messages.map((m) => m.body),
        reason,
        attempts,
        now,
      )
      for (const m of messages) m.ack()
      return
    }
    const duplicates = new Set(claim.duplicates)
    const busy = new Set(claim.busy)
    const dupRecords: DeliveryRecord[] = []
    const mine: Message<Alert>[] = []
    for (const m of messages) {
      if (duplicates.has(m.body.id)) {
        dupRecords.push(recordFor(m.body, 'duplicate', m.attempts, now))
        m.ack()
      } else if (busy.has(m.body.id)) {
        m.retry({ delaySeconds: BUSY_RETRY_SECONDS })
      } else mine.push(m)
    }
    if (dupRecords.length > 0) {
      await settleDeliveries(deps.env, [{ type: 'duplicate', records: dupRecords }], now)
    }
    if (mine.length === 0) return

    // Digest mode (the destination's, else the watch's): held until the schedule says.
    const instant: Message<Alert>[] = []
    for (const m of mine) {
      const schedule = this.digestFor(m.body)
      if (!schedule) {
        instant.push(m)
        continue
      }
      await holdAlerts(
        deps.env,
        destination.id,
        { kind: 'digest', groupKey: schedule.key, dueAt: nextDigestAt(schedule.schedule, now) },
        [m.body],
        [recordFor(m.body, 'held', m.attempts, now, { kind: 'digest' })],
        now,
      )
      m.ack()
    }
    if (instant.length === 0) return

    // A Retry-After in force: hold them (per watch) until it ends, then they go out coalesced.
    if (claim.blockedUntil) {
      await this.holdPaced(instant, new Date(claim.blockedUntil), now)
      return
    }
    const alerts = instant.map((m) => m.body)
    const grant = await this.pace(alerts, now)
    const plan = planMessages(alerts, grant.coalesce)
    const byAlert = new Map(instant.map((m) => [m.body.id, m]))
    const send = plan.slice(0, grant.granted)
    const wait = plan.slice(grant.granted)
    if (wait.length > 0) {
      const held = wait.flatMap((p) => p.message.alerts.map((a) => byAlert.get(a.id)!))
      await this.holdPaced(held, new Date(grant.nextAt), now)
    }
    for (const p of send) {
      const carriers = p.message.alerts.map((a) => byAlert.get(a.id)!)
      await this.send({
        message: p.message,
        attempt: Math.max(...carriers.map((c) => c.attempts)),
        settle: carriers,
      })
    }
  }

  /** A flush request from the ledger: its due held alerts, as digests and paced bursts. */
  async flush(request: Message<FlushRequest>): Promise<void> {
    const { deps, destination } = this
    const now = deps.now()
    const groups = await takeHeldAlerts(deps.env, destination.id, request.body.flush.dueBy, now)
    const planned: Planned[] = []
    for (const g of groups.filter((g) => g.kind === 'digest')) {
      planned.push({
        message: { kind: 'digest', alerts: g.alerts },
        attempt: request.attempts,
        settle: [request],
      })
    }
    const paced = groups.filter((g) => g.kind === 'burst').flatMap((g) => g.alerts)
    if (paced.length > 0) {
      const grant = await this.pace(paced, now)
      const plan = planMessages(paced, grant.coalesce)
      const wait = plan.slice(grant.granted).flatMap((p) => p.message.alerts.map((a) => a.id))
      if (wait.length > 0) await deferHeldAlerts(deps.env, wait, new Date(grant.nextAt), now)
      for (const p of plan.slice(0, grant.granted)) {
        planned.push({ message: p.message, attempt: request.attempts, settle: [request] })
      }
    }
    for (const p of planned) await this.send(p)
    // Held alerts settle in the ledger; the request itself is done unless a send asked to retry
    // it (then `send` already called retry, and this ack is ignored by the platform).
    if (!this.failed) request.ack()
  }

  private digestFor(alert: Alert) {
    const d = this.destination
    if (d.mode === 'digest' && d.digest) return { key: 'destination', schedule: d.digest }
    const watch = this.deps.config.watches.find((w) => w.id === alert.watch.id)
    if (watch?.mode === 'digest' && watch.digest) {
      return { key: `watch:${watch.id}`, schedule: watch.digest }
    }
    return null
  }

  private async pace(alerts: Alert[], now: Date) {
    const interval = this.channel?.minIntervalMs ?? 0
    return paceDestination(
      this.deps.env,
      this.destination.id,
      now,
      interval,
      alerts.length,
      coalescedCount(alerts),
    )
  }

  private async holdPaced(messages: Message<Alert>[], dueAt: Date, now: Date): Promise<void> {
    const byWatch = new Map<string, Message<Alert>[]>()
    for (const m of messages) {
      byWatch.set(m.body.watch.id, [...(byWatch.get(m.body.watch.id) ?? []), m])
    }
    for (const [watchId, list] of byWatch) {
      await holdAlerts(
        this.deps.env,
        this.destination.id,
        { kind: 'burst', groupKey: watchId, dueAt },
        list.map((m) => m.body),
        list.map((m) => recordFor(m.body, 'held', m.attempts, now, { kind: 'burst' })),
        now,
      )
      for (const m of list) m.ack()
    }
  }

  /** Holds a planned message's alerts until `dueAt`: fresh ones join the held, held ones wait on. */
  private async holdUntil(p: Planned, dueAt: Date, now: Date): Promise<void> {
    // A planned message settles either fresh alert messages or one flush request, never both.
    const fromFlush = p.settle.some((m) => isFlush(m.body as DeliveryMessage))
    if (fromFlush) {
      // Held alerts stay held, due later; flush() acks the request once its plan is done.
      const ids = p.message.alerts.map((a) => a.id)
      await deferHeldAlerts(this.deps.env, ids, dueAt, now)
    } else {
      await this.holdPaced(p.settle as Message<Alert>[], dueAt, now)
    }
  }

  /** Sends one message and settles it: delivered, retried, or parked. */
  private async send(p: Planned): Promise<void> {
    const { deps, destination } = this
    const now = deps.now()
    const alerts = [...p.message.alerts]
    const ids = alerts.map((a) => a.id)
    const kind = p.message.kind
    const extra = { kind, count: alerts.length }

    if (this.disabledReason !== null) {
      await park(deps, alerts, `destination disabled: ${this.disabledReason}`, p.attempt, now)
      for (const m of p.settle) m.ack()
      return
    }
    if (this.failed) {
      // The destination just failed: the rest of its batch waits with it, unsent.
      const { delaySeconds, reason, blockedUntil } = this.failed
      await this.retry(p, alerts, now, { error: `waiting: ${reason}`, delaySeconds, blockedUntil })
      return
    }
    if (this.pausedUntil > now.getTime()) {
      // The service said "no more for now" after the previous message: these wait in the ledger
      // and go out, coalesced, when the pause ends.
      await this.holdUntil(p, new Date(this.pausedUntil), now)
      return
    }
    try {
      if (!this.channel) {
        throw new DeliveryError(`no channel for type ${destination.type}`, {
          channel: destination.type,
          retryable: false,
        })
      }
      const result = await this.channel.send(p.message, destination, {
        fetch: deps.fetch,
        now,
        email: deps.email,
        emailFrom: deps.emailFrom,
      })
      const records = alerts.map((a) =>
        recordFor(a, 'sent', p.attempt, now, { ...extra, status: result.status }),
      )
      const blockedUntil =
        result.pauseSeconds !== undefined && result.pauseSeconds > 0
          ? now.getTime() + result.pauseSeconds * 1000
          : undefined
      if (blockedUntil !== undefined) this.pausedUntil = blockedUntil
      await settleDeliveries(
        deps.env,
        [{ type: 'sent', alertIds: ids, destinationId: destination.id, records, blockedUntil }],
        now,
      )
      for (const m of p.settle) m.ack()
      this.say(
        `delivered ${kind} of ${alerts.length} to ${destination.name} (${destination.type}): ` +
          alerts[0]!.item.title,
      )
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(errorMessage(error), { channel: destination.type, retryable: true })
      // What is logged and stored must not carry the destination URL (it is a credential).
      const reason = redactUrlsIn(failure.message, true)
      if (failure.retryable && p.attempt < MAX_ATTEMPTS) {
        const delaySeconds = retryDelaySeconds(
          p.attempt,
          deps.retryDelays,
          deps.random(),
          failure.retryAfterSeconds,
        )
        const blockedUntil =
          failure.retryAfterSeconds !== undefined
            ? now.getTime() + failure.retryAfterSeconds * 1000
            : undefined
        this.failed = { delaySeconds, reason, blockedUntil }
        await this.retry(p, alerts, now, {
          error: reason,
          status: failure.status,
          delaySeconds,
          blockedUntil,
        })
        this.say(`retrying ${kind} of ${alerts.length} in ${delaySeconds}s: ${reason}`)
        return
      }
      const letters: DeadLetter[] = alerts.map((alert) => ({
        alert,
        error: reason,
        status: failure.status,
        attempts: p.attempt,
        at: now.toISOString(),
      }))
      const records = alerts.map((a) =>
        recordFor(a, 'dead', p.attempt, now, { ...extra, status: failure.status, error: reason }),
      )
      const settled = await settleDeliveries(
        deps.env,
        [
          {
            type: 'dead',
            letters,
            destinationId: destination.id,
            records,
            permanent: !failure.retryable,
            status: failure.status,
            error: reason,
          },
        ],
        now,
      )
      for (const m of p.settle) m.ack()
      if (settled.disabled.includes(destination.id)) {
        this.disabledReason = reason
        this.say(`disabled ${destination.name} after repeated permanent answers: ${reason}`)
        await announceFailing(deps, destination, reason, now)
      }
      this.say(`dead-lettered ${kind} of ${alerts.length} after ${p.attempt} attempt(s): ${reason}`)
    }
  }

  private async retry(
    p: Planned,
    alerts: Alert[],
    now: Date,
    how: { error: string; status?: number; delaySeconds: number; blockedUntil?: number },
  ): Promise<void> {
    const settlement: Settlement = {
      type: 'retry',
      alertIds: alerts.map((a) => a.id),
      destinationId: this.destination.id,
      records: alerts.map((a) =>
        recordFor(a, 'retry', p.attempt, now, {
          kind: p.message.kind,
          status: how.status,
          error: how.error,
          retryInSeconds: how.delaySeconds,
        }),
      ),
      status: how.status,
      error: how.error,
      blockedUntil: how.blockedUntil,
      retryAt: now.getTime() + how.delaySeconds * 1000,
    }
    await settleDeliveries(this.deps.env, [settlement], now)
    for (const m of p.settle) m.retry({ delaySeconds: how.delaySeconds })
  }
}

/**
 * The dead-letter queue's consumer: an alert lands there only if the main consumer threw on every
 * attempt, so no outcome was logged: park it (idempotent by alert id, so counted once). A flush
 * request landing there is dropped: its held alerts stay in the ledger, asked for again later.
 */
/** "destination failing", once: the ledger reports a destination disabled only when it happens. */
async function announceFailing(
  deps: ConsumerDeps,
  destination: Destination,
  reason: string,
  now: Date,
): Promise<void> {
  if (!deps.announce) return
  const event = destinationFailingEvent(destination, reason, now)
  const { healthDestinations = [], destinations, feeds } = deps.config
  const alerts = await healthAlerts([event], healthDestinations, destinations, feeds)
  if (alerts.length) await deps.announce(alerts)
}

export async function consumeDeadLetters(
  batch: MessageBatch<DeliveryMessage>,
  deps: Pick<ConsumerDeps, 'env' | 'now'>,
): Promise<void> {
  const now = deps.now()
  const alerts = batch.messages.filter((m) => !isFlush(m.body)).map((m) => m.body as Alert)
  await park(
    deps as ConsumerDeps,
    alerts,
    'delivery consumer failed on every attempt',
    MAX_ATTEMPTS,
    now,
  )
  batch.ackAll()
}
