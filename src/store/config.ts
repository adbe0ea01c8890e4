// The configuration document: every feed, watch and destination, with a version that increases on
// each change so isolates can cache it and what they derive from it (the compiled watch index).
//
// It lives in one Durable Object (src/store/config-object.ts), the single strongly consistent
// writer: `updateConfig` runs its change in this Worker under that object's lock, so concurrent API
// writes are applied one after another and none is lost, and the errors a change throws (404, 409,
// 400) reach the route as they were thrown (docs/decisions.md, 7). `loadConfig` is one RPC call that
// answers "unchanged" when this isolate already holds the current version. Not responsible for what
// a valid feed, watch or destination is (src/http/validate.ts) beyond the stored shape (schema.ts).
import type { Destination, Feed, Watch } from '../model'
import { ConfigError } from '../lib/errors'
import type { ConfigRead, ConfigStore, ProposedConfig } from './config-object'
import { configSchema, checkStored } from './schema'

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
 * The configuration's size budget, as UTF-8 JSON: 1 MiB. The tick reads the whole document in one
 * call, and an isolate that has not seen this version yet parses it (measured ~5–7 ms for 1.1 MB on
 * the development machine, against the free plan's 10 ms of CPU per invocation; cached by version
 * afterwards). It also keeps the document, stored as one SQLite value, well under the Durable
 * Object's 2 MB value limit. About 5,000 typical watches, or a few hundred feeds with headers, fit.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024

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
  let value: unknown
  try {
    value = JSON.parse(read.json)
  } catch (cause) {
    throw new ConfigError('configuration', 'stored document is not valid JSON', { cause })
  }
  const doc = checkStored<ConfigDoc>(configSchema, value, 'configuration')
  if (doc.version !== read.version) {
    throw new ConfigError('configuration.version', `${doc.version} stored as ${read.version}`)
  }
  cached = deepFreeze(doc)
  return cached
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
 * it) and reads the configuration.
 */
export async function beginTickLease(
  env: ConfigEnv,
  holder: string,
  leaseMs: number,
): Promise<{ config: ConfigDoc; leased: boolean }> {
  const read = await storeOf(env).beginLease('tick', holder, leaseMs, cached?.version ?? -1)
  return { config: fromRead(read), leased: read.leased }
}

export async function endTickLease(env: ConfigEnv, holder: string): Promise<void> {
  await storeOf(env).endLease('tick', holder)
}
