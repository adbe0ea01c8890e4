// Turning matches into alerts: pure apart from hashing. One alert per (watch, story, destination),
// with an id that is the same whichever feed or tick produced it, so the consumer and receivers
// deduplicate on it ("once per story per watch", docs/decisions.md, 4). Every alert is cut to its
// size bounds (alert-bounds.ts).
import type { Alert, Feed, Item, MatchExplanation, Watch } from '../model'
import { shortHash } from '../lib/hash'
import { boundAlert } from './alert-bounds'

/** Titles shorter than this are too generic ("Live", "Update") to identify a story by. */
const MIN_FINGERPRINT_WORDS = 5

/** A title reduced to its lower-case letters and digits, for recognising a re-published story. */
export function titleFingerprint(title: string): string | undefined {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
  return words.length >= MIN_FINGERPRINT_WORDS ? words.join(' ') : undefined
}

/**
 * What identifies the story an item tells: its canonical URL when no other item of the same feed
 * shares it (some feeds link every item to their home page), else a fingerprint of a descriptive
 * title, else the item's own key.
 */
export function storyKey(item: Item, sharedUrls: ReadonlySet<string>): string {
  if (item.canonicalUrl && !sharedUrls.has(item.canonicalUrl)) return `u:${item.canonicalUrl}`
  const fingerprint = titleFingerprint(item.title)
  if (fingerprint) return `t:${fingerprint}`
  return `k:${item.feedId}:${item.key}`
}

/** Canonical URLs that more than one item of a feed uses. */
export function sharedCanonicalUrls(items: Item[]): Set<string> {
  const seen = new Set<string>()
  const shared = new Set<string>()
  for (const { canonicalUrl } of items) {
    if (!canonicalUrl) continue
    if (seen.has(canonicalUrl)) shared.add(canonicalUrl)
    seen.add(canonicalUrl)
  }
  return shared
}

export async function buildAlerts(args: {
  watch: Watch
  feed: Feed
  item: Item
  story: string
  match: MatchExplanation
  detectedAt: Date
  /** The title the feed gives itself, carried when the user gave the feed none. */
  feedTitle?: string
}): Promise<Alert[]> {
  const { watch, feed, item, story, match } = args
  const title = feed.title ?? args.feedTitle
  return Promise.all(
    watch.destinations.map(async (destinationId) =>
      boundAlert({
        id: await shortHash(watch.id, story, destinationId),
        watch: { id: watch.id, name: watch.name, query: watch.query },
        feed: { id: feed.id, ...(title === undefined ? {} : { title }), url: feed.url },
        item,
        match,
        destinationId,
        detectedAt: args.detectedAt.toISOString(),
      }),
    ),
  )
}

/** Whether a watch applies to a feed: no scope means every feed. */
export function inScope(watch: Watch, feed: Feed): boolean {
  const feeds = watch.scope.feeds ?? []
  const tags = watch.scope.tags ?? []
  if (feeds.length === 0 && tags.length === 0) return true
  return feeds.includes(feed.id) || tags.some((t) => feed.tags.includes(t))
}
