// JSON Feed adapter: JSON Feed 1.0 and 1.1 (jsonfeed.org/version/1.1) into FeedMeta and items.
// Every field is type-checked (a feed is untrusted JSON); content_html is reduced to text (and
// kept sanitised as contentHtml),
// content_text normalised. 1.1's `authors` and `language` are read, as is 1.0's `author`.
// Not responsible for keys (identity.ts).
import type { Enclosure, FeedFormat, FeedMeta } from '../model'
import { parseDate } from './dates'
import { bcp47, excerpt, pushEnclosure, resolveId, uniqueStrings, withContentHtml } from './fields'
import { htmlToText, normalizeSpace } from './html-text'
import type { Ident, KeylessItem } from './identity'
import { DateReader, type FeedRead } from './rss'
import { canonicalizeUrl, resolveUrl } from './url'

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined
}

function authorOf(o: Record<string, unknown>): string | undefined {
  const authors = Array.isArray(o.authors) ? o.authors : o.author !== undefined ? [o.author] : []
  const names = authors
    .map((a) => str(obj(a)?.name))
    .filter((n): n is string => !!n)
    .map(normalizeSpace)
  return names.length ? names.join(', ') : undefined
}

/** The JSON Feed format of a parsed document, or undefined when it is not a JSON Feed. */
export function jsonFeedFormat(doc: unknown): FeedFormat | undefined {
  const o = obj(doc)
  if (!o) return undefined
  const version = str(o.version)
  if (version && /jsonfeed\.org\/version\/1\.1/.test(version)) return 'json11'
  if (version && /jsonfeed\.org\/version\/1/.test(version)) return 'json10'
  // No version but the shape of a JSON Feed: read it as 1.1, the current version.
  if (!version && Array.isArray(o.items) && typeof o.title === 'string') return 'json11'
  return undefined
}

export function readJsonFeed(
  doc: Record<string, unknown>,
  format: FeedFormat,
  url: string,
  contentLanguage?: string,
): FeedRead {
  const counter = new DateReader()
  const dateOf = (v: unknown) => {
    const s = str(v)
    if (s === undefined) return undefined
    const d = parseDate(s)
    if (d === undefined) counter.bad++
    return d
  }
  const feed: FeedMeta = { format }
  const title = str(doc.title)
  if (title) feed.title = normalizeSpace(title)
  const home = resolveUrl(str(doc.home_page_url), url)
  if (home) feed.link = home
  const description = str(doc.description)
  if (description) feed.description = normalizeSpace(description)
  const lang = bcp47(str(doc.language) ?? contentLanguage)
  if (lang) feed.lang = lang
  const base = home ?? url
  const feedAuthor = authorOf(doc)
  if (feedAuthor) feed.author = feedAuthor
  const feedId = str(doc.feed_url)
  if (feedId) feed.id = feedId
  const image = resolveUrl(str(doc.icon) ?? str(doc.favicon), base)
  if (image) feed.image = image

  const nodes: unknown[] = Array.isArray(doc.items) ? doc.items : []
  const linkOf = (it: Record<string, unknown>) =>
    resolveUrl(str(it.url) ?? str(it.external_url), base)
  const idOf = (it: Record<string, unknown>) => {
    const id = str(it.id)
    return id && id.trim() ? id.trim() : undefined
  }

  const readItem = (raw: unknown): KeylessItem | undefined => {
    const it = obj(raw)
    if (!it) return undefined
    const link = linkOf(it)
    const html = str(it.content_html)
    const text = str(it.content_text)
    const content =
      html !== undefined ? htmlToText(html) : text !== undefined ? normalizeSpace(text) : ''
    const summaryRaw = str(it.summary)
    const summary = summaryRaw !== undefined ? normalizeSpace(summaryRaw) : excerpt(content)
    const enclosures: Enclosure[] = []
    for (const att of Array.isArray(it.attachments) ? it.attachments : []) {
      const a = obj(att)
      if (!a) continue
      pushEnclosure(
        enclosures,
        resolveUrl(str(a.url), base),
        str(a.mime_type),
        str(a.size_in_bytes),
      )
    }
    const image = resolveUrl(str(it.image), base)
    if (image) pushEnclosure(enclosures, image, 'image', undefined)
    const item: KeylessItem = {
      title: normalizeSpace(str(it.title) ?? ''),
      summary,
      content,
      categories: uniqueStrings(
        (Array.isArray(it.tags) ? it.tags : []).map((t) => {
          const s = str(t)
          return s === undefined ? undefined : normalizeSpace(s)
        }),
      ),
      enclosures,
    }
    if (html !== undefined && content)
      withContentHtml(item, { text: content, html, base: link ?? base })
    const id = idOf(it)
    if (id) {
      item.id = id
      item.guid = resolveId(id, base)
    }
    if (link) {
      item.url = link
      item.canonicalUrl = canonicalizeUrl(link)
    }
    const author = authorOf(it) ?? feedAuthor
    if (author) item.author = author
    const published = dateOf(it.date_published)
    if (published) item.published = published
    const updated = dateOf(it.date_modified)
    if (updated) item.updated = updated
    const itemLang = bcp47(str(it.language)) ?? lang
    if (itemLang) item.lang = itemLang
    return item
  }
  const ident = (raw: unknown): Ident => {
    const it = obj(raw)
    if (!it) return {}
    return {
      id: idOf(it),
      canonicalUrl: () => {
        const link = linkOf(it)
        return link ? canonicalizeUrl(link) : undefined
      },
    }
  }
  const when = (raw: unknown): string | undefined => {
    const it = obj(raw)
    return it ? (parseDate(str(it.date_published)) ?? parseDate(str(it.date_modified))) : undefined
  }
  return { feed, nodes, item: readItem, ident, when, dates: counter }
}
