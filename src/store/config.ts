// The configuration document: every feed, watch and destination, with a version that increases on
// each change so isolates can cache it and what they derive from it (the compiled watch index).
//
// It lives in one Durable Object (src/store/config-object.ts), the single strongly consistent
// writer: `updateConfig` runs its change in this Worker under that object's lock, so concurrent API
// writes are applied one after another and none is lost, and the errors a change throws (404, 409,
// 400) reach the route as they were thrown (docs/decisions.md, 7). `loadConfig` is one RPC call that
// answers "unchanged" when this isolate already holds the current version. The watch index derived
// from it is cached here too, per version: loaded from the snapshot the tick's lease call brings
// when the object has one, compiled otherwise (docs/decisions.md, 22). Not responsible for what a
// valid feed, watch or destination is (src/http/validate.ts) beyond the stored shape (schema.ts),
// nor for what a snapshot holds (src/watch/snapshot.ts).
import type { Destination, Feed, Watch } from '../model'
import { ConfigError } from '../lib/errors'
import type { ConfigRead, ConfigStore, ProposedConfig } from './config-object'
import { configSchema, checkStored } from './schema'
import { compileWatchIndex, type WatchIndex, type WatchSpec } from '../watch'
import { SnapshotError, loadIndexSnapshot } from '../watch/snapshot'

export interface ConfigDoc {
  schema: 1
  version: number
  updatedAt: string
  feeds: Feed[]
  watches: Watch[]
  destinations: Destination[]
  /** Destinations that receive health events (docs/health.md); none when absent. */
  healthDestinations?: string[]
}

export const emptyConfig = (): ConfigDoc => ({
  schema: 1,
  version: 0,
  updatedAt: new Date(0).toISOString(),
  feeds: [],
  watches: [],
  destinations: [],
})

/**
 * The configuration's size budget, as UTF-8 JSON: 4 MiB. Issue #11 asks for 5,000 feeds and 10,000
 * watches in one deployment: 3.3 MB with the names and tags of test/store/config-size.test.ts.
 * What carries it: an isolate new to a version parses and checks the document once (cached by
 * version afterwards), measured in a new Node process for that 3.3 MB: JSON.parse ~35–50 ms, with
 * the schema check ~110–200 ms (load 4–5 on 2 cores), so ~25 % more at the budget — beyond the
 * free plan's 10 ms of CPU for that one tick, within the paid plan's 30 s.
 * Memory: the parsed document took 6.4 MB of heap for the 3.3 MB (~8 MB at the budget), the watch
 * index ~10 MB at 10,000 watches: well inside a 128 MB isolate; the configuration object holds the
 * JSON as a string (8 MB in UTF-16 at the budget). Stored in chunks (config-object.ts), so the
 * Durable Object's 2 MB limit on one value no longer bounds it.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

const encoder = new TextEncoder()
export const utf8Bytes = (s: string): number => encoder.encode(s).byteLength

/** The bindings the configuration lives in (callers pass the Worker's whole `env`). */
export type ConfigEnv = Pick<Env, 'CONFIG'>

/** The one object that holds the configuration. */
const CONFIG_OBJECT_NAME = 'config'

const storeOf = (env: ConfigEnv): DurableObjectStub<ConfigStore> =>
  env.CONFIG.get(env.CONFIG.idFromName(CONFIG_OBJECT_NAME))

/**
 * The document this isolate last read, by version, frozen: every caller shares it, and a caller
 * that mutated it would corrupt the others' view.
 */
let cached: ConfigDoc | undefined

/** Turns a read into the document, parsing and checking it only when the version is new here. */
function fromRead(read: ConfigRead): ConfigDoc {
  if (read.json === undefined && cached?.version === read.version) return cached
  if (read.json === undefined) {
    throw new ConfigError('configuration', `version ${read.version} was answered without its body`)
  }
  cached = deepFreeze(parseConfigJson(read.json, read.version))
  return cached
}

