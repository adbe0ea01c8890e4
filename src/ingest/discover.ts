// Autodiscovery, pure: feeds a web page advertises (`<link rel="alternate">` with a feed type, as
// in the RSS Autodiscovery spec, rssboard.org/rss-autodiscovery, and JSON Feed 1.1's
// `application/feed+json`), links to obvious feed URLs, the common paths a caller may try, and a
// cheap sniff of whether a body is a feed or an HTML page. Not responsible for fetching the
// candidates (the API does, through fetchFeed).
import { decodeEntities } from './entities'
import { resolveUrl } from './url'

export interface DiscoveredFeed {
  url: string
  type: 'rss' | 'atom' | 'json'
  title?: string
}

/** Paths to try, most likely first, when a page advertises no feed. Each costs one subrequest. */
export const COMMON_FEED_PATHS: string[] = [
  '/feed',
  '/rss.xml',
  '/feed.xml',
  '/atom.xml',
  '/index.xml',
  '/rss',
  '/feed.json',
  '/feeds/posts/default',
  '/?feed=rss2',
  '/blog/feed',
]

/** Only the start of a page is scanned: `<link>`s live in the head. */
const DISCOVERY_SCAN_CHARS = 512 * 1024

const TYPES: Record<string, DiscoveredFeed['type']> = {
  'application/rss+xml': 'rss',
  'application/rdf+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
}

const TAG = /<(link|a|base)\b([^<>]*)>/gi
const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g
const FEEDISH_PATH =
  /(?:\/(?:feed|rss|atom)(?:\/|\.xml|\.json)?|\.rss|\/feed\.json|\/(?:rss|atom|feed)[\w-]*\.xml)$/i

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of s.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase()
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  }
  return out
}

function typeFromPath(url: string): DiscoveredFeed['type'] {
  const path = url.toLowerCase()
  if (path.endsWith('.json')) return 'json'
  return path.includes('atom') ? 'atom' : 'rss'
}

/** Feeds the HTML page at `baseUrl` points to: advertised ones first, then obvious links. */
export function discoverFeeds(html: string, baseUrl: string): DiscoveredFeed[] {
  const head = html.length > DISCOVERY_SCAN_CHARS ? html.slice(0, DISCOVERY_SCAN_CHARS) : html
  let base = baseUrl
  const advertised: DiscoveredFeed[] = []
  const linked: DiscoveredFeed[] = []
  for (const m of head.matchAll(TAG)) {
    const tag = m[1]!.toLowerCase()
    const a = attrs(m[2]!)
    if (tag === 'base') {
      base = resolveUrl(a.href, baseUrl) ?? base
      continue
    }
    if (!a.href) continue
    if (tag === 'link') {
      const rel = (a.rel ?? '').toLowerCase().split(/\s+/)
      const type = TYPES[(a.type ?? '').toLowerCase().split(';')[0]!.trim()]
      if (!type || !(rel.includes('alternate') || rel.includes('feed'))) continue
      const url = resolveUrl(a.href, base)
      if (!url || !/^https?:/.test(url)) continue
      const f: DiscoveredFeed = { url, type }
      if (a.title?.trim()) f.title = a.title.trim()
      advertised.push(f)
    } else {
      const url = resolveUrl(a.href, base)
      if (!url || !/^https?:/.test(url)) continue
      const path = new URL(url).pathname
      if (!FEEDISH_PATH.test(path) && !/[?&]feed=(?:rss2?|atom)\b/.test(url)) continue
      const f: DiscoveredFeed = { url, type: typeFromPath(path) }
      if (a.title?.trim()) f.title = a.title.trim()
      linked.push(f)
    }
  }
  const out: DiscoveredFeed[] = []
  for (const f of [...advertised, ...linked]) if (!out.some((o) => o.url === f.url)) out.push(f)
  return out
}

const FEED_TYPE = /(?:rss|atom|rdf)\+xml|feed\+json/i
const HEAD_CHARS = 2048

/**
 * Is this body a feed (RSS, RDF, Atom, JSON Feed) rather than an HTML page? A cheap sniff of the
 * first few KB; a feed Content-Type is believed. Not a validation: parseFeed has the last word.
 */
export function looksLikeFeed(body: Uint8Array | string, contentType?: string): boolean {
  if (contentType && FEED_TYPE.test(contentType)) return true
  let head: string
  if (typeof body === 'string') head = body.slice(0, HEAD_CHARS)
  else {
    let bytes = body.subarray(0, HEAD_CHARS)
    // UTF-16 feeds: keep every other byte so the ASCII markup can be sniffed.
    if (
      (bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff) ||
      bytes[0] === 0 ||
      bytes[1] === 0
    ) {
      bytes = bytes.filter((b) => b !== 0)
    }
    head = new TextDecoder('windows-1252').decode(bytes)
  }
  head = head.replace(/^[\s\ufeff\u00ef\u00bb\u00bf\u00ff\u00fe]+/, '')
  if (head.startsWith('{'))
    return (
      /"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\//.test(head) || /"items"\s*:/.test(head)
    )
  const lower = head.toLowerCase()
  const html = lower.search(/<(?:!doctype\s+html|html[\s>])/)
  const feed = head.search(/<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>]/)
  if (feed === -1) return false
  return html === -1 || feed < html
}
