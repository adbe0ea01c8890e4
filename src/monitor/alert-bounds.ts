// The size bounds of an alert, in one place: every text field and list an alert carries is cut to a
// named limit, then the whole alert is measured as the queue will carry it (UTF-8 JSON) and cut
// further until it fits MAX_ALERT_BYTES — whatever the item, even one repeating a term thousands of
// times (docs/decisions.md, 15). Pure. Not responsible for what each service shows (channels
// truncate to their own limits when rendering).
import type { Alert, Enclosure, Hit, Item, MatchExplanation } from '../model'

/**
 * The most an alert may weigh as UTF-8 JSON. Queues accept 128 KB per message and 256 KB per
 * sendBatch; 32 KiB leaves room for the queue's own envelope and lets a batch carry 8 alerts of the
 * worst kind, while every real headline, summary and snippet fits with room to spare.
 */
export const MAX_ALERT_BYTES = 32 * 1024

/** A headline longer than this is not a headline; receivers show a line or two. */
export const MAX_TITLE_CHARS = 1_000
/** Summary and content: enough for a reader to judge the match without opening the link. */
export const MAX_SUMMARY_CHARS = 4_000
export const MAX_CONTENT_CHARS = 4_000
/** The practical URL length that browsers, CDNs and chat services all accept. */
export const MAX_URL_CHARS = 2_048
/** Item keys (often a GUID URL) and watch queries: identifiers, not prose. */
export const MAX_KEY_CHARS = 512
export const MAX_QUERY_CHARS = 2_000
/** Author, language, names, a matched term, a MIME type: short by nature. */
export const MAX_SHORT_CHARS = 200
/** The snippet is "a few words around the best hit". */
export const MAX_SNIPPET_CHARS = 500
/** Categories, enclosures, matched terms and fields: the first few tell the story. */
export const MAX_LIST_ENTRIES = 20
/**
 * Hits: a receiver highlights a handful. An item repeating a term 5,000 times gave 5,000 hits and a
 * 319 KB alert before this bound.
 */
export const MAX_HITS = 50
export const MAX_HIGHLIGHTS = 20

/** `s` cut to at most `max` UTF-16 units, never splitting a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s
  const end = max > 0 && /[\uD800-\uDBFF]/.test(s.charAt(max - 1)) ? max - 1 : max
  return s.slice(0, end)
}

const clipOpt = (s: string | undefined, max: number): string | undefined =>
  s === undefined ? undefined : clip(s, max)

const encoder = new TextEncoder()
/** The alert's size as the queue carries it. */
export const alertBytes = (alert: Alert): number => encoder.encode(JSON.stringify(alert)).byteLength

function boundEnclosure(e: Enclosure, urlMax: number, shortMax: number): Enclosure {
  return { ...e, url: clip(e.url, urlMax), type: clipOpt(e.type, shortMax) }
}

function boundItem(item: Item, limits: Limits): Item {
  // An alert carries plain text only: the item's sanitised HTML (contentHtml) is left out, since
  // HTML cannot be cut to a bound without breaking its markup, and no channel renders it yet. It
  // is left out unread: destructuring or spreading would run its lazy getter, sanitising the
  // HTML only to drop it (src/ingest/fields.ts, withContentHtml).
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(item)) {
    if (key !== 'contentHtml') rest[key] = item[key as keyof Item]
  }
  return {
    ...(rest as Omit<Item, 'contentHtml'>),
    key: clip(item.key, limits.key),
    guid: clipOpt(item.guid, limits.url),
    url: clipOpt(item.url, limits.url),
    canonicalUrl: clipOpt(item.canonicalUrl, limits.url),
    title: clip(item.title, limits.title),
    summary: clip(item.summary, limits.summary),
    content: clip(item.content, limits.content),
    author: clipOpt(item.author, limits.short),
    categories: item.categories.slice(0, limits.list).map((c) => clip(c, limits.short)),
    published: clipOpt(item.published, limits.short),
    updated: clipOpt(item.updated, limits.short),
    lang: clipOpt(item.lang, limits.short),
    enclosures: item.enclosures
      .slice(0, limits.list)
      .map((e) => boundEnclosure(e, limits.url, limits.short)),
  }
}

