// The configuration's single writer: a Durable Object with SQLite storage (free plan) that holds the
// whole configuration document as one JSON row with its version, and the tick lease.
//
// Responsible for: serialising configuration updates (one at a time, first come first served),
// answering reads from memory, migrating the old KV `config` document once, granting the lease that
// keeps two ticks from running at once. Not responsible for what a change does or whether it is
// valid: changes run in the calling Worker (src/store/config.ts), under this object's lock, so the
// errors they throw never cross RPC (docs/decisions.md, 7). Follows Cloudflare's Durable Objects
// RPC and SQLite storage APIs.
import { DurableObject } from 'cloudflare:workers'
import { ConfigError } from '../lib/errors'
import { CONFIG } from './keys'
import { MAX_CONFIG_BYTES, emptyConfig, utf8Bytes } from './config'

/** What a read answers: `json` is absent when the caller already holds `version`. */
export interface ConfigRead {
  version: number
  json?: string
}

/** The next document a change proposes (`null`: the change refused, nothing to store). */
export interface ProposedConfig {
  version: number
  json: string
}

/**
 * How long a change may take inside the lock. Changes are pure computations on the document in the
 * calling Worker (milliseconds); a caller that vanished must not hold every other writer back.
 */
const CHANGE_TIMEOUT_MS = 10_000

export class ConfigStore extends DurableObject<Env> {
  private current: { version: number; json: string } = {
    version: 0,
    json: JSON.stringify(emptyConfig()),
  }
  /** The tail of the update chain: each update starts when the previous one has settled. */
  private tail: Promise<unknown> = Promise.resolve()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const sql = ctx.storage.sql
    sql.exec(
      'CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, json TEXT NOT NULL)',
    )
    sql.exec(
      'CREATE TABLE IF NOT EXISTS lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until INTEGER NOT NULL)',
    )
    // WebSub subscriptions (src/store/websub.ts): one JSON row, beside the configuration.
    sql.exec(
      'CREATE TABLE IF NOT EXISTS websub (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)',
    )
    void ctx.blockConcurrencyWhile(() => this.load())
  }

  /** Reads the stored row, or migrates the KV document once when there is none. */
  private async load(): Promise<void> {
    const sql = this.ctx.storage.sql
    const row = sql
      .exec<{ version: number; json: string }>('SELECT version, json FROM config')
      .toArray()[0]
    if (row) {
      this.current = { version: row.version, json: row.json }
      return
    }
    const legacy = await this.env.KV.get(CONFIG)
    if (legacy === null) return
    let version: unknown
    try {
      version = (JSON.parse(legacy) as { version?: unknown }).version
    } catch (cause) {
      throw new ConfigError(`KV ${CONFIG}`, 'the document to migrate is not valid JSON', { cause })
    }
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      throw new ConfigError(`KV ${CONFIG}.version`, 'the document to migrate has no valid version')
    }
    // The KV copy is left in place (never read again once this row exists): a way back.
    sql.exec('INSERT INTO config (id, version, json) VALUES (1, ?, ?)', version, legacy)
    this.current = { version, json: legacy }
  }

  /** The document, unless the caller already holds version `since`. */
  read(since: number): ConfigRead {
    return since === this.current.version ? { version: since } : { ...this.current }
  }

  /**
   * Runs `propose` on the current document under the lock and stores what it returns. Returns the
   * stored version, or null when the change refused (its error stays with the caller).
   */
  update(propose: (current: ConfigRead) => Promise<ProposedConfig | null>): Promise<number | null> {
    const run = this.tail.then(() => this.applyOne(propose))
    // The chain goes on whatever this update did; its own caller receives its error through `run`.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  private async applyOne(
    propose: (current: ConfigRead) => Promise<ProposedConfig | null>,
  ): Promise<number | null> {
    const base = this.current
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConfigError('configuration', `change took over ${CHANGE_TIMEOUT_MS} ms`)),
        CHANGE_TIMEOUT_MS,
      )
    })
    const next = await Promise.race([propose({ ...base }), timeout]).finally(() => {
      if (timer !== undefined) clearTimeout(timer)
    })
    if (next === null) return null
    if (next.version !== base.version + 1) {
      throw new ConfigError(
        'configuration',
        `proposed version ${next.version} after ${base.version}`,
      )
    }
    // The caller checks the budget first and answers with a clear error; this is the backstop.
    const bytes = utf8Bytes(next.json)
    if (bytes > MAX_CONFIG_BYTES) {
      throw new ConfigError('configuration', `${bytes} bytes, over the ${MAX_CONFIG_BYTES} budget`)
    }
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO config (id, version, json) VALUES (1, ?, ?)',
      next.version,
      next.json,
    )
    this.current = { version: next.version, json: next.json }
    return next.version
  }

  /**
   * Takes the lease `name` for `holder` for `ms` unless another holder has it, and reads the
   * configuration in the same call (the tick's one round trip before polling).
   */
  beginLease(
    name: string,
    holder: string,
    ms: number,
    since: number,
  ): ConfigRead & { leased: boolean } {
    const sql = this.ctx.storage.sql
    const now = Date.now()
    const held = sql
      .exec<{ holder: string; until: number }>(
        'SELECT holder, until FROM lease WHERE name = ?',
        name,
      )
      .toArray()[0]
    const leased = !held || held.until <= now || held.holder === holder
    if (leased) {
      sql.exec(
        'INSERT OR REPLACE INTO lease (name, holder, until) VALUES (?, ?, ?)',
        name,
        holder,
        now + ms,
      )
    }
    return { ...this.read(since), leased }
  }

  /** Gives the lease back (only its holder can). */
  endLease(name: string, holder: string): void {
    this.ctx.storage.sql.exec('DELETE FROM lease WHERE name = ? AND holder = ?', name, holder)
  }

  /** The WebSub subscriptions document (src/store/websub.ts), as stored, or null. */
  readWebSub(): string | null {
    const row = this.ctx.storage.sql
      .exec<{ json: string }>('SELECT json FROM websub WHERE id = 1')
      .toArray()[0]
    return row?.json ?? null
  }

  /**
   * Runs `propose` on the stored WebSub document under this object's lock (one change at a time,
   * on the same chain as configuration updates) and stores what it returns.
   */
  updateWebSub(propose: (json: string | null) => Promise<string>): Promise<void> {
    const run = this.tail.then(async () => {
      const current = this.readWebSub()
      const next = await propose(current)
      // Most cron passes change nothing: no row write for them.
      if (next === current) return
      this.ctx.storage.sql.exec('INSERT OR REPLACE INTO websub (id, json) VALUES (1, ?)', next)
    })
    this.tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }
}
