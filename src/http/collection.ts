// What the feed, watch and destination routes share: finding an entry by id, refusing a duplicate
// id, and deleting an entry from the configuration document.
import { updateConfig, type ConfigDoc, type ConfigEnv } from '../store/config'
import { ApiError, notFound } from './errors'

export type Collection = 'feeds' | 'watches' | 'destinations'

const NOUN: Record<Collection, string> = {
  feeds: 'feed',
  watches: 'watch',
  destinations: 'destination',
}

/** The entry with `id`, or a 404 naming it. */
export function findById<T extends { id: string }>(
  entries: T[],
  id: string,
  collection: Collection,
): T {
  const entry = entries.find((e) => e.id === id)
  if (!entry) throw notFound(NOUN[collection], id)
  return entry
}

/** Throws 409 naming the `id` field when an entry already uses it. */
export function assertNewId(entries: Array<{ id: string }>, id: string, collection: Collection) {
  if (entries.some((e) => e.id === id)) {
    throw new ApiError(409, `id: ${NOUN[collection]} ${id} already exists`, { field: 'id' })
  }
}

/** Removes entry `id` (404 if absent); `guard` may refuse the removal by throwing. */
export async function removeById(
  env: ConfigEnv,
  now: Date,
  collection: Collection,
  id: string,
  guard?: (config: ConfigDoc) => void,
): Promise<void> {
  await updateConfig(env, now, (config) => {
    findById<{ id: string }>(config[collection], id, collection)
    guard?.(config)
    return { ...config, [collection]: config[collection].filter((e) => e.id !== id) }
  })
}

/** Applies `change` to entry `id` (404 if absent) and stores the configuration; returns the entry. */
export async function updateById<C extends Collection>(
  env: ConfigEnv,
  now: Date,
  collection: C,
  id: string,
  change: (entry: ConfigDoc[C][number], config: ConfigDoc) => ConfigDoc[C][number],
): Promise<ConfigDoc[C][number]> {
  let updated: ConfigDoc[C][number] | undefined
  await updateConfig(env, now, (config) => {
    const entries = config[collection] as Array<ConfigDoc[C][number]>
    updated = change(findById(entries, id, collection), config)
    return { ...config, [collection]: entries.map((e) => (e.id === id ? updated : e)) }
  })
  return updated as ConfigDoc[C][number]
}
