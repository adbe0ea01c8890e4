// The configuration's single writer: a Durable Object with SQLite storage (free plan) that holds the
// whole configuration document as JSON with its version (in rows of at most CONFIG_CHUNK_UNITS,
// written in one transaction), the compiled watch index's snapshot, and the tick lease.
//
// Responsible for: serialising configuration updates (one at a time, first come first served),
// answering reads from memory, migrating the old KV `config` document once, granting the lease that
// keeps two ticks from running at once, building the watch index snapshot after each change (in
// its alarm: never in the API's answer nor on a tick, docs/decisions.md, 22) and handing it to a
// tick whose isolate holds no index for the current version. Not responsible for what a change
// does or whether it is valid: changes run in the calling Worker (src/store/config.ts), under this
// object's lock, so the errors they throw never cross RPC (docs/decisions.md, 7). Follows
// Cloudflare's Durable Objects RPC, SQLite storage and alarm APIs.
import { DurableObject } from 'cloudflare:workers'
import { ConfigError } from '../lib/errors'
import { CONFIG } from './keys'
import { SNAPSHOT_CODE_VERSION, buildIndexSnapshot } from '../watch/snapshot'
import {
  MAX_CONFIG_BYTES,
  emptyConfig,
  parseConfigJson,
  utf8Bytes,
  watchSpecsOf,
  type ConfigDoc,
  type SnapshotComplaint,
} from './config'
import { concatBytes } from '../lib/bytes'
import { pairSafeEnd } from '../lib/utf16'

/** What a read answers: `json` is absent when the caller already holds `version`. */
export interface ConfigRead {
  version: number
  json?: string
}

/** What the tick's lease call answers: the read, the lease, and the index snapshot if asked. */
export interface LeaseRead extends ConfigRead {
  leased: boolean
  /** The current version's watch index snapshot (src/watch/snapshot.ts), when one is built. */
  snapshot?: Uint8Array
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

/**
 * The configuration is stored in rows of at most this many UTF-16 units: at most 3 bytes each as
 * UTF-8 (a surrogate pair, 2 units, is 4 bytes and never split), so 1.5 MB, under the 2 MB a
 * SQLite value may hold in a Durable Object.
 */
const CONFIG_CHUNK_UNITS = 512 * 1024
/** The index snapshot is stored in rows of 1 MiB, under the same 2 MB value limit. */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024
/**
 * The snapshot is built this long after the last change: a burst of changes (an import, a
 * script creating watches one by one) costs one build, not one each. A tick in between compiles
 * the index itself, as every tick did before snapshots.
 */
const SNAPSHOT_DELAY_MS = 1_000

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
    // The document's JSON past its first CONFIG_CHUNK_UNITS (the `config` row holds the start).
    sql.exec(
      'CREATE TABLE IF NOT EXISTS config_chunk (seq INTEGER PRIMARY KEY, text TEXT NOT NULL)',
    )
    // The watch index snapshot of one configuration version, in chunks, and what it is for.
    sql.exec(
      'CREATE TABLE IF NOT EXISTS snapshot_chunk (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL)',
    )
    sql.exec(
      'CREATE TABLE IF NOT EXISTS snapshot_meta (id INTEGER PRIMARY KEY CHECK (id = 1), config_version INTEGER NOT NULL, code_version INTEGER NOT NULL)',
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
      const rest = sql
        .exec<{ text: string }>('SELECT text FROM config_chunk ORDER BY seq')
        .toArray()
        .map((chunk) => chunk.text)
      this.current = { version: row.version, json: row.json + rest.join('') }
      // Built by an older deployment, for another version, or never: build it now, off any tick.
      if (!this.snapshotIsCurrent()) await this.ctx.storage.setAlarm(Date.now())
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
    this.storeConfig(version, legacy)
    this.current = { version, json: legacy }
    await this.ctx.storage.setAlarm(Date.now())
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
    this.storeConfig(next.version, next.json)
    this.current = { version: next.version, json: next.json }
    // The snapshot is built in the alarm, after this answer: a change is not slowed by it.
    await this.ctx.storage.setAlarm(Date.now() + SNAPSHOT_DELAY_MS)
    return next.version
  }

