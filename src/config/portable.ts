// The configuration as a document people keep in a repository ("watches as code"): export with
// every credential left out and marked `{ "set": true }`, and the pure plan of an import — the
// next configuration and the diff from the current one. Each entry passes the same rules as the
// API's create routes (feed headers, the address guard, the query parser, destination shapes,
// delivery modes) and the whole result the integrity rules (integrity.ts). A field marked set keeps
// the value stored under the same id. Credentials: feed header values and feed URLs that carry
// one (src/lib/redact.ts decides), destination `url`, `secret`, `token` and `apiBase`.
// Not responsible for storing (service.ts) or for the document's JSON shape (src/http/validate.ts).
import type { Destination, Feed, Watch } from '../model'
import { checkShape, isDestinationType, DESTINATION_TYPES } from './destination-shape'
import { resolveDelivery } from './delivery-mode'
import { checkFeedHeaders } from './feed-headers'
import { SECRET_SET, type PortableConfig } from '../http/validate'
import { assertPublicUrl, type AddressPolicy } from '../lib/address-guard'
import { AddressError, ConfigError } from '../lib/errors'
import { redactFeedUrl } from '../lib/redact'
import type { ConfigDoc } from '../store/config'
import { QueryError, parseQuery } from '../watch'
import { checkIntegrity, type Collection } from './integrity'

/** Destination fields that are credentials. */
const DESTINATION_SECRETS = ['url', 'secret', 'token', 'apiBase'] as const

type Marked<T> = T | typeof SECRET_SET

/** The exported document: the stored entries with every credential replaced by the marker. */
export interface ExportedConfig {
  feedwatch: 1
  feeds: Array<
    Omit<Feed, 'url' | 'headers'> & {
      url: Marked<string>
      headers?: Record<string, Marked<string>>
    }
  >
  watches: Watch[]
  destinations: Array<Record<string, unknown>>
  healthDestinations?: string[]
}

export function exportConfig(config: ConfigDoc): ExportedConfig {
  return {
    feedwatch: 1,
    feeds: config.feeds.map((feed) => ({
      ...feed,
      url: redactFeedUrl(feed.url) === feed.url ? feed.url : SECRET_SET,
      ...(feed.headers
        ? { headers: Object.fromEntries(Object.keys(feed.headers).map((k) => [k, SECRET_SET])) }
        : {}),
    })),
    watches: config.watches,
    destinations: config.destinations.map((d) => {
      const out: Record<string, unknown> = { ...d }
      for (const field of DESTINATION_SECRETS) if (d[field] !== undefined) out[field] = SECRET_SET
      return out
    }),
    ...(config.healthDestinations?.length ? { healthDestinations: config.healthDestinations } : {}),
  }
}

/** What an import changes, per collection: ids added and removed, and the fields of the rest. */
export interface CollectionDiff {
  added: string[]
  removed: string[]
  changed: Array<{ id: string; fields: string[] }>
}

export interface ConfigDiff {
  unchanged: boolean
  feeds: CollectionDiff
  watches: CollectionDiff
  destinations: CollectionDiff
  /** The health-event destinations, when they change. */
  healthDestinations?: { from: string[]; to: string[] }
}

export interface ImportPlan {
  next: ConfigDoc
  diff: ConfigDiff
  /** Webhook secrets generated for new webhooks that had none, by destination id (shown once). */
  generatedSecrets: Record<string, string>
}

/** JSON with object keys sorted: two values are equal when their texts are. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

function diffOf<T extends { id: string }>(before: T[], after: T[]): CollectionDiff {
  const old = new Map(before.map((e) => [e.id, e as unknown as Record<string, unknown>]))
  const now = new Set(after.map((e) => e.id))
  const diff: CollectionDiff = {
    added: after.filter((e) => !old.has(e.id)).map((e) => e.id),
    removed: before.filter((e) => !now.has(e.id)).map((e) => e.id),
    changed: [],
  }
  for (const entry of after as unknown as Array<Record<string, unknown> & { id: string }>) {
    const prior = old.get(entry.id)
    // Most entries of a re-import are unchanged: one comparison each, fields only when they differ.
    // (Plain JSON first: entries built by the same rules have their keys in the same order.)
    if (!prior || JSON.stringify(prior) === JSON.stringify(entry)) continue
    if (canonical(prior) === canonical(entry)) continue
    const fields = [...new Set([...Object.keys(prior), ...Object.keys(entry)])]
      .filter((f) => canonical(prior[f]) !== canonical(entry[f]))
      .sort()
    if (fields.length) diff.changed.push({ id: entry.id, fields })
  }
  return diff
}

/** Runs `check` on entry `index` of `collection`, naming fields from the document's root. */
function within<T>(collection: Collection, index: number, check: () => T): T {
  const prefix = `${collection}[${index}]`
  try {
    return check()
  } catch (error) {
    if (error instanceof AddressError) {
      throw new ConfigError(`${prefix}.${error.field}`, error.reason, { cause: error })
    }
    if (error instanceof ConfigError) {
      const reason = error.message.slice(error.field.length + 2)
      throw new ConfigError(`${prefix}.${error.field}`, reason, { cause: error })
    }
    if (error instanceof QueryError) {
      throw new ConfigError(`${prefix}.query`, `${error.message} (position ${error.position})`, {
        cause: error,
      })
    }
    throw error
  }
}

