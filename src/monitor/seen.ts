// The bounded seen-set of one feed: which items were already seen, so each is processed once, and
// how much of a feed a poll must read to find what is new. Pure: takes the stored set, the digests
// of the items read, and the minute. Why a poll may stop at a run of seen items, and why it reads
// the whole feed at least hourly: docs/decisions.md, 24.
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

/** How many items to remember for a feed of `length` items. */
export const seenCap = (length: number): number =>
  Math.min(SEEN_MAX, Math.max(SEEN_MIN, SEEN_FEED_MULTIPLE * length))

/**
 * A poll reads a feed newest first and stops after this many items in a row it has already seen:
 * a feed may pin an old item on top, or move an updated one up, which breaks no run of five; the
 * items beneath such a run were all seen (the feed adds news on top).
 */
export const SEEN_RUN_TO_STOP = 5

/**
 * The whole feed is read at least this often, so a feed that adds an item beneath older ones
 * shows it within the hour (and is then read whole at every poll: `insertsBelow`), and the
 * seen set is pruned by the feed's actual items.
 */
export const READ_WHOLE_EVERY_MINUTES = 60

/**
 * Whether this poll reads the whole feed: its first read (or after its URL changed), a feed known
 * to add items beneath older ones, or the hourly whole read; otherwise it may stop at a run of
 * seen items. Pure.
 */
export function readPlan(
  state: { readWholeAt?: string; insertsBelow?: boolean; seen: Array<[string, number]> },
  now: Date,
  first: boolean,
): { whole: boolean } {
  if (first || state.insertsBelow || state.seen.length === 0 || !state.readWholeAt) {
    return { whole: true }
  }
  const since = (now.getTime() - Date.parse(state.readWholeAt)) / 60_000
  return { whole: !(since < READ_WHOLE_EVERY_MINUTES) }
}

/**
 * `current` is every item in the feed now (a poll), or only the items a push brought: then pass
 * `cap` = SEEN_MAX, since a push's few items say nothing of the feed's length. A poll that stopped
 * early passes the feed's length as `cap`'s measure and as `keepNewest`: the items it did not read
 * are among the newest `keepNewest` entries remembered, and none of those is forgotten.
 */
export function updateSeen(
  seen: Array<[string, number]>,
  current: string[],
  minute: number,
  cap = seenCap(current.length),
  keepNewest = 0,
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
    for (const [d] of next.slice(Math.max(0, next.length - keepNewest))) inFeed.add(d)
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