/** The stored document `json`, checked against its schema and the version it was stored under. */
export function parseConfigJson(json: string, version: number): ConfigDoc {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (cause) {
    throw new ConfigError('configuration', 'stored document is not valid JSON', { cause })
  }
  const doc = checkStored<ConfigDoc>(configSchema, value, 'configuration')
  if (doc.version !== version) {
    throw new ConfigError('configuration.version', `${doc.version} stored as ${version}`)
  }
  return doc
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

export async function loadConfig(env: ConfigEnv): Promise<ConfigDoc> {
  return fromRead(await storeOf(env).read(cached?.version ?? -1))
}

/**
 * Applies `change` to the current document and stores it under the next version, serialised with
 * every other update. `change` runs here, in this isolate; whatever it throws is thrown from here
 * unchanged, and nothing is stored.
 */
export async function updateConfig(
  env: ConfigEnv,
  now: Date,
  change: (config: ConfigDoc) => ConfigDoc,
): Promise<ConfigDoc> {
  let refused: { error: unknown } | undefined
  let next: ConfigDoc | undefined
  const propose = async (current: ConfigRead): Promise<ProposedConfig | null> => {
    try {
      const base = fromRead(current)
      next = { ...change(base), version: base.version + 1, updatedAt: now.toISOString() }
      const json = JSON.stringify(next)
      const bytes = utf8Bytes(json)
      if (bytes > MAX_CONFIG_BYTES) {
        throw new ConfigError(
          'configuration',
          `this change would make the configuration ${bytes} bytes, over its budget of ` +
            `${MAX_CONFIG_BYTES} bytes (MAX_CONFIG_BYTES, see docs/operations.md)`,
        )
      }
      return { version: next.version, json }
    } catch (error) {
      // Kept here and rethrown below: an error crossing RPC would lose its class and fields.
      refused = { error }
      return null
    }
  }
  const stored = await storeOf(env).update(propose)
  if (refused) throw refused.error
  if (stored === null || next === undefined) {
    throw new ConfigError('configuration', 'the update was not applied')
  }
  cached = deepFreeze(next)
  return cached
}

/**
 * The tick's one call before polling: takes the tick lease for `holder` (unless another tick holds
 * it) and reads the configuration and, when this isolate holds no index for the current version,
 * the stored index snapshot (decoded by watchIndexFor).
 */
export async function beginTickLease(
  env: ConfigEnv,
  holder: string,
  leaseMs: number,
): Promise<{ config: ConfigDoc; leased: boolean }> {
  const indexSince = cachedIndex?.version ?? heldSnapshot?.version ?? -1
  const read = await storeOf(env).beginLease(
    'tick',
    holder,
    leaseMs,
    cached?.version ?? -1,
    indexSince,
  )
  const config = fromRead(read)
  if (read.snapshot !== undefined) heldSnapshot = { version: config.version, bytes: read.snapshot }
  return { config, leased: read.leased }
}

/**
 * Gives the tick lease back, telling the configuration object about a snapshot this isolate
 * refused (it rebuilds it then: docs/decisions.md, 22). No extra call: the tick ends with this one.
 */
export async function endTickLease(env: ConfigEnv, holder: string): Promise<void> {
  const complaint = refusedSnapshot
  refusedSnapshot = undefined
  await storeOf(env).endLease('tick', holder, complaint)
}

/** The enabled watches of a configuration, as the watch index takes them. */
export function watchSpecsOf(config: ConfigDoc): WatchSpec[] {
  return config.watches
    .filter((w) => w.enabled)
    .map((w) => ({ id: w.id, query: w.query, options: w.options }))
}

/** The compiled watch index, cached in the isolate for the configuration version it came from. */
let cachedIndex: { version: number; index: WatchIndex } | undefined
/** The snapshot the last tick lease read brought, not decoded yet. */
let heldSnapshot: { version: number; bytes: Uint8Array } | undefined
/** A snapshot refused since the last lease was given back, for the configuration object. */
let refusedSnapshot: SnapshotComplaint | undefined

/** What endTickLease reports of a refused snapshot. */
export interface SnapshotComplaint {
  version: number
  reason: SnapshotError['reason']
}

/** How this isolate got its watch indexes: counters read by tests and logs. */
export const indexSources = { loaded: 0, compiled: 0, refused: 0 }

/**
 * The watch index of `config`: the cached one, else the snapshot the tick lease brought for this
 * version (checked: another version, another code or damaged bytes are refused, and it is
 * compiled here instead), else compiled here.
 */
export function watchIndexFor(config: ConfigDoc): WatchIndex {
  if (cachedIndex?.version === config.version && config.version !== 0) return cachedIndex.index
  // A snapshot held for an older version (the configuration changed since it came) is dropped
  // unread: it is not damaged, and the object's current one need not be rebuilt.
  const snapshot = heldSnapshot?.version === config.version ? heldSnapshot : undefined
  heldSnapshot = undefined
  let index: WatchIndex | undefined
  if (snapshot !== undefined && config.version !== 0) {
    try {
      index = loadIndexSnapshot(snapshot.bytes, config.version)
      indexSources.loaded++
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error
      indexSources.refused++
      refusedSnapshot = { version: config.version, reason: error.reason }
      console.warn(`watch index snapshot refused (${error.reason}): ${error.message}; compiling`)
    }
  }
  if (index === undefined) {
    index = compileWatchIndex(watchSpecsOf(config))
    indexSources.compiled++
  }
  cachedIndex = { version: config.version, index }
  return index
}

/** Forgets the isolate's watch index and held snapshot, as a new isolate starts (tests). */
export function forgetWatchIndex(): void {
  cachedIndex = undefined
  heldSnapshot = undefined
}
