// What the API and status may show of things that are, or may contain, credentials.
// Destination URLs are credentials (a Slack or Discord webhook URL is its own key): only the scheme
// and host are shown. Feed URLs are shown, but user:password and the values of query parameters
// that look like keys are masked. Header values and secrets are never shown.
import type { Destination, Feed } from '../model'

const MASK = '…'
const SECRET_PARAM =
  /^(?:.*[-_])?(?:key|token|secret|sig|signature|auth|password|pass|apikey|access_token|api_key)$/i

export function redactFeedUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return MASK // never echo something unparseable that might hold a secret
  }
  if (url.username) url.username = MASK
  if (url.password) url.password = MASK
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, MASK)
  }
  return url.toString()
}

export function redactDestinationUrl(raw: string): string {
  try {
    const url = new URL(raw)
    return `${url.protocol}//${url.host}/${MASK}`
  } catch {
    return MASK
  }
}

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
  const { secret, url, ...rest } = destination
  return { ...rest, url: redactDestinationUrl(url), signed: secret !== undefined }
}
