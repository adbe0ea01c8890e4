// The public shapes of feeds and destinations: what the API may show of things that are, or may
// contain, credentials (rules in src/lib/redact.ts). Header values and secrets are never shown.
import type { Destination, Feed } from '../model'
import { MASK, redactDestinationUrl, redactFeedUrl } from '../lib/redact'

export { redactDestinationUrl, redactFeedUrl }

export function publicFeed(feed: Feed) {
  return {
    ...feed,
    url: redactFeedUrl(feed.url),
    headers: feed.headers
      ? Object.fromEntries(Object.keys(feed.headers).map((k) => [k, MASK]))
      : undefined,
  }
}

export function publicDestination(destination: Destination) {
  const { secret, url, token, apiBase, ...rest } = destination
  return {
    ...rest,
    ...(url === undefined ? {} : { url: redactDestinationUrl(url) }),
    // A self-hosted Bot API server's address may carry credentials too: its host is enough.
    ...(apiBase === undefined ? {} : { apiBase: redactDestinationUrl(apiBase) }),
    ...(token === undefined ? {} : { tokenSet: true }),
    signed: secret !== undefined,
  }
}