function boundMatch(match: MatchExplanation, limits: Limits): MatchExplanation {
  const snippet = clip(match.snippet, limits.snippet)
  const hits: Hit[] = match.hits
    .slice(0, limits.hits)
    .map((h) => ({ ...h, field: clip(h.field, limits.short), term: clip(h.term, limits.short) }))
  return {
    terms: match.terms.slice(0, limits.list).map((t) => clip(t, limits.short)),
    fields: match.fields.slice(0, limits.list).map((f) => clip(f, limits.short)),
    hits,
    snippet,
    // Highlights point into the snippet: those beyond its cut end go, the last one is clamped.
    highlights: match.highlights
      .filter(([start]) => start < snippet.length)
      .slice(0, limits.highlights)
      .map(([start, end]): [number, number] => [start, Math.min(end, snippet.length)]),
  }
}

interface Limits {
  title: number
  summary: number
  content: number
  url: number
  key: number
  query: number
  short: number
  snippet: number
  list: number
  hits: number
  highlights: number
}

const LIMITS: Limits = {
  title: MAX_TITLE_CHARS,
  summary: MAX_SUMMARY_CHARS,
  content: MAX_CONTENT_CHARS,
  url: MAX_URL_CHARS,
  key: MAX_KEY_CHARS,
  query: MAX_QUERY_CHARS,
  short: MAX_SHORT_CHARS,
  snippet: MAX_SNIPPET_CHARS,
  list: MAX_LIST_ENTRIES,
  hits: MAX_HITS,
  highlights: MAX_HIGHLIGHTS,
}

function applyLimits(alert: Alert, limits: Limits): Alert {
  return {
    // Ids are left whole: they route and deduplicate the alert, and are short by construction (a
    // hash, or an id the API limits to 64 characters).
    ...alert,
    watch: {
      id: alert.watch.id,
      name: clip(alert.watch.name, limits.short),
      query: clip(alert.watch.query, limits.query),
    },
    feed: {
      id: alert.feed.id,
      title: clipOpt(alert.feed.title, limits.short),
      url: clip(alert.feed.url, limits.url),
    },
    item: boundItem(alert.item, limits),
    match: boundMatch(alert.match, limits),
  }
}

/**
 * `alert` within its bounds. First the named limits; if the alert is still over MAX_ALERT_BYTES
 * (text that JSON escapes, or many characters of three UTF-8 bytes), content then summary are
 * halved, and as a last resort every field and list is cut shorter until it fits. Always ends: at
 * the smallest step an alert is a few kilobytes whatever its characters.
 */
export function boundAlert(alert: Alert): Alert {
  let limits = LIMITS
  let bounded = applyLimits(alert, limits)
  while (alertBytes(bounded) > MAX_ALERT_BYTES) {
    if (limits.content > 0) limits = { ...limits, content: Math.floor(limits.content / 2) }
    else if (limits.summary > 0) limits = { ...limits, summary: Math.floor(limits.summary / 2) }
    else {
      // Everything else, halved together (never below a few characters, so ids stay readable).
      const half = (n: number) => Math.max(8, Math.floor(n / 2))
      const next: Limits = {
        ...limits,
        title: half(limits.title),
        url: half(limits.url),
        key: half(limits.key),
        query: half(limits.query),
        short: half(limits.short),
        snippet: half(limits.snippet),
        list: Math.max(1, Math.floor(limits.list / 2)),
        hits: Math.floor(limits.hits / 2),
        highlights: Math.floor(limits.highlights / 2),
      }
      if (JSON.stringify(next) === JSON.stringify(limits)) break
      limits = next
    }
    bounded = applyLimits(alert, limits)
  }
  return bounded
}
