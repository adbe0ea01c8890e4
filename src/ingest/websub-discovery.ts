// WebSub discovery (W3C WebSub, §4): which hubs a feed names and which URL is its topic (rel=self).
// Pure: takes the final URL, the response's Link header and its body text; returns absolute URLs.
// Order of precedence (§4): HTTP Link headers first; only when they name no hub, the document's own
// links — `<link rel="hub|self">` (atom:link) in the head of an Atom or RSS document, or a JSON
// Feed's `hubs` and `feed_url`. YouTube channel feeds are served by Google's hub without naming it.
// Not responsible for fetching or subscribing (src/monitor/websub.ts).

export interface WebSubLinks {
  /** Hub URLs, absolute, in the order found (the first one is used). */
  hubs: string[]
  /** The topic URL: rel=self when given, else the URL the document was fetched from. */
  self: string
}

/** The hub YouTube channel feeds use (they publish through it without a rel=hub link). */
export const GOOGLE_HUB = 'https://pubsubhubbub.appspot.com/'

const YOUTUBE_HOSTS = new Set(['www.youtube.com', 'youtube.com'])

function absolute(href: string, base: string): string | undefined {
  try {
    const u = new URL(href.trim(), base)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined
  } catch {
    return undefined // a malformed href names no hub: the next candidate is tried
  }
}

/** `<url>; rel="hub"` pairs of an RFC 8288 Link header (rel may hold several space-separated). */
export function linksFromHeader(header: string | null | undefined, base: string) {
  const found: Array<{ rel: string[]; href: string }> = []
  if (!header) return found
  const linkRe = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g
  for (const m of header.matchAll(linkRe)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '')
    const href = absolute(m[1] ?? '', base)
    if (!rel || !href) continue
    found.push({ rel: (rel[1] ?? rel[2] ?? '').toLowerCase().split(/\s+/), href })
  }
  return found
}

/** The value of attribute `name` in one start tag's text. */
function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag)
  const raw = m ? (m[1] ?? m[2]) : undefined
  return raw
    ?.replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
}

/**
 * `<link rel=… href=…>` elements (any prefix: atom:link, link) in the document's head, i.e. before
 * its first entry or item, so an item's own links are never taken for the feed's.
 */
function linksFromXml(text: string, base: string) {
  const firstItem = text.search(/<(?:[\w-]+:)?(?:entry|item)[\s>]/)
  const head = firstItem === -1 ? text : text.slice(0, firstItem)
  const found: Array<{ rel: string[]; href: string }> = []
  for (const m of head.matchAll(/<(?:[\w-]+:)?link\b[^>]*>/gi)) {
    const rel = attribute(m[0], 'rel')
    const href = attribute(m[0], 'href')
    const url = href === undefined ? undefined : absolute(href, base)
    if (rel && url) found.push({ rel: rel.toLowerCase().split(/\s+/), href: url })
  }
  return found
}

function linksFromJson(text: string, base: string) {
  const found: Array<{ rel: string[]; href: string }> = []
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return found // not JSON after all: a JSON-looking body names no hubs
  }
  if (!doc || typeof doc !== 'object') return found
  const { hubs, feed_url } = doc as { hubs?: unknown; feed_url?: unknown }
  if (Array.isArray(hubs)) {
    for (const hub of hubs) {
      const url = (hub as { url?: unknown } | null)?.url
      const href = typeof url === 'string' ? absolute(url, base) : undefined
      if (href) found.push({ rel: ['hub'], href })
    }
  }
  const self = typeof feed_url === 'string' ? absolute(feed_url, base) : undefined
  if (self) found.push({ rel: ['self'], href: self })
  return found
}

function isYouTubeFeed(url: string): boolean {
  const u = new URL(url)
  return YOUTUBE_HOSTS.has(u.hostname) && u.pathname === '/feeds/videos.xml'
}

/**
 * The hubs and topic of a feed fetched from `url` (the final URL after redirects). Returns
 * `hubs: []` when the feed offers none.
 */
export function discoverWebSub(input: {
  url: string
  linkHeader?: string | null
  body: string
  contentType?: string | null
}): WebSubLinks {
  const fromHeader = linksFromHeader(input.linkHeader, input.url)
  const trimmed = input.body.trimStart()
  const isJson =
    /json/i.test(input.contentType ?? '') || trimmed.startsWith('{') || trimmed.startsWith('[')
  const fromDocument = isJson
    ? linksFromJson(trimmed, input.url)
    : linksFromXml(input.body, input.url)
  // Headers win (§4): the document is read only when the headers name no hub.
  const source = fromHeader.some((l) => l.rel.includes('hub')) ? fromHeader : fromDocument
  const hubs = [...new Set(source.filter((l) => l.rel.includes('hub')).map((l) => l.href))]
  const self =
    source.find((l) => l.rel.includes('self'))?.href ??
    [...fromHeader, ...fromDocument].find((l) => l.rel.includes('self'))?.href ??
    input.url
  if (hubs.length === 0 && isYouTubeFeed(self)) hubs.push(GOOGLE_HUB)
  return { hubs, self }
}
