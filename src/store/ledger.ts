// The delivery ledger: one Durable Object with SQLite storage, the single writer of everything the
// delivery side remembers — counters, recent outcomes, the claimed/delivered alert ids, dead letters,
// per-destination health (disabled or not, and why), pacing buckets, and alerts held for a paced
// burst or a digest. Called by RPC only through src/store/deliveries.ts.
//
// Why a Durable Object (docs/decisions.md #5): KV has no compare-and-swap and one write per second
// per key, so the consumer, the replay route and the dead-letter consumer lost each other's updates.
// A Durable Object runs one request at a time against its own SQLite database, so every method below
// is atomic, and `claim` can make deduplication race-free across concurrent queue consumers.
//
// Not responsible for sending: its alarm only enqueues a flush request (a queue message) when held
// alerts fall due; the queue consumer sends them. So a held digest is retried like any alert.
import { DurableObject } from 'cloudflare:workers'
import type { Alert } from '../model'
import { takeTokens, type Bucket, type PaceGrant } from '../deliver/pacing'
import { LEGACY_DEAD_LETTER_PREFIX, LEGACY_DELIVERY_LOG } from './keys'

/** Outcomes the log keeps for the status page and /api/deliveries. */
export const RECENT_LIMIT = 100
/**
 * How long a delivered alert id is remembered. An id repeats when a tick is retried, KV served a
 * stale shard (~60 s), or the same story reaches a watch twice: within hours, so a week is ample.
 */
export const DELIVERED_RETENTION_MS = 7 * 24 * 3_600_000
/**
 * A claim older than this is considered abandoned (its consumer died) and may be taken again: the
 * longest a queue consumer invocation may run (15 minutes of wall time).
 */
export const CLAIM_LEASE_MS = 15 * 60_000
/** Dead letters are kept 30 days: long enough to notice and replay, bounded storage. */
export const DEAD_LETTER_RETENTION_MS = 30 * 24 * 3_600_000
/**
 * Permanent answers in a row after which a destination is disabled: one could be a receiver's bad
 * minute (a deploy answering 404), three in a row is a destination that is gone or refuses us.
 */
export const DISABLE_AFTER_PERMANENT = 3
/**
 * A flush request not followed by the held alerts being taken is asked again after this long (the
 * request may have been lost with a dead-lettered queue message).
 */
export const FLUSH_REQUEST_AGAIN_MS = 60 * 60_000

export type DeliveryOutcome =
  'sent' | 'retry' | 'dead' | 'duplicate' | 'dropped' | 'held' | 'disabled'

export interface DeliveryRecord {
  alertId: string
  destinationId: string
  watchId: string
  feedId: string
  title: string
  outcome: DeliveryOutcome
  attempt: number
  /** `alert`, `burst` or `digest` for a sent message; how many alerts it carried. */
  kind?: 'alert' | 'burst' | 'digest'
  count?: number
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
  held: number
}

export interface DestinationHealth {
  id: string
  disabled: boolean
  disabledAt?: string
  disabledReason?: string
  /** Permanent answers in a row (reset by a delivery). */
  permanentFailures: number
  lastStatus?: number
  lastError?: string
  lastDeliveredAt?: string
  /** A Retry-After in force. */
  blockedUntil?: string
  /** Alerts held for a burst or a digest. */
  held: number
}

export interface DeadLetter {
  alert: Alert
  error: string
  status?: number
  attempts: number
  at: string
}

export interface ClaimResult {
  claimed: string[]
  /** Already delivered, or already held for a later message. */
  duplicates: string[]
  /** Being sent by another consumer right now. */
  busy: string[]
  disabledReason?: string
  blockedUntil?: number
}

/** What happened to one message (one or more alerts) for one destination. */
export type Settlement =
  | {
      type: 'sent'
      alertIds: string[]
      destinationId: string
      records: DeliveryRecord[]
      /** The service asked for a pause after this message (see SendResult.pauseSeconds). */
      blockedUntil?: number
    }
  | {
      type: 'retry'
      alertIds: string[]
      destinationId: string
      records: DeliveryRecord[]
      status?: number
      error: string
      blockedUntil?: number
      /** When the queue brings the message back (held alerts are not asked for before). */
      retryAt: number
    }
  | {
      type: 'dead'
      letters: DeadLetter[]
      destinationId: string
      records: DeliveryRecord[]
      /** A permanent answer (counts toward disabling), not an exhausted retry schedule. */
      permanent: boolean
      status?: number
      error: string
    }
  | { type: 'duplicate' | 'dropped'; records: DeliveryRecord[] }

