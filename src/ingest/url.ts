// URL helpers for ingestion: resolving relative links (xml:base, the feed's link, the fetch URL)
// and the canonical form used for cross-feed identity. Not responsible for fetching or for
// deciding which URLs are allowed (the fetcher checks schemes). Follows the WHATWG URL Standard
// (via `URL`) and RFC 3986 reference resolution.

/**
 * Query parameters that only track the reader, never select content. `utm_*` is matched by prefix.
 * Deliberately short: dropping a parameter that selects content would merge distinct stories.
 */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
  'wt_mc',
  'ns_campaign',
  'ns_source',
  'ns_mchannel',
  'ns_linkname',
  'ns_fee',
  'rss_id',
  'cmpid',
  'ito',
])

function isTracking(name: string): boolean {
  const lower = name.toLowerCase()
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower)
}

/** Absolute form of `ref` against `base`; undefined when it cannot be made an http(s) URL. */
export function resolveUrl(ref: string | undefined, base: string | undefined): string | undefined {
  if (ref === undefined) return undefined
  const trimmed = ref.trim()
  if (trimmed === '') return undefined
  try {
    const u = base ? new URL(trimmed, base) : new URL(trimmed)
    return u.href
  } catch (cause) {
    void cause // not a URL: callers treat absence as "no link", which is the honest answer
    return undefined
  }
}

/**
 * The form of a link used to recognise one story across feeds and polls: tracking parameters
 * (utm_*, fbclid, gclid, mc_eid, ...) and the fragment dropped, host lower-cased, default port
 * dropped. Every other parameter keeps its place and spelling: nothing is sorted or re-encoded.
 * A string that is not a URL comes back trimmed.
 */
export function canonicalizeUrl(url: string): string {
  const trimmed = url.trim()
  let u: URL
  try {
    u = new URL(trimmed)
  } catch (cause) {
    void cause // not a URL: the trimmed text is the best identity we have
    return trimmed
  }
  u.hash = ''
  const search = u.search
  if (search.length > 1) {
    const kept = search
      .slice(1)
      .split('&')
      .filter((pair) => {
        if (pair === '') return false
        const eq = pair.indexOf('=')
        return !isTracking(eq === -1 ? pair : pair.slice(0, eq))
      })
    u.search = kept.length > 0 ? '?' + kept.join('&') : ''
  }
  return u.href
}
