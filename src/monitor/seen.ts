// The bounded seen-set of one feed: which items were already seen, so each is processed once.
// Pure: takes the stored set, the digests of the items in the feed now, and the minute.
//
// Every item currently in the feed stays remembered; items that left the feed are forgotten oldest
// first once the set exceeds its bound. The bound is several times the feed's length, so an item
// must be gone from the feed for a long time before a reappearance could look new — and then the
// age cutoff still keeps an old dated item from alerting.

/** Remember at least this many items per feed, whatever the feed's length. */
export const SEEN_MIN = 200
/** Remember at most this many (about 20 KB of state per feed). */
export const SEEN_MAX = 2000
/** ...and at least this many times the feed's current length. */
export const SEEN_FEED_MULTIPLE = 3

export interface SeenUpdate {
  /** Digests not seen before, in feed order. */
  fresh: string[]
  next: Array<[string, number]>
  changed: boolean
}

/**
 * `current` is every item in the feed now (a poll), or only the items a push brought: then pass
 * `cap` = SEEN_MAX, since a push's few items say nothing of the feed's length.
 */
export function updateSeen(
  seen: Array<[string, number]>,
  current: string[],
  minute: number,
  cap = Math.min(SEEN_MAX, Math.max(SEEN_MIN, SEEN_FEED_MULTIPLE * current.length)),
): SeenUpdate {
  const known = new Set(seen.map(([d]) => d))
  const fresh: string[] = []
  const freshSet = new Set<string>()
  for (const d of current) {
    if (!known.has(d) && !freshSet.has(d)) {
      fresh.push(d)
      freshSet.add(d)
    }
  }
  let next = seen.concat(fresh.map((d): [string, number] => [d, minute]))
  if (next.length > cap) {
    const inFeed = new Set(current)
    let excess = next.length - cap
    // Drop the oldest entries that are no longer in the feed; never one that still is.
    next = next.filter(([d]) => {
      if (excess > 0 && !inFeed.has(d)) {
        excess--
        return false
      }
      return true
    })
  }
  return { fresh, next, changed: fresh.length > 0 || next.length !== seen.length }
}
