// Redaction rules for anything that is, or may contain, a credential, used wherever text leaves
// the Worker (API answers, status, stored error messages, logs).
// Destination URLs are credentials (a Slack or Discord webhook URL is its own key): only the scheme
// and host are shown. Feed URLs are shown, but user:password and the values of query parameters
// that look like keys are masked.

export const MASK = '…'
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

/** Any http(s) URL inside `text`, redacted as a feed URL, or down to its host with `hostOnly`. */
export function redactUrlsIn(text: string, hostOnly = false): string {
  return text.replace(/https?:\/\/[^\s"'<>)]+/g, (url) =>
    hostOnly ? redactDestinationUrl(url) : redactFeedUrl(url),
  )
}
