// RSS adapter: RSS 0.90–0.94 and 2.0 (RSS Board specification, rssboard.org/rss-specification)
// and RSS 1.0 / RDF Site Summary (web.resource.org/rss/1.0/spec), read from the tree xml.ts
// produced (element names canonical: see Names) into the canonical FeedMeta and items. Every
// place publishers put a field is read, in order of preference:
//   content  content:encoded, yandex:full-text, xhtml:body, body, fullitem
//   title    title, dc:title, media:title (also in media:group), itunes:title
//   summary  description, media:description, itunes:summary, itunes:subtitle, dc:description
//   author   author, dc:creator, dc:author, dc:contributor, itunes:author
//   dates    pubDate, dcterms:issued/created, dc:date (published); atom:updated,
//            dcterms:modified, and dc:date when a publication date also exists (updated)
//   category category, dc:subject, itunes:category (nested), media:category, media:keywords
// Not responsible for repairs (xml.ts) or keys (identity.ts).
import type { Enclosure, FeedFormat, FeedMeta } from '../model'
import { parseDate } from './dates'
import {
  authorName,
  bcp47,
  categoryTexts,
  excerpt,
  htmlContent,
  htmlOf,
  keywordList,
  mediaDescription,
  pushEnclosure,
  readMedia,
  resolveId,
  skipDaysOf,
  skipHoursOf,
  textOf,
  uniqueStrings,
  withContentHtml,
  type ReadContext,
  type Rendered,
} from './fields'
import type { Ident, KeylessItem } from './identity'
import { canonicalizeUrl, resolveUrl } from './url'
import { asArray, attr, first, isObject, type Names } from './xml'

/** Raw-text elements for RSS documents (read as markup, not parsed as elements). */
export function rssStopNodes(names: Names): string[] {
  return [
    names.el('title'),
    names.el('description'),
    names.el('body'),
    names.el('fullitem'),
    names.q('content', 'encoded'),
    names.q('yandex', 'full-text'),
    names.q('xhtml', 'body'),
    names.q('media', 'description'),
    names.q('itunes', 'summary'),
    names.q('itunes', 'subtitle'),
    names.q('dc', 'description'),
  ]
}

/**
 * The item children identity and order read (see FeedRead.ident and when): the only ones built
 * before an item is read (items are deferred: DeferOptions in xml-tree.ts).
 */
export function rssIdentNodes(names: Names): string[] {
  return [
    names.el('guid'),
    names.el('link'),
    names.q('feedburner', 'origlink'),
    names.q('atom', 'link'),
    names.el('pubdate'),
    names.q('dc', 'date'),
    names.q('atom', 'updated'),
  ]
}

/** A document read by an adapter: its metadata now, its items one at a time on demand. */
export interface FeedRead {
  feed: FeedMeta
  /** Item nodes in document order. */
  nodes: unknown[]
  /** The whole item of one node (text, HTML, dates...): the costly part, done per item. */
  item(node: unknown): KeylessItem | undefined
  /** One node's identity without reading its text: the publisher's id and canonical link. */
  ident(node: unknown): Ident
  /** One node's date (published, else updated) without reading the rest, for ordering. */
  when(node: unknown): string | undefined
  /** Counts dates present but unreadable (complete once every item was read). */
  dates: DateReader
}

/** Reads dates, counting the unreadable ones. */
export class DateReader {
  bad = 0
  /** The first readable date among `nodes` (absent ones skipped; unreadable ones counted). */
  of(...nodes: unknown[]): string | undefined {
    for (const node of nodes) {
      const s = textOf(node)
      if (s === undefined) continue
      const d = parseDate(s)
      if (d === undefined) this.bad++
      else return d
    }
    return undefined
  }
}

/** The `<link>` text of a channel or item, skipping any element form that is not text. */
function linkText(node: unknown): string | undefined {
  for (const l of asArray(node)) {
    const t = textOf(l)
    if (t) return t
  }
  return undefined
}

/** The first non-empty plain text among `nodes`. */
function firstText(...nodes: unknown[]): string | undefined {
  for (const n of nodes) {
    const t = textOf(n)
    if (t) return t
  }
  return undefined
}

