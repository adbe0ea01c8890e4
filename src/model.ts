// The canonical shapes every stage speaks.
// Raw XML/JSON shapes never leave src/ingest/. Stored documents (the configuration, feed-state
// shards, the delivery log) are read and written only by src/store/, which checks them on the way
// in; their types (FeedState, ShardDoc, ConfigDoc…) are declared there and used by the monitor, the
// consumer and the API, which compute on them but never touch KV or the configuration's Durable
// Object themselves.
// This file holds types only: no stage logic lives here.

/** A feed the user asked to watch. */
export interface Feed {
  id: string
  url: string
  title?: string
  /** Minimum minutes between polls chosen by the user; the feed's own signals may lengthen it. */
  intervalMinutes?: number
  enabled: boolean
  /** Extra request headers (e.g. Authorization for a private feed). Treated as secrets. */
  headers?: Record<string, string>
  tags: string[]
  /** How many of a new feed's current items may alert on its first poll (default 0: none). */
  backfill?: number
  /**
   * Items older than this many hours when first seen never alert (default: MAX_ITEM_AGE_HOURS;
   * 0 turns the cutoff off, e.g. for an archive being replayed on purpose).
   */
  maxItemAgeHours?: number
}

/** A media attachment (RSS enclosure, media:content, JSON Feed attachment). */
export interface Enclosure {
  url: string
  type?: string
  length?: number
}

/** Feed-level metadata found while parsing. */
export interface FeedMeta {
  format: FeedFormat
  title?: string
  /** The site's home page. */
  link?: string
  description?: string
  /** BCP 47 tag (`en-US`): the feed's own, else the Content-Language header's. */
  lang?: string
  /** RSS <ttl>, in minutes: the publisher's own hint about polling frequency. */
  ttlMinutes?: number
  /** RSS <skipHours>: GMT hours (0–23) the publisher asks not to be polled in, sorted. */
  skipHours?: number[]
  /** RSS <skipDays>: days (0 = Sunday, as Date.getUTCDay) not to be polled on, sorted. */
  skipDays?: number[]
  author?: string
  /** The publisher's id for the feed (Atom id, JSON Feed feed_url), as written. */
  id?: string
  /** ISO 8601 (UTC). */
  updated?: string
  published?: string
  /** Absolute URL of the feed's logo or artwork. */
  image?: string
  generator?: string
}

export type FeedFormat =
  | 'rss090'
  | 'rss091'
  | 'rss092'
  | 'rss093'
  | 'rss094'
  | 'rss20'
  | 'rss10'
  | 'atom03'
  | 'atom10'
  | 'json10'
  | 'json11'

/**
 * An item as it comes out of a parser: every text field is already plain text (HTML stripped,
 * entities decoded, whitespace normalised), every URL absolute.
 */
export interface ParsedItem {
  /** Stable identity within its feed: guid/id, then canonical link, then a content hash. */
  key: string
  /**
   * The publisher's own id (RSS guid, Atom id, JSON Feed id, RDF rdf:about), resolved against
   * xml:base / the feed URL when it is a relative reference. Several items may share one.
   */
  guid?: string
  /** The link as published (absolute). */
  url?: string
  /** The link normalised for cross-feed identity (tracking parameters and fragment dropped). */
  canonicalUrl?: string
  title: string
  summary: string
  content: string
  /** `content` as sanitised HTML (allowlisted elements, absolute http(s) links), when it was HTML. */
  contentHtml?: string
  author?: string
  categories: string[]
  /** ISO 8601 (UTC) — absent when the feed gave none or gave one that could not be parsed. */
  published?: string
  updated?: string
  lang?: string
  enclosures: Enclosure[]
}

/** An item once the monitor knows which feed it came from. */
export interface Item extends ParsedItem {
  feedId: string
}

export type DeliveryMode = 'instant' | 'digest'

/**
 * When a digest is sent: every N minutes (aligned to the epoch, so restarts do not shift it), or
 * daily at a local time in a named IANA time zone (DST-correct).
 */
export type DigestSchedule =
  | { everyMinutes: number }
  | { dailyAt: string /* HH:MM, 24-hour */; timeZone: string /* e.g. Europe/Paris */ }

/** A keyword watch: a query, where it applies, and where its matches go. */
export interface Watch {
  id: string
  name: string
  query: string
  /** Limit the watch to these feeds (ids) and/or feeds with these tags; empty means all feeds. */
  scope: { feeds?: string[]; tags?: string[] }
  destinations: string[]
  mode: DeliveryMode
  /** Required when `mode` is `digest`. */
  digest?: DigestSchedule
  enabled: boolean
  /** Opt-in language features (see docs/query-language.md). */
  options?: { stem?: boolean; transliterate?: boolean }
}

export type DestinationType =
  'webhook' | 'slack' | 'discord' | 'teams' | 'telegram' | 'ntfy' | 'googlechat' | 'email'

/**
 * Where alerts go. Which fields apply depends on `type`:
 * - webhook: `url`, `secret`; slack, discord, teams, googlechat: `url`;
 * - ntfy: `url` (the topic URL on any server), optional `token`;
 * - telegram: `token` (bot token), `chatId`, optional `apiBase` (self-hosted Bot API server);
 * - email: `to` (one or several addresses).
 * `url`, `secret` and `token` are credentials: never echoed back, never logged.
 */
export interface Destination {
  id: string
  name: string
  type: DestinationType
  url?: string
  /** Standard Webhooks signing secret (`whsec_…`). */
  secret?: string
  token?: string
  chatId?: string
  apiBase?: string
  to?: string[]
  /** `digest` batches this destination's alerts on `digest`'s schedule; default instant. */
  mode?: DeliveryMode
  digest?: DigestSchedule
  enabled: boolean
}

/** One hit of a query term in an item. Offsets are UTF-16 code units into the field's text. */
export interface Hit {
  field: string
  term: string
  start: number
  end: number
}

/** Why an alert fired: which terms matched, in which fields, and a snippet around the best hit. */
export interface MatchExplanation {
  terms: string[]
  fields: string[]
  hits: Hit[]
  /** A few words around the best hit, plain text. */
  snippet: string
  /** Hit spans inside `snippet` (UTF-16 offsets, end exclusive), for bold or <mark> rendering. */
  highlights: Array<[number, number]>
}

/** What travels through the deliveries queue: one alert for one destination. */
export interface Alert {
  /** hash(watchId, storyKey, destinationId): stable across retries; the receiver's idempotency key. */
  id: string
  watch: { id: string; name: string; query: string }
  feed: { id: string; title?: string; url: string }
  item: Item
  match: MatchExplanation
  destinationId: string
  /** ISO time the tick that found the item ran. */
  detectedAt: string
}
