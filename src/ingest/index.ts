// The ingestion stage's public surface: fetch a feed politely, parse any feed format into the
// canonical model, and find feeds on web pages. Other stages import from here only.
export {
  openFeed,
  parseFeed,
  type OpenedFeed,
  type ParseOptions,
  type ParseResult,
} from './parse-feed'
export { ParseError } from './parse-error'
export { FetchError } from './fetch-error'
export {
  fetchFeed,
  type CacheHints,
  type FetchDeps,
  type FetchRequest,
  type FetchResult,
} from './fetch-feed'
export { COMMON_FEED_PATHS, discoverFeeds, looksLikeFeed, type DiscoveredFeed } from './discover'
export { canonicalizeUrl } from './url'
export { parseDate } from './dates'
export { htmlToText } from './html-text'
export { hash64 } from './hash'
export { FETCH_TIMEOUT_MS, MAX_FEED_BYTES, MAX_REDIRECTS, USER_AGENT } from './limits'
