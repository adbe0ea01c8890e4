// Adding and changing one feed, watch or destination: the rules each entry obeys (feed headers,
// the address guard, autodiscovery, the query parser, destination shapes, delivery modes), then one
// write through `changeConfig` (service.ts), which adds the integrity rules. The API's routes parse
// the request and call one of these. Not responsible for request shapes (src/http/validate.ts).
import type * as z from 'zod/mini'
import type { Destination, Feed, Watch } from '../model'
import { generateSecret } from '../deliver/sign'
import { checkShape, isDestinationType, DESTINATION_TYPES } from './destination-shape'
import { resolveDelivery } from './delivery-mode'
import { checkFeedHeaders } from './feed-headers'
import type {
  destinationInput,
  destinationPatch,
  feedInput,
  feedPatch,
  watchInput,
  watchPatch,
} from '../http/validate'
import { assertPublicUrl, type AddressPolicy } from '../lib/address-guard'
import { ConfigError } from '../lib/errors'
import { discoverFeed, type Discovery } from '../monitor/discover-feed'
import type { ConfigDoc, ConfigEnv } from '../store/config'
import { enableDestination, type DeliveryEnv } from '../store/deliveries'
import { parseQuery } from '../watch'
import { NOUN, type Collection } from './integrity'
import { changeConfig, removeFromConfig } from './service'

/** What the routes hand in beside the request: bindings, clock, transport, address policy. */
export interface EntryDeps {
  env: ConfigEnv & DeliveryEnv
  now: Date
  fetch: typeof fetch
  policy: AddressPolicy
  newId: (prefix: string) => string
}

/** An entry that is not there (answered 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
  constructor(collection: Collection, id: string) {
    super(`${NOUN[collection]} ${id} not found`)
  }
}

export function findEntry<C extends Collection>(
  config: ConfigDoc,
  collection: C,
  id: string,
): ConfigDoc[C][number] {
  const entry = (config[collection] as Array<ConfigDoc[C][number]>).find((e) => e.id === id)
  if (!entry) throw new NotFoundError(collection, id)
  return entry
}

/** Applies `change` to entry `id` and stores the configuration; returns the changed entry. */
async function changeEntry<C extends Collection>(
  deps: EntryDeps,
  collection: C,
  id: string,
  change: (entry: ConfigDoc[C][number]) => ConfigDoc[C][number],
): Promise<ConfigDoc[C][number]> {
  let updated: ConfigDoc[C][number] | undefined
  await changeConfig(
    deps.env,
    deps.now,
    (config) => {
      const entries = config[collection] as Array<ConfigDoc[C][number]>
      const next = change(findEntry(config, collection, id))
      updated = next
      return { ...config, [collection]: entries.map((e) => (e.id === id ? next : e)) }
    },
    { collection, id },
  )
  return updated as ConfigDoc[C][number]
}

async function addEntry<C extends Collection>(
  deps: EntryDeps,
  collection: C,
  entry: ConfigDoc[C][number],
): Promise<void> {
  await changeConfig(
    deps.env,
    deps.now,
    (config) => ({ ...config, [collection]: [...config[collection], entry] }),
    { collection, id: entry.id },
  )
}

/** Removes entry `id` with its cascade (src/config/integrity.ts); 404 if absent. */
export function removeConfigEntry(deps: EntryDeps, collection: Collection, id: string) {
  return removeFromConfig(deps.env, deps.now, collection, id, (config) =>
    findEntry(config, collection, id),
  )
}

export async function addFeed(
  deps: EntryDeps,
  input: z.output<typeof feedInput>,
): Promise<{ feed: Feed; discovery?: Discovery }> {
  checkFeedHeaders(input.headers)
  assertPublicUrl(input.url, 'feed', deps.policy)
  const discovery = input.discover
    ? await discoverFeed(input.url, input.headers, deps, deps.policy)
    : undefined
  const { discover: _, ...fields } = input
  const feed: Feed = {
    ...fields,
    id: input.id ?? deps.newId('f_'),
    url: discovery?.found ?? input.url,
  }
  await addEntry(deps, 'feeds', feed)
  return { feed, discovery }
}

export function updateFeed(deps: EntryDeps, id: string, patch: z.output<typeof feedPatch>) {
  checkFeedHeaders(patch.headers)
  return changeEntry(deps, 'feeds', id, (f) => ({ ...f, ...patch }))
}

export async function addWatch(
  deps: EntryDeps,
  { digest, ...input }: z.output<typeof watchInput>,
): Promise<Watch> {
  parseQuery(input.query) // throws QueryError → 400 with the position
  const delivery = resolveDelivery(input.mode, digest, digest !== undefined)
  const watch: Watch = { ...input, ...delivery, mode: input.mode, id: input.id ?? deps.newId('w_') }
  await addEntry(deps, 'watches', watch)
  return watch
}

export function updateWatch(
  deps: EntryDeps,
  id: string,
  { digest, ...patch }: z.output<typeof watchPatch>,
): Promise<Watch> {
  if (patch.query !== undefined) parseQuery(patch.query)
  return changeEntry(deps, 'watches', id, (w) => {
    const mode = patch.mode ?? w.mode
    const delivery = resolveDelivery(
      mode,
      digest ?? (mode === 'digest' ? w.digest : undefined),
      digest !== undefined,
    )
    const { digest: _, ...rest } = w
    return { ...rest, ...patch, ...delivery, mode }
  })
}

/** A new destination; a webhook given no secret gets one, returned to be shown once. */
export async function addDestination(
  deps: EntryDeps,
  input: z.output<typeof destinationInput>,
): Promise<{ destination: Destination; secret?: string }> {
  const { id, name, type, enabled, mode, digest, ...fields } = input
  if (!isDestinationType(type)) {
    throw new ConfigError('type', `must be one of ${DESTINATION_TYPES.join(', ')}`)
  }
  const shape = checkShape(type, fields, deps.policy)
  const delivery = resolveDelivery(mode, digest, digest !== undefined)
  const generated = type === 'webhook' && shape.secret === undefined ? generateSecret() : undefined
  const destination: Destination = {
    id: id ?? deps.newId('d_'),
    name,
    type,
    ...shape,
    ...(generated === undefined ? {} : { secret: generated }),
    ...delivery,
    enabled,
  }
  await addEntry(deps, 'destinations', destination)
  return { destination, secret: generated }
}

/**
 * Changes a destination. `enabled: true` also clears the delivery ledger's "disabled after
 * permanent answers" state: a user who fixed it and says so means "send again" (as /enable does).
 */
export async function updateDestination(
  deps: EntryDeps,
  id: string,
  { name, enabled, mode, digest, ...fields }: z.output<typeof destinationPatch>,
): Promise<Destination> {
  const updated = await changeEntry(deps, 'destinations', id, (d) => {
    const { url, secret, token, chatId, apiBase, to } = d
    // The whole shape is checked again, so a field the type does not take is refused by name.
    const shape = checkShape(
      d.type,
      { url, secret, token, chatId, apiBase, to, ...fields },
      deps.policy,
    )
    const nextMode = mode ?? d.mode
    const delivery = resolveDelivery(
      nextMode,
      digest ?? (nextMode === 'digest' ? d.digest : undefined),
      digest !== undefined,
    )
    const { digest: _, mode: __, ...rest } = d
    return {
      ...rest,
      ...shape,
      ...delivery,
      ...(name === undefined ? {} : { name }),
      ...(enabled === undefined ? {} : { enabled }),
    }
  })
  if (enabled === true) await enableDestination(deps.env, id)
  return updated
}
