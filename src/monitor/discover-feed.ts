// Feed autodiscovery for a URL a user gives: itself if it serves a feed, else the first
// `<link rel="alternate">` feed of its HTML page that the address guard allows, else the first
// common feed path that serves one (the ingest stage's discoverFeeds, looksLikeFeed and
// COMMON_FEED_PATHS, docs/ingestion.md). `deps.fetch` is guarded, so redirects are checked too.
// Not responsible for storing the feed (src/config/entries.ts).
import {
  COMMON_FEED_PATHS,
  FetchError,
  discoverFeeds,
  fetchFeed,
  looksLikeFeed,
  type DiscoveredFeed,
} from '../ingest'
import { isAllowedUrl, type AddressPolicy } from '../lib/address-guard'
import { errorMessage } from '../lib/errors'
import { redactFeedUrl, redactUrlsIn } from '../lib/redact'

/** What autodiscovery found, returned with the created feed so the user sees what was stored. */
export interface Discovery {
  requested: string
  found: string
  via: 'direct' | 'link-alternate' | 'common-path'
  candidates: DiscoveredFeed[]
}

/** The URL cannot be fetched, or serves no feed and links to none (the API answers 422). */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError'
  readonly field = 'url'
  constructor(message: string, options?: { cause?: unknown }) {
    super(`url: ${message}`, options)
  }
}

const decoder = new TextDecoder()

export async function discoverFeed(
  url: string,
  headers: Record<string, string> | undefined,
  deps: { fetch: typeof fetch },
  policy: AddressPolicy,
): Promise<Discovery> {
  let page
  try {
    page = await fetchFeed({ url, headers }, { fetch: deps.fetch })
  } catch (cause) {
    throw new DiscoveryError(`could not fetch it: ${redactUrlsIn(errorMessage(cause))}`, { cause })
  }
  if (page.kind === 'not-modified' || looksLikeFeed(page.body, page.contentType)) {
    return { requested: url, found: page.url, via: 'direct', candidates: [] }
  }
  const candidates = discoverFeeds(decoder.decode(page.body), page.url).filter((f) =>
    isAllowedUrl(f.url, 'feed', policy),
  )
  const first = candidates[0]
  if (first) return { requested: url, found: first.url, via: 'link-alternate', candidates }
  for (const path of COMMON_FEED_PATHS) {
    const guess = new URL(path, page.url).toString()
    try {
      const res = await fetchFeed({ url: guess, headers }, { fetch: deps.fetch })
      if (res.kind === 'ok' && looksLikeFeed(res.body, res.contentType)) {
        return { requested: url, found: res.url, via: 'common-path', candidates: [] }
      }
    } catch (error) {
      if (!(error instanceof FetchError)) throw error
      // A missing common path is the normal case: try the next one.
    }
  }
  throw new DiscoveryError(
    `${redactFeedUrl(url)} is an HTML page with no feed link, and none of the common feed paths answered`,
  )
}
