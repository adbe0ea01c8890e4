// RSS adapter: RSS 0.90–0.94 and 2.0 (RSS Board specification, rssboard.org/rss-specification)
// and RSS 1.0 / RDF Site Summary (web.resource.org/rss/1.0/spec), read from the tree xml.ts
// produced, into the canonical FeedMeta and items. Modules by namespace URI: content:encoded,
// dc:creator/date/subject/language, media:content/thumbnail/description/group, atom:link,
// itunes:author/summary, feedburner:origLink. Not responsible for repairs (xml.ts) or keys
// (identity.ts).
import type { Enclosure, FeedFormat, FeedMeta } from '../model'
import { parseDate } from './dates'
import {
  authorName,
  excerpt,
  htmlOf,
  mediaDescription,
  pushEnclosure,
  readMedia,
  textOf,
  uniqueStrings,
  type ReadContext,
} from './fields'
import type { KeylessItem } from './identity'
import { canonicalizeUrl, resolveUrl } from './url'
import { asArray, attr, first, isObject, type Names, type NsKey } from './xml'

/** Raw-text elements for RSS documents (read as markup, not parsed as elements). */
export function rssStopNodes(names: Names, rdf: NsKey | undefined): string[] {
  const el = (local: string) => (rdf ? names.q(rdf, local) : local)
  return [
    el('title'),
    el('description'),
    names.q('content', 'encoded'),
    names.q('media', 'description'),
    names.q('itunes', 'summary'),
    names.q('dc', 'description'),
  ]
}

export interface FeedRead {
  feed: FeedMeta
  items: KeylessItem[]
  /** Dates present but unreadable. */
  badDates: number
}

function dateOf(node: unknown, counter: { bad: number }): string | undefined {
  const s = textOf(node)
  if (s === undefined) return undefined
  const d = parseDate(s)
  if (d === undefined) counter.bad++
  return d
}

/** The `<link>` text of a channel or item, skipping any element form that is not text. */
function linkText(node: unknown): string | undefined {
  for (const l of asArray(node)) {
    const t = textOf(l)
    if (t) return t
  }
  return undefined
}

/**
 * Read an RSS 0.9x/2.0 (`rdf` undefined) or RDF (`rdf` = the namespace of its elements) document.
 */
export function readRss(
  root: Record<string, unknown>,
  names: Names,
  format: FeedFormat,
  rdf: NsKey | undefined,
  ctx: ReadContext,
): FeedRead {
  const el = (local: string) => (rdf ? names.q(rdf, local) : local)
  const dc = (local: string) => names.q('dc', local)
  const media = (local: string) => names.q('media', local)
  const channel = (
    isObject(first(root[el('channel')])) ? first(root[el('channel')]) : {}
  ) as Record<string, unknown>
  const counter = { bad: 0 }

  const channelBase = resolveUrl(attr(channel, 'xml:base') ?? attr(root, 'xml:base'), ctx.url)
  const link = resolveUrl(linkText(channel[el('link')]), channelBase ?? ctx.url)
  const lang = textOf(channel[el('language')]) ?? textOf(channel[dc('language')])
  const feed: FeedMeta = { format }
  const title = htmlOf(channel[el('title')], ctx)
  if (title) feed.title = title
  if (link) feed.link = link
  const description = htmlOf(channel[el('description')], ctx)
  if (description) feed.description = description
  if (lang) feed.lang = lang
  const ttl = Number(textOf(channel.ttl))
  if (Number.isSafeInteger(ttl) && ttl > 0) feed.ttlMinutes = ttl
  const base = channelBase ?? link ?? ctx.url

  const nodes = [...asArray(channel[el('item')]), ...asArray(root[el('item')])]
  const items: KeylessItem[] = []
  for (const node of nodes) {
    if (!isObject(node)) continue
    const itemBase = resolveUrl(attr(node, 'xml:base'), base) ?? base
    const guidNode = node[el('guid')]
    const guid = textOf(guidNode)
    const origLink = textOf(node[names.q('feedburner', 'origLink')])
    let linkRaw = origLink ?? linkText(node[el('link')])
    if (
      !linkRaw &&
      guid &&
      attr(first(guidNode), 'isPermaLink') !== 'false' &&
      /^https?:/i.test(guid)
    )
      linkRaw = guid
    if (!linkRaw) {
      for (const l of asArray(node[names.q('atom', 'link')])) {
        const rel = attr(l, 'rel') ?? 'alternate'
        if (rel === 'alternate') {
          linkRaw = attr(l, 'href')
          break
        }
      }
    }
    const url = resolveUrl(linkRaw, itemBase)
    const content = htmlOf(node[names.q('content', 'encoded')], ctx)
    let summary = htmlOf(node[el('description')], ctx)
    if (!summary) summary = mediaDescription(node, media, ctx)
    if (!summary) summary = htmlOf(node[names.q('itunes', 'summary')], ctx)
    if (!summary) summary = htmlOf(node[dc('description')], ctx)
    if (!summary && content) summary = excerpt(content)

    const enclosures: Enclosure[] = []
    for (const e of asArray(node[el('enclosure')])) {
      pushEnclosure(
        enclosures,
        resolveUrl(attr(e, 'url'), itemBase),
        attr(e, 'type'),
        attr(e, 'length'),
      )
    }
    readMedia(node, media, itemBase, enclosures)

    const item: KeylessItem = {
      title: htmlOf(node[el('title')], ctx),
      summary,
      content,
      categories: uniqueStrings([
        ...asArray(node[el('category')]).map(textOf),
        ...asArray(node[dc('subject')]).map(textOf),
      ]),
      enclosures,
    }
    const id = guid ?? (rdf ? attr(node, 'rdf:about') : undefined)
    if (id) item.id = id
    if (url) {
      item.url = url
      item.canonicalUrl = canonicalizeUrl(url)
    }
    const author =
      authorName(textOf(node[el('author')])) ??
      textOf(node[dc('creator')]) ??
      textOf(node[names.q('itunes', 'author')])
    if (author) item.author = author
    const published = dateOf(node[el('pubDate')], counter) ?? dateOf(node[dc('date')], counter)
    if (published) item.published = published
    const updated = dateOf(node[names.q('atom', 'updated')], counter)
    if (updated) item.updated = updated
    const itemLang = textOf(node[dc('language')]) ?? lang
    if (itemLang) item.lang = itemLang
    items.push(item)
  }
  return { feed, items, badDates: counter.bad }
}