const isMarker = (v: unknown): v is typeof SECRET_SET =>
  typeof v === 'object' && v !== null && (v as { set?: unknown }).set === true

/** A marked credential resolved to the stored value, or a ConfigError naming the field. */
function keep(stored: string | undefined, field: string, owner: string): string {
  if (stored === undefined) {
    throw new ConfigError(field, `is marked as set, but ${owner} has no stored value for it`)
  }
  return stored
}

function importFeed(
  input: PortableConfig['feeds'][number],
  stored: Feed | undefined,
  policy: AddressPolicy,
): Feed {
  const owner = stored ? `feed ${stored.id}` : `new feed ${input.id}`
  const url = isMarker(input.url) ? keep(stored?.url, 'url', owner) : input.url
  assertPublicUrl(url, 'feed', policy)
  let headers: Record<string, string> | undefined
  if (input.headers) {
    headers = {}
    for (const [name, value] of Object.entries(input.headers)) {
      headers[name] = isMarker(value)
        ? keep(stored?.headers?.[name], `headers.${name}`, owner)
        : value
    }
    checkFeedHeaders(headers)
  }
  const { url: _url, headers: _headers, ...rest } = input
  return { ...rest, url, ...(headers ? { headers } : {}) }
}

function importWatch(input: PortableConfig['watches'][number]): Watch {
  const { digest, ...rest } = input
  parseQuery(rest.query)
  const delivery = resolveDelivery(rest.mode, digest, digest !== undefined)
  return { ...rest, ...delivery, mode: rest.mode }
}

function importDestination(
  input: PortableConfig['destinations'][number],
  stored: Destination | undefined,
  policy: AddressPolicy,
  newSecret: () => string,
  generated: Record<string, string>,
): Destination {
  const { id, name, type, enabled, mode, digest, chatId, to, ...marked } = input
  if (!isDestinationType(type)) {
    throw new ConfigError('type', `must be one of ${DESTINATION_TYPES.join(', ')}`)
  }
  const owner = stored ? `destination ${stored.id}` : `new destination ${id}`
  const fields: Record<string, string> = {}
  for (const field of DESTINATION_SECRETS) {
    const value = marked[field]
    if (value === undefined) continue
    fields[field] = isMarker(value) ? keep(stored?.[field], field, owner) : value
  }
  const shape = checkShape(type, { ...fields, chatId, to }, policy)
  if (type === 'webhook' && shape.secret === undefined) {
    shape.secret = newSecret()
    generated[id] = shape.secret
  }
  return {
    id,
    name,
    type,
    ...shape,
    ...resolveDelivery(mode, digest, digest !== undefined),
    enabled,
  }
}

/**
 * The configuration `document` describes, built on `current` (for credentials marked set), and
 * what changes; or a ConfigError naming the first field (from the document's root) that is wrong.
 */
export function planImport(
  current: ConfigDoc,
  document: PortableConfig,
  policy: AddressPolicy,
  newSecret: () => string,
): ImportPlan {
  const generatedSecrets: Record<string, string> = {}
  const feedsById = new Map(current.feeds.map((f) => [f.id, f]))
  const destinationsById = new Map(current.destinations.map((d) => [d.id, d]))
  const next: ConfigDoc = {
    ...current,
    feeds: document.feeds.map((f, i) =>
      within('feeds', i, () => importFeed(f, feedsById.get(f.id), policy)),
    ),
    watches: document.watches.map((w, i) => within('watches', i, () => importWatch(w))),
    destinations: document.destinations.map((d, i) =>
      within('destinations', i, () =>
        importDestination(d, destinationsById.get(d.id), policy, newSecret, generatedSecrets),
      ),
    ),
  }
  // A whole document: no health destinations listed means none.
  const { healthDestinations: _, ...base } = next
  const health = [...new Set(document.healthDestinations)]
  const planned: ConfigDoc = health.length > 0 ? { ...base, healthDestinations: health } : base
  checkIntegrity(planned)
  const diff = {
    feeds: diffOf(current.feeds, planned.feeds),
    watches: diffOf(current.watches, planned.watches),
    destinations: diffOf(current.destinations, planned.destinations),
  }
  const before = current.healthDestinations ?? []
  const healthChanged = before.join('\n') !== health.join('\n')
  const unchanged =
    !healthChanged &&
    Object.values(diff).every((d) => d.added.length + d.removed.length + d.changed.length === 0)
  return {
    next: planned,
    diff: {
      unchanged,
      ...diff,
      ...(healthChanged ? { healthDestinations: { from: before, to: health } } : {}),
    },
    generatedSecrets,
  }
}
