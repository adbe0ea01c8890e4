// The configuration's integrity rules, in the one place every API write goes through
// (`changeConfig` in src/config/write.ts): ids are unique in each collection, feed URLs are unique,
// every destination a watch names exists, every feed a watch's scope names exists. Also the
// cascades that keep those rules true when something is removed (docs/api.md, "Integrity"):
// - removing a feed removes it from every watch's scope; a watch whose scope named only removed
//   feeds (and no tags) is removed too, because an empty scope means "every feed" and keeping it
//   would silently widen it;
// - removing a destination that a watch still sends to is refused (409): dropping it from the
//   watch could leave a watch with nowhere to send, and the user should choose where it goes;
//   removing one that receives health events (docs/health.md) takes it out of that list;
// - every health-event destination exists.
// Not responsible for the shape of one entry (src/http/validate.ts, destination-shape.ts, feed-headers.ts).
import type { Watch } from '../model'
import { ConfigError } from '../lib/errors'
import type { ConfigDoc } from '../store/config'

export type Collection = 'feeds' | 'watches' | 'destinations'

/** How messages name one entry of each collection. */
export const NOUN: Record<Collection, string> = {
  feeds: 'feed',
  watches: 'watch',
  destinations: 'destination',
}

/** A broken rule. `conflict` marks a clash with what is stored (answered 409, not 400). */
export class IntegrityError extends ConfigError {
  readonly conflict: boolean
  constructor(field: string, message: string, conflict = false) {
    super(field, message)
    this.conflict = conflict
  }
}

/** Which entry a write is about: its problems are named relative to it (`destinations[0]`). */
export interface Focus {
  collection: Collection
  id: string
}

function fieldOf(
  config: ConfigDoc,
  collection: Collection,
  index: number,
  field: string,
  focus?: Focus,
): string {
  if (focus?.collection === collection && config[collection][index]?.id === focus.id) return field
  return `${collection}[${index}].${field}`
}

function checkUnique(config: ConfigDoc, collection: Collection, focus?: Focus): void {
  const seen = new Set<string>()
  config[collection].forEach((entry, i) => {
    if (seen.has(entry.id)) {
      const field = fieldOf(config, collection, i, 'id', focus)
      // A write about one entry clashes with what is stored; a document clashes with itself.
      const message =
        field === 'id'
          ? `${NOUN[collection]} ${entry.id} already exists`
          : `${entry.id} is used twice in ${collection}`
      throw new IntegrityError(field, message, true)
    }
    seen.add(entry.id)
  })
}

/** `config` unchanged when every rule holds; else an IntegrityError naming the first broken one. */
export function checkIntegrity(config: ConfigDoc, focus?: Focus): ConfigDoc {
  checkUnique(config, 'feeds', focus)
  checkUnique(config, 'watches', focus)
  checkUnique(config, 'destinations', focus)
  const urls = new Map<string, string>()
  config.feeds.forEach((feed, i) => {
    const other = urls.get(feed.url)
    if (other !== undefined) {
      throw new IntegrityError(
        fieldOf(config, 'feeds', i, 'url', focus),
        `feed ${other} already has this URL`,
        true,
      )
    }
    urls.set(feed.url, feed.id)
  })
  const destinations = new Set(config.destinations.map((d) => d.id))
  const feeds = new Set(config.feeds.map((f) => f.id))
  config.watches.forEach((watch, w) => {
    watch.destinations.forEach((d, i) => {
      if (!destinations.has(d)) {
        throw new IntegrityError(
          fieldOf(config, 'watches', w, `destinations[${i}]`, focus),
          `no destination with id ${d}`,
        )
      }
    })
    ;(watch.scope.feeds ?? []).forEach((f, i) => {
      if (!feeds.has(f)) {
        throw new IntegrityError(
          fieldOf(config, 'watches', w, `scope.feeds[${i}]`, focus),
          `no feed with id ${f}`,
        )
      }
    })
  })
  ;(config.healthDestinations ?? []).forEach((d, i) => {
    if (!destinations.has(d)) {
      throw new IntegrityError(`healthDestinations[${i}]`, `no destination with id ${d}`)
    }
  })
  return config
}

/** A watch's scope with feed `feedId` taken out, or undefined when nothing in scope is left. */
function withoutFeed(watch: Watch, feedId: string): Watch | undefined {
  const scoped = watch.scope.feeds
  if (!scoped?.includes(feedId)) return watch
  const feeds = scoped.filter((f) => f !== feedId)
  if (feeds.length === 0 && (watch.scope.tags ?? []).length === 0) return undefined
  const { feeds: _, ...others } = watch.scope
  return { ...watch, scope: feeds.length > 0 ? { ...others, feeds } : others }
}

/** What removing an entry did beside removing it: the watches changed or removed with a feed. */
export interface Removal {
  config: ConfigDoc
  watchesChanged: string[]
  watchesRemoved: string[]
}

/** Removes entry `id` of `collection` with its cascade; the caller has checked it exists. */
export function removeEntry(config: ConfigDoc, collection: Collection, id: string): Removal {
  const rest = { ...config, [collection]: config[collection].filter((e) => e.id !== id) }
  const removal: Removal = { config: rest, watchesChanged: [], watchesRemoved: [] }
  if (collection === 'destinations') {
    const user = config.watches.find((w) => w.destinations.includes(id))
    if (user) {
      throw new IntegrityError(
        'id',
        `destination ${id} is used by watch ${user.id}; remove it there first`,
        true,
      )
    }
    // Health events simply stop going there: unlike a watch, the setting is never left empty of
    // meaning (no destinations means no health messages, as before it was set).
    if (config.healthDestinations?.includes(id)) {
      removal.config = {
        ...rest,
        healthDestinations: config.healthDestinations.filter((d) => d !== id),
      }
    }
  }
  if (collection === 'feeds') {
    const watches: Watch[] = []
    for (const watch of config.watches) {
      const kept = withoutFeed(watch, id)
      if (kept === undefined) removal.watchesRemoved.push(watch.id)
      else {
        if (kept !== watch) removal.watchesChanged.push(watch.id)
        watches.push(kept)
      }
    }
    removal.config = { ...rest, watches }
  }
  return removal
}