export interface SettleResult {
  /** Letters newly parked (a letter already parked is not counted again). */
  parked: number
  /** Destinations this settlement disabled. */
  disabled: string[]
}

export interface FlushRequest {
  flush: { destinationId: string; dueBy: number }
}

export interface HeldGroup {
  kind: 'burst' | 'digest'
  groupKey: string
  alerts: Alert[]
}

export interface LedgerEnv {
  DELIVERIES: Queue
  /** Read once, to migrate the delivery log and dead letters kept there before the ledger. */
  KV: KVNamespace
}

/** The counters the KV delivery log kept (the ledger's own, less those it added since). */
const LEGACY_COUNTERS = ['sent', 'retried', 'dead', 'duplicates', 'dropped', 'replayed'] as const

/** The delivery log's shape in KV before the ledger (only what the migration reads). */
interface LegacyLog {
  counters?: Partial<Record<string, number>>
  delivered?: string[]
}

type Row = Record<string, SqlStorageValue>

export class DeliveryLedger extends DurableObject<LedgerEnv> {
  private readonly sql: SqlStorage

  constructor(ctx: DurableObjectState, env: LedgerEnv) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS recent (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS claims (
        alert_id TEXT PRIMARY KEY, state TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS claims_at ON claims (state, at);
      CREATE TABLE IF NOT EXISTS dead_letters (
        alert_id TEXT PRIMARY KEY, destination_id TEXT NOT NULL, letter TEXT NOT NULL,
        at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS destinations (
        id TEXT PRIMARY KEY, tokens REAL, refilled_at INTEGER, blocked_until INTEGER NOT NULL DEFAULT 0,
        permanent_failures INTEGER NOT NULL DEFAULT 0, disabled_at INTEGER, disabled_reason TEXT,
        last_status INTEGER, last_error TEXT, last_delivered_at INTEGER);
      CREATE TABLE IF NOT EXISTS held (
        alert_id TEXT PRIMARY KEY, destination_id TEXT NOT NULL, kind TEXT NOT NULL,
        group_key TEXT NOT NULL, due_at INTEGER NOT NULL, taken_until INTEGER NOT NULL DEFAULT 0,
        requested_at INTEGER NOT NULL DEFAULT 0, alert TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS held_due ON held (destination_id, due_at);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `)
    void ctx.blockConcurrencyWhile(() => this.migrateFromKv())
  }

  /**
   * Once, on the ledger's first start in a deployment that kept delivery state in KV: counters
   * and delivered ids from the old log (so a delivered alert stays a duplicate), and every dead
   * letter (so none waiting for a replay is lost). The KV keys are left as they were; dead letters
   * there expire on their own TTL.
   */
  private async migrateFromKv(): Promise<void> {
    const done = this.sql.exec("SELECT value FROM meta WHERE name = 'kv-migrated'").toArray()
    if (done.length > 0) return
    const now = Date.now()
    const raw = await this.env.KV.get(LEGACY_DELIVERY_LOG)
    if (raw !== null) {
      let log: LegacyLog = {}
      try {
        log = JSON.parse(raw) as LegacyLog
      } catch {
        log = {} // an unreadable old log carries nothing worth keeping; dead letters still move
      }
      const known = new Set<string>(LEGACY_COUNTERS)
      for (const [name, value] of Object.entries(log.counters ?? {})) {
        if (known.has(name) && typeof value === 'number' && Number.isFinite(value)) {
          this.count(name as keyof DeliveryCounters, value)
        }
      }
      for (const id of log.delivered ?? []) {
        if (typeof id !== 'string') continue
        this.sql.exec(
          `INSERT OR IGNORE INTO claims (alert_id, state, at) VALUES (?, 'delivered', ?)`,
          id,
          now,
        )
      }
    }
    let cursor: string | undefined
    do {
      const page = await this.env.KV.list({ prefix: LEGACY_DEAD_LETTER_PREFIX, cursor })
      for (const key of page.keys) {
        const text = await this.env.KV.get(key.name)
        if (text === null) continue
        try {
          const letter = JSON.parse(text) as DeadLetter
          this.sql.exec(
            'INSERT OR IGNORE INTO dead_letters (alert_id, destination_id, letter, at) VALUES (?, ?, ?, ?)',
            letter.alert.id,
            letter.alert.destinationId,
            text,
            Date.parse(letter.at) || now,
          )
        } catch {
          continue // not a letter Feedwatch wrote: left in KV, where it expires
        }
      }
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)
    this.sql.exec(
      "INSERT INTO meta (name, value) VALUES ('kv-migrated', ?)",
      new Date(now).toISOString(),
    )
  }

  // ---- reading -------------------------------------------------------------------------------

  log(recentLimit = RECENT_LIMIT): {
    counters: DeliveryCounters
    recent: DeliveryRecord[]
    destinations: DestinationHealth[]
  } {
    const counters: DeliveryCounters = {
      sent: 0,
      retried: 0,
      dead: 0,
      duplicates: 0,
      dropped: 0,
      replayed: 0,
      held: 0,
    }
    for (const row of this.sql.exec('SELECT name, value FROM counters')) {
      const name = row.name as keyof DeliveryCounters
      if (name in counters) counters[name] = Number(row.value)
    }
    const recent = this.sql
      .exec('SELECT record FROM recent ORDER BY seq DESC LIMIT ?', recentLimit)
      .toArray()
      .map((r) => JSON.parse(String(r.record)) as DeliveryRecord)
    const heldBy = new Map<string, number>()
    for (const r of this.sql.exec(
      'SELECT destination_id, COUNT(*) AS n FROM held GROUP BY destination_id',
    )) {
      heldBy.set(String(r.destination_id), Number(r.n))
    }
    const destinations = this.sql
      .exec('SELECT * FROM destinations ORDER BY id')
      .toArray()
      .map((r) => health(r, heldBy.get(String(r.id)) ?? 0))
    return { counters, recent, destinations }
  }

  deadLetters(limit: number): DeadLetter[] {
    return this.sql
      .exec('SELECT letter FROM dead_letters ORDER BY at DESC, alert_id LIMIT ?', limit)
      .toArray()
      .map((r) => JSON.parse(String(r.letter)) as DeadLetter)
  }

  deadLetter(alertId: string): DeadLetter | null {
    const row = this.sql
      .exec('SELECT letter FROM dead_letters WHERE alert_id = ?', alertId)
      .toArray()[0]
    return row ? (JSON.parse(String(row.letter)) as DeadLetter) : null
  }

  destination(id: string): DestinationHealth | null {
    const row = this.sql.exec('SELECT * FROM destinations WHERE id = ?', id).toArray()[0]
    const held = Number(
      this.sql.exec('SELECT COUNT(*) AS n FROM held WHERE destination_id = ?', id).one().n,
    )
    return row ? health(row, held) : null
  }

  // ---- claiming and settling -----------------------------------------------------------------

  /**
   * Claims alert ids for sending to one destination. An id already delivered or held is a
   * duplicate; one claimed by another consumer within the lease is busy; a disabled destination
   * claims nothing.
   */
  claim(destinationId: string, alertIds: string[], now: number): ClaimResult {
    const dest = this.sql
      .exec('SELECT disabled_reason, blocked_until FROM destinations WHERE id = ?', destinationId)
      .toArray()[0]
    const result: ClaimResult = { claimed: [], duplicates: [], busy: [] }
    if (dest?.disabled_reason) {
      result.disabledReason = String(dest.disabled_reason)
      return result
    }
    const blocked = Number(dest?.blocked_until ?? 0)
    if (blocked > now) result.blockedUntil = blocked
    for (const id of alertIds) {
      const row = this.sql.exec('SELECT state, at FROM claims WHERE alert_id = ?', id).toArray()[0]
      if (row && row.state !== 'sending') {
        result.duplicates.push(id)
      } else if (row && Number(row.at) + CLAIM_LEASE_MS > now) {
        result.busy.push(id)
      } else {
        this.sql.exec(
          `INSERT INTO claims (alert_id, state, at) VALUES (?, 'sending', ?)
           ON CONFLICT (alert_id) DO UPDATE SET state = 'sending', at = excluded.at`,
          id,
          now,
        )
        result.claimed.push(id)
      }
    }
    return result
  }

  /** Spends pacing tokens for a destination (see src/deliver/pacing.ts). */
  pace(
    destinationId: string,
    now: number,
    intervalMs: number,
    individual: number,
    coalesced: number,
  ): PaceGrant {
    const row = this.sql
      .exec(
        'SELECT tokens, refilled_at, blocked_until FROM destinations WHERE id = ?',
        destinationId,
      )
      .toArray()[0]
    const bucket: Bucket | undefined =
      row && row.tokens !== null
        ? { tokens: Number(row.tokens), at: Number(row.refilled_at) }
        : undefined
    const grant = takeTokens(
      bucket,
      now,
      intervalMs,
      individual,
      coalesced,
      Number(row?.blocked_until ?? 0),
    )
    this.ensureDestination(destinationId)
    this.sql.exec(
      'UPDATE destinations SET tokens = ?, refilled_at = ? WHERE id = ?',
      grant.bucket.tokens,
      grant.bucket.at,
      destinationId,
    )
    return grant
  }

  /** Records what happened to a batch's messages, in one transaction. */
  async settle(settlements: Settlement[], now: number): Promise<SettleResult> {
    const result: SettleResult = { parked: 0, disabled: [] }
    this.ctx.storage.transactionSync(() => {
      for (const s of settlements) {
        switch (s.type) {
          case 'sent':
            for (const id of s.alertIds) {
              this.sql.exec(
                `INSERT INTO claims (alert_id, state, at) VALUES (?, 'delivered', ?)
                 ON CONFLICT (alert_id) DO UPDATE SET state = 'delivered', at = excluded.at`,
                id,
                now,
              )
              this.sql.exec('DELETE FROM held WHERE alert_id = ?', id)
            }
            this.count('sent', s.alertIds.length)
            this.ensureDestination(s.destinationId)
            this.sql.exec(
              `UPDATE destinations SET permanent_failures = 0, last_status = NULL,
               last_error = NULL, last_delivered_at = ?, blocked_until = MAX(blocked_until, ?)
               WHERE id = ?`,
              now,
              s.blockedUntil ?? 0,
              s.destinationId,
            )
            break
          case 'retry':
            for (const id of s.alertIds) this.releaseOne(id, s.retryAt)
            this.count('retried', s.alertIds.length)
            this.ensureDestination(s.destinationId)
            this.sql.exec(
              `UPDATE destinations SET last_status = ?, last_error = ?,
               blocked_until = MAX(blocked_until, ?) WHERE id = ?`,
              s.status ?? null,
              s.error,
              s.blockedUntil ?? 0,
              s.destinationId,
            )
            break
          case 'dead':
            for (const letter of s.letters) result.parked += this.park(letter, now)
            this.ensureDestination(s.destinationId)
            this.sql.exec(
              `UPDATE destinations SET last_status = ?, last_error = ?,
               permanent_failures = permanent_failures + ? WHERE id = ?`,
              s.status ?? null,
              s.error,
              s.permanent ? 1 : 0,
              s.destinationId,
            )
            if (s.permanent && this.disableIfDue(s.destinationId, s.error, now)) {
              result.disabled.push(s.destinationId)
              result.parked += this.parkHeld(s.destinationId, s.error, now)
            }
            break
          case 'duplicate':
            this.count('duplicates', s.records.length)
            break
          case 'dropped':
            this.count('dropped', s.records.length)
            break
        }
        this.remember(s.records)
      }
      this.prune(now)
    })
    await this.arm(now)
    return result
  }

  /**
   * Parks alerts as dead letters outside a send (a disabled destination, the dead-letter queue).
   * Idempotent by alert id: a letter already parked is neither stored nor counted twice.
   */
  parkAll(letters: DeadLetter[], records: DeliveryRecord[], now: number): number {
    let parked = 0
    this.ctx.storage.transactionSync(() => {
      for (const letter of letters) parked += this.park(letter, now)
      this.remember(records)
    })
    return parked
  }

  /** Takes a dead letter for replay; null when there is none (so one replay counts once). */
  takeDeadLetter(alertId: string): DeadLetter | null {
    const letter = this.deadLetter(alertId)
    if (!letter) return null
    this.sql.exec('DELETE FROM dead_letters WHERE alert_id = ?', alertId)
    this.count('replayed', 1)
    return letter
  }

  /** Puts back a dead letter whose replay could not be enqueued. */
  restoreDeadLetter(letter: DeadLetter): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO dead_letters (alert_id, destination_id, letter, at) VALUES (?, ?, ?, ?)',
      letter.alert.id,
      letter.alert.destinationId,
      JSON.stringify(letter),
      Date.parse(letter.at),
    )
    this.count('replayed', -1)
  }

  /** Re-enables a disabled destination: its permanent-failure count starts again from zero. */
  enable(destinationId: string): boolean {
    const row = this.sql
      .exec('SELECT disabled_reason FROM destinations WHERE id = ?', destinationId)
      .toArray()[0]
    this.sql.exec(
      `UPDATE destinations SET disabled_at = NULL, disabled_reason = NULL, permanent_failures = 0,
       blocked_until = 0 WHERE id = ?`,
      destinationId,
    )
    return Boolean(row?.disabled_reason)
  }

  // ---- held alerts: paced bursts and digests --------------------------------------------------

  /** Holds alerts until `dueAt` (idempotent by alert id), and arms the alarm. */
  async hold(
    destinationId: string,
    kind: 'burst' | 'digest',
    groupKey: string,
    dueAt: number,
    alerts: Alert[],
    records: DeliveryRecord[],
    now: number,
  ): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.ensureDestination(destinationId)
      for (const alert of alerts) {
        this.sql.exec(
          `INSERT OR IGNORE INTO held (alert_id, destination_id, kind, group_key, due_at, alert)
           VALUES (?, ?, ?, ?, ?, ?)`,
          alert.id,
          destinationId,
          kind,
          groupKey,
          dueAt,
          JSON.stringify(alert),
        )
        this.sql.exec(
          `INSERT INTO claims (alert_id, state, at) VALUES (?, 'held', ?)
           ON CONFLICT (alert_id) DO UPDATE SET state = 'held', at = excluded.at`,
          alert.id,
          now,
        )
      }
      this.count('held', alerts.length)
      this.remember(records)
    })
    await this.arm(now)
  }

  /**
   * Takes a destination's held alerts due by `dueBy` for sending, leased so that no other consumer
   * takes them meanwhile. Grouped as they were held (one digest, or one watch's paced alerts).
   */
  takeHeld(destinationId: string, dueBy: number, now: number): HeldGroup[] {
    const rows = this.sql
      .exec(
        `SELECT alert_id, kind, group_key, alert FROM held
         WHERE destination_id = ? AND due_at <= ? AND taken_until <= ? ORDER BY due_at, rowid`,
        destinationId,
        dueBy,
        now,
      )
      .toArray()
    const groups = new Map<string, HeldGroup>()
    for (const row of rows) {
      this.sql.exec(
        'UPDATE held SET taken_until = ? WHERE alert_id = ?',
        now + CLAIM_LEASE_MS,
        row.alert_id,
      )
      const kind = row.kind === 'digest' ? 'digest' : 'burst'
      const key = `${kind}\u0000${String(row.group_key)}`
      const group = groups.get(key) ?? { kind, groupKey: String(row.group_key), alerts: [] }
      group.alerts.push(JSON.parse(String(row.alert)) as Alert)
      groups.set(key, group)
    }
    return [...groups.values()]
  }

  /** Held alerts not granted a pacing token: due again at `dueAt`, asked for then. */
  async defer(alertIds: string[], dueAt: number, now: number): Promise<void> {
    for (const id of alertIds) {
      this.sql.exec(
        'UPDATE held SET taken_until = 0, due_at = ?, requested_at = 0 WHERE alert_id = ?',
        dueAt,
        id,
      )
    }
    await this.arm(now)
  }

  /**
   * Enqueues one flush request per destination with held alerts due by `now`. The alarm calls it;
   * the tests call it with a chosen `now`.
   */
  async requestDue(now: number): Promise<number> {
    const due = this.sql
      .exec(
        `SELECT DISTINCT destination_id FROM held
         WHERE due_at <= ? AND taken_until <= ? AND requested_at + ? <= ?`,
        now,
        now,
        FLUSH_REQUEST_AGAIN_MS,
        now,
      )
      .toArray()
      .map((r) => String(r.destination_id))
    if (due.length > 0) {
      const requests: FlushRequest[] = due.map((destinationId) => ({
        flush: { destinationId, dueBy: now },
      }))
      await this.env.DELIVERIES.sendBatch(requests.map((body) => ({ body })))
      for (const id of due) {
        this.sql.exec(
          'UPDATE held SET requested_at = ? WHERE destination_id = ? AND due_at <= ?',
          now,
          id,
          now,
        )
      }
    }
    await this.arm(now)
    return due.length
  }

  override async alarm(): Promise<void> {
    await this.requestDue(Date.now())
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The alarm at the earliest moment a held alert needs asking for. */
  private async arm(now: number): Promise<void> {
    const row = this.sql
      .exec(
        `SELECT MIN(MAX(due_at, taken_until, requested_at + ?)) AS at FROM held`,
        FLUSH_REQUEST_AGAIN_MS,
      )
      .one()
    if (row.at === null) {
      await this.ctx.storage.deleteAlarm()
      return
    }
    await this.ctx.storage.setAlarm(Math.max(Number(row.at), now + 1))
  }

  /**
   * Gives an alert back after a failed send. A held one stays held, taken again when its flush
   * request comes back from the queue at `retryAt`; a claimed one may be claimed again.
   */
  private releaseOne(id: string, retryAt: number): void {
    const held = this.sql.exec('SELECT 1 FROM held WHERE alert_id = ?', id).toArray().length > 0
    if (held) {
      this.sql.exec(
        'UPDATE held SET taken_until = 0, requested_at = ? WHERE alert_id = ?',
        retryAt,
        id,
      )
    } else {
      this.sql.exec("DELETE FROM claims WHERE alert_id = ? AND state = 'sending'", id)
    }
  }

  private count(name: keyof DeliveryCounters, by: number): void {
    this.sql.exec(
      `INSERT INTO counters (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
      name,
      by,
    )
  }

  private remember(records: DeliveryRecord[]): void {
    for (const r of records)
      this.sql.exec('INSERT INTO recent (record) VALUES (?)', JSON.stringify(r))
  }

  private ensureDestination(id: string): void {
    this.sql.exec('INSERT OR IGNORE INTO destinations (id) VALUES (?)', id)
  }

  /** Parks one letter; 1 when it was new, 0 when that alert id was already parked. */
  private park(letter: DeadLetter, now: number): number {
    const cursor = this.sql.exec(
      'INSERT OR IGNORE INTO dead_letters (alert_id, destination_id, letter, at) VALUES (?, ?, ?, ?)',
      letter.alert.id,
      letter.alert.destinationId,
      JSON.stringify(letter),
      now,
    )
    const added = cursor.rowsWritten > 0 ? 1 : 0
    this.sql.exec('DELETE FROM claims WHERE alert_id = ?', letter.alert.id)
    this.sql.exec('DELETE FROM held WHERE alert_id = ?', letter.alert.id)
    this.count('dead', added)
    return added
  }

  private disableIfDue(destinationId: string, reason: string, now: number): boolean {
    const row = this.sql
      .exec(
        'SELECT permanent_failures, disabled_reason FROM destinations WHERE id = ?',
        destinationId,
      )
      .one()
    if (row.disabled_reason || Number(row.permanent_failures) < DISABLE_AFTER_PERMANENT)
      return false
    this.sql.exec(
      'UPDATE destinations SET disabled_at = ?, disabled_reason = ? WHERE id = ?',
      now,
      `${DISABLE_AFTER_PERMANENT} permanent failures in a row; last: ${reason}`,
      destinationId,
    )
    return true
  }

  /** A disabled destination's held alerts become dead letters (never dropped). */
  private parkHeld(destinationId: string, reason: string, now: number): number {
    const rows = this.sql
      .exec('SELECT alert FROM held WHERE destination_id = ?', destinationId)
      .toArray()
    let parked = 0
    for (const row of rows) {
      const alert = JSON.parse(String(row.alert)) as Alert
      parked += this.park(
        { alert, error: `destination disabled: ${reason}`, attempts: 0, at: iso(now) },
        now,
      )
    }
    return parked
  }

  private prune(now: number): void {
    this.sql.exec(
      "DELETE FROM claims WHERE state = 'delivered' AND at < ?",
      now - DELIVERED_RETENTION_MS,
    )
    this.sql.exec('DELETE FROM dead_letters WHERE at < ?', now - DEAD_LETTER_RETENTION_MS)
    this.sql.exec('DELETE FROM recent WHERE seq <= (SELECT MAX(seq) FROM recent) - ?', RECENT_LIMIT)
  }
}

const iso = (ms: number): string => new Date(ms).toISOString()

function health(r: Row, held: number): DestinationHealth {
  return {
    id: String(r.id),
    disabled: r.disabled_reason !== null,
    disabledAt: r.disabled_at === null ? undefined : iso(Number(r.disabled_at)),
    disabledReason: r.disabled_reason === null ? undefined : String(r.disabled_reason),
    permanentFailures: Number(r.permanent_failures),
    lastStatus: r.last_status === null ? undefined : Number(r.last_status),
    lastError: r.last_error === null ? undefined : String(r.last_error),
    lastDeliveredAt: r.last_delivered_at === null ? undefined : iso(Number(r.last_delivered_at)),
    blockedUntil: Number(r.blocked_until) > Date.now() ? iso(Number(r.blocked_until)) : undefined,
    held,
  }
}