  /** Writes the document in chunks, in one transaction: a reader never sees half of it. */
  private storeConfig(version: number, json: string): void {
    const chunks = splitUnits(json, CONFIG_CHUNK_UNITS)
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM config_chunk')
      sql.exec(
        'INSERT OR REPLACE INTO config (id, version, json) VALUES (1, ?, ?)',
        version,
        chunks[0] ?? '',
      )
      for (let seq = 1; seq < chunks.length; seq++) {
        sql.exec('INSERT INTO config_chunk (seq, text) VALUES (?, ?)', seq, chunks[seq]!)
      }
    })
  }

  /** Builds the current version's watch index snapshot unless it is built already. */
  override async alarm(): Promise<void> {
    if (this.snapshotIsCurrent()) return
    const { version, json } = this.current
    let config: ConfigDoc
    try {
      config = parseConfigJson(json, version)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      // A stored document that fails its check fails every tick's read too, which reports it;
      // retrying the build cannot help. Ticks compile meanwhile.
      console.error(`watch index snapshot of version ${version} not built: ${error.message}`)
      return
    }
    const bytes = buildIndexSnapshot(watchSpecsOf(config), version)
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM snapshot_chunk')
      for (let at = 0, seq = 0; at < bytes.byteLength; at += SNAPSHOT_CHUNK_BYTES, seq++) {
        const chunk = bytes.subarray(at, at + SNAPSHOT_CHUNK_BYTES)
        sql.exec('INSERT INTO snapshot_chunk (seq, bytes) VALUES (?, ?)', seq, chunk)
      }
      sql.exec(
        'INSERT OR REPLACE INTO snapshot_meta (id, config_version, code_version) VALUES (1, ?, ?)',
        version,
        SNAPSHOT_CODE_VERSION,
      )
    })
  }

  /** Whether the stored snapshot was built from the current version by this code. */
  private snapshotIsCurrent(): boolean {
    const meta = this.snapshotMeta()
    return (
      meta !== undefined &&
      meta.config_version === this.current.version &&
      meta.code_version === SNAPSHOT_CODE_VERSION
    )
  }

  private snapshotMeta(): { config_version: number; code_version: number } | undefined {
    return this.ctx.storage.sql
      .exec<{ config_version: number; code_version: number }>(
        'SELECT config_version, code_version FROM snapshot_meta WHERE id = 1',
      )
      .toArray()[0]
  }

  /** The stored snapshot's bytes, if it is the current version's (read from SQLite, not kept). */
  private currentSnapshot(): Uint8Array | undefined {
    if (!this.snapshotIsCurrent()) return undefined
    const chunks = this.ctx.storage.sql
      .exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM snapshot_chunk ORDER BY seq')
      .toArray()
      .map((row) => new Uint8Array(row.bytes))
    // Unchecked here: the tick checks versions and checksum before it trusts a byte.
    return concatBytes(chunks)
  }

  /**
   * Takes the lease `name` for `holder` for `ms` unless another holder has it, and reads the
   * configuration in the same call (the tick's one round trip before polling).
   */
  beginLease(name: string, holder: string, ms: number, since: number, indexSince = -1): LeaseRead {
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
    const read: LeaseRead = { ...this.read(since), leased }
    // Only a tick that will match needs it, and only if its isolate holds no index of this version.
    if (leased && indexSince !== this.current.version) {
      const snapshot = this.currentSnapshot()
      if (snapshot !== undefined) read.snapshot = snapshot
    }
    return read
  }

  /**
   * Gives the lease back (only its holder can). A tick that refused the current version's
   * snapshot (damaged, another version's or another code's) says so here, and it is rebuilt in
   * the alarm. During a deployment, a tick still running the old code refuses the new one's
   * snapshot and causes a rebuild of the same bytes: harmless, and over when the old code is.
   */
  async endLease(name: string, holder: string, refused?: SnapshotComplaint): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM lease WHERE name = ? AND holder = ?', name, holder)
    if (refused && refused.version === this.current.version) {
      this.ctx.storage.sql.exec('DELETE FROM snapshot_meta')
      await this.ctx.storage.setAlarm(Date.now())
    }
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

/**
 * `text` cut into pieces of at most `units` UTF-16 units, never between the two halves of a
 * surrogate pair (stored apart, each would become U+FFFD).
 */
function splitUnits(text: string, units: number): string[] {
  const out: string[] = []
  let at = 0
  while (at < text.length) {
    const end = pairSafeEnd(text, Math.min(at + units, text.length))
    out.push(text.slice(at, end))
    at = end
  }
  return out
}