/** A title: its own element read as HTML-bearing text, else the first plain fallback. */
function firstHtml(ctx: ReadContext, ...nodes: unknown[]): string {
  for (const n of nodes) {
    const t = htmlOf(n, ctx)
    if (t) return t
  }
  return ''
}

/** The element `local` directly in `node` or inside one of its media:group children. */
function inGroups(node: Record<string, unknown>, group: string, name: string): unknown[] {
  const out = [...asArray(node[name])]
  for (const g of asArray(node[group])) if (isObject(g)) out.push(...asArray(g[name]))
  return out
}

/**
 * Read an RSS 0.9x/2.0 or RDF document (names.own: the namespace of RDF's elements, undefined for
 * RSS).
 */
export function readRss(
  root: Record<string, unknown>,
  names: Names,
  format: FeedFormat,
  ctx: ReadContext,
): FeedRead {
  const el = (local: string) => names.el(local)
  const dc = (local: string) => names.q('dc', local)
  const dcterms = (local: string) => names.q('dcterms', local)
  const media = (local: string) => names.q('media', local)
  const itunes = (local: string) => names.q('itunes', local)
  const atom = (local: string) => names.q('atom', local)
  const rdf = names.own !== undefined
  const channel = (
    isObject(first(root[el('channel')])) ? first(root[el('channel')]) : {}
  ) as Record<string, unknown>
  const dates = new DateReader()

  const docBase = resolveUrl(ctx.contentLocation, ctx.url) ?? ctx.url
  const channelBase = resolveUrl(attr(channel, 'xml:base') ?? attr(root, 'xml:base'), docBase)
  const link = resolveUrl(linkText(channel[el('link')]), channelBase ?? docBase)
  const lang = bcp47(
    firstText(channel[el('language')], channel[dc('language')]) ?? ctx.contentLanguage,
  )
  const feed: FeedMeta = { format }
  const title = firstHtml(ctx, channel[el('title')], channel[dc('title')])
  if (title) feed.title = title
  if (link) feed.link = link
  const description = firstHtml(
    ctx,
    channel[el('description')],
    channel[itunes('summary')],
    channel[itunes('subtitle')],
    channel[dc('description')],
  )
  if (description) feed.description = description
  if (lang) feed.lang = lang
  const ttl = Number(textOf(channel[el('ttl')]))
  if (Number.isSafeInteger(ttl) && ttl > 0) feed.ttlMinutes = ttl
  const skipHours = skipHoursOf(channel[el('skiphours')], el('hour'))
  if (skipHours.length) feed.skipHours = skipHours
  const skipDays = skipDaysOf(channel[el('skipdays')], el('day'))
  if (skipDays.length) feed.skipDays = skipDays
  const base = channelBase ?? link ?? docBase
  const feedAuthor = firstText(
    channel[el('managingeditor')],
    channel[dc('creator')],
    channel[itunes('author')],
    channel[dc('publisher')],
    channel[el('webmaster')],
  )
  if (feedAuthor) feed.author = authorName(feedAuthor)
  const feedId = firstText(channel[atom('id')])
  if (feedId) feed.id = feedId
  const feedUpdated = dates.of(
    channel[el('lastbuilddate')],
    channel[atom('updated')],
    channel[dcterms('modified')],
    channel[dc('date')],
  )
  if (feedUpdated) feed.updated = feedUpdated
  const feedPublished = dates.of(channel[el('pubdate')], channel[dcterms('issued')])
  if (feedPublished) feed.published = feedPublished
  const imageNode = first(channel[el('image')]) ?? first(root[el('image')])
  const image = resolveUrl(
    (isObject(imageNode) ? textOf(imageNode[el('url')]) : undefined) ??
      attr(first(channel[itunes('image')]), 'href') ??
      attr(first(channel[media('thumbnail')]), 'url') ??
      (rdf ? attr(imageNode, 'rdf:resource') : undefined),
    base,
  )
  if (image) feed.image = image
  const generator = firstText(channel[el('generator')])
  if (generator) feed.generator = generator

  const nodes = [...asArray(channel[el('item')]), ...asArray(root[el('item')])]
  const baseOf = (node: Record<string, unknown>) => resolveUrl(attr(node, 'xml:base'), base) ?? base
  /** The item's link: feedburner:origLink, link, a permalink guid, atom:link (alternate). */
  const linkOf = (
    node: Record<string, unknown>,
    itemBase: string,
    guid: string | undefined,
  ): string | undefined => {
    const guidNode = node[el('guid')]
    const origLink = textOf(node[names.q('feedburner', 'origlink')])
    let linkRaw = origLink ?? linkText(node[el('link')])
    if (
      !linkRaw &&
      guid &&
      attr(first(guidNode), 'isPermaLink') !== 'false' &&
      /^https?:/i.test(guid)
    )
      linkRaw = guid
    if (!linkRaw) {
      for (const l of asArray(node[atom('link')])) {
        const rel = attr(l, 'rel') ?? 'alternate'
        if (rel === 'alternate') {
          linkRaw = attr(l, 'href')
          break
        }
      }
    }
    return resolveUrl(linkRaw, itemBase)
  }
  const idOf = (node: Record<string, unknown>) =>
    textOf(node[el('guid')]) ?? (rdf ? attr(node, 'rdf:about') : undefined)

  const readItem = (node: unknown): KeylessItem | undefined => {
    if (!isObject(node)) return undefined
    const itemBase = baseOf(node)
    const guid = textOf(node[el('guid')])
    const url = linkOf(node, itemBase, guid)
    let body: Rendered = { text: '' }
    for (const source of [
      node[names.q('content', 'encoded')],
      node[names.q('yandex', 'full-text')],
      node[names.q('xhtml', 'body')],
      node[el('body')],
      node[el('fullitem')],
    ]) {
      body = htmlContent(source, ctx, itemBase)
      if (body.text) break
    }
    const content = body.text
    let summary = htmlOf(node[el('description')], ctx)
    if (!summary) summary = mediaDescription(node, media, ctx)
    if (!summary) summary = firstHtml(ctx, node[itunes('summary')], node[itunes('subtitle')])
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
      title: firstHtml(
        ctx,
        node[el('title')],
        node[dc('title')],
        ...inGroups(node, media('group'), media('title')),
        node[itunes('title')],
      ),
      summary,
      content,
      categories: uniqueStrings([
        ...categoryTexts(node[el('category')]),
        ...categoryTexts(node[dc('subject')]),
        ...categoryTexts(node[itunes('category')], itunes('category')),
        ...categoryTexts(inGroups(node, media('group'), media('category'))),
        ...inGroups(node, media('group'), media('keywords')).flatMap(keywordList),
        ...keywordList(node[itunes('keywords')]),
      ]),
      enclosures,
    }
    withContentHtml(item, body)
    const id = idOf(node)
    if (id) {
      item.id = id
      item.guid = resolveId(id, itemBase)
    }
    if (url) {
      item.url = url
      item.canonicalUrl = canonicalizeUrl(url)
    }
    const author =
      authorName(textOf(node[el('author')])) ??
      firstText(
        node[dc('creator')],
        node[dc('author')],
        node[dc('contributor')],
        node[itunes('author')],
      )
    if (author) item.author = author
    const pubDate = dates.of(node[el('pubdate')])
    const issued = dates.of(node[dcterms('issued')], node[dcterms('created')])
    const dcDate = dates.of(node[dc('date')])
    const published = pubDate ?? issued ?? dcDate
    if (published) item.published = published
    const updated =
      dates.of(node[atom('updated')], node[dcterms('modified')]) ??
      (published !== dcDate ? dcDate : undefined)
    if (updated) item.updated = updated
    const itemLang = bcp47(firstText(node[dc('language')])) ?? lang
    if (itemLang) item.lang = itemLang
    return item
  }
  const ident = (node: unknown): Ident => {
    if (!isObject(node)) return {}
    return {
      id: idOf(node),
      canonicalUrl: () => {
        const url = linkOf(node, baseOf(node), textOf(node[el('guid')]))
        return url ? canonicalizeUrl(url) : undefined
      },
    }
  }
  const when = (node: unknown): string | undefined => {
    if (!isObject(node)) return undefined
    const probe = new DateReader()
    return probe.of(node[el('pubdate')], node[dc('date')], node[atom('updated')])
  }
  return { feed, nodes, item: readItem, ident, when, dates }
}
