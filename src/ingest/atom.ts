// Atom adapter: Atom 1.0 (RFC 4287) and Atom 0.3 (the 2003 draft: issued/modified/created,
// tagline, `mode="escaped"`), read from the tree xml.ts produced into FeedMeta and items. Text
// constructs follow RFC 4287 §3.1 (type text | html | xhtml); xml:base (RFC 4287 §2, XML Base)
// is honoured on feed and entry. media:* (YouTube) and dc:* are read as in RSS. Not responsible
// for repairs (xml.ts) or keys (identity.ts).
import type { Enclosure, FeedFormat, FeedMeta } from '../model'
import { parseDate } from './dates'
import {
  excerpt,
  mediaDescription,
  pushEnclosure,
  readMedia,
  textOf,
  uniqueStrings,
  type ReadContext,
} from './fields'
import { htmlToText, normalizeSpace } from './html-text'
import type { KeylessItem } from './identity'
import type { FeedRead } from './rss'
import { canonicalizeUrl, resolveUrl } from './url'
import { asArray, attr, first, isObject, rawText, rawValue, type Names, type NsKey } from './xml'

/** Raw-text elements for Atom documents. */
export function atomStopNodes(names: Names, ns: NsKey): string[] {
  return [
    ...['title', 'subtitle', 'summary', 'content', 'rights', 'tagline', 'info'].map((l) =>
      names.q(ns, l),
    ),
    names.q('media', 'description'),
  ]
}

/** An Atom text construct → plain text, by its type (RFC 4287 §3.1) or 0.3 mode. */
function textConstruct(node: unknown, ctx: ReadContext): string {
  const n = first(node)
  const raw = rawText(n)
  if (raw === undefined || raw === '') return ''
  const type = (attr(n, 'type') ?? 'text').toLowerCase()
  const mode = attr(n, 'mode')
  if (type === 'xhtml' || mode === 'xml' || type === 'application/xhtml+xml') return htmlToText(raw)
  if (mode === 'base64') return '' // never seen in feeds worth reading; not decoded
  if (type === 'html' || type === 'text/html' || mode === 'escaped') {
    return htmlToText(rawValue(raw, ctx.entities))
  }
  return normalizeSpace(rawValue(raw, ctx.entities))
}

/** Read an Atom 1.0 or 0.3 document whose elements are in namespace `ns`. */
export function readAtom(
  root: Record<string, unknown>,
  names: Names,
  format: FeedFormat,
  ns: NsKey,
  ctx: ReadContext,
): FeedRead {
  const a = (local: string) => names.q(ns, local)
  const dc = (local: string) => names.q('dc', local)
  const media = (local: string) => names.q('media', local)
  const counter = { bad: 0 }
  const dateOf = (node: unknown): string | undefined => {
    const s = textOf(node)
    if (s === undefined) return undefined
    const d = parseDate(s)
    if (d === undefined) counter.bad++
    return d
  }
  const linksOf = (node: Record<string, unknown>, base: string | undefined) => {
    let alternate: string | undefined
    let alternateIsHtml = false
    const enclosures: Array<{ href: string; type?: string; length?: string }> = []
    for (const l of asArray(node[a('link')])) {
      const href = resolveUrl(attr(l, 'href'), base)
      if (!href) continue
      const rel = attr(l, 'rel') ?? 'alternate'
      if (rel === 'alternate' || rel === 'http://www.iana.org/assignments/relation/alternate') {
        const type = attr(l, 'type')
        // The first alternate, unless a later one is the HTML page (feeds also list other formats).
        const isHtml = type !== undefined && /html/i.test(type)
        if (!alternate || (isHtml && !alternateIsHtml)) {
          alternate = href
          alternateIsHtml = isHtml
        }
      } else if (rel === 'enclosure') {
        const e: { href: string; type?: string; length?: string } = { href }
        const t = attr(l, 'type')
        const len = attr(l, 'length')
        if (t) e.type = t
        if (len) e.length = len
        enclosures.push(e)
      }
    }
    return { alternate, enclosures }
  }

  const feedBase = resolveUrl(attr(root, 'xml:base'), ctx.url) ?? ctx.url
  const feed: FeedMeta = { format }
  const title = textConstruct(root[a('title')], ctx)
  if (title) feed.title = title
  const link = linksOf(root, feedBase).alternate
  if (link) feed.link = link
  const description = textConstruct(root[a('subtitle')] ?? root[a('tagline')], ctx)
  if (description) feed.description = description
  const lang = attr(root, 'xml:lang') ?? textOf(root[dc('language')])
  if (lang) feed.lang = lang
  const feedAuthorNode = first(root[a('author')])
  const feedAuthor = isObject(feedAuthorNode) ? textOf(feedAuthorNode[a('name')]) : undefined

  const items: KeylessItem[] = []
  for (const node of asArray(root[a('entry')])) {
    if (!isObject(node)) continue
    const base = resolveUrl(attr(node, 'xml:base'), feedBase) ?? feedBase
    const links = linksOf(node, base)
    const id = textOf(node[a('id')])
    let url = links.alternate
    if (!url && id && /^https?:\/\//i.test(id)) url = id
    const content = textConstruct(node[a('content')], ctx)
    let summary = textConstruct(node[a('summary')], ctx)
    if (!summary) summary = mediaDescription(node, media, ctx)
    if (!summary && content) summary = excerpt(content)

    const enclosures: Enclosure[] = []
    for (const e of links.enclosures) pushEnclosure(enclosures, e.href, e.type, e.length)
    readMedia(node, media, base, enclosures)

    const authorNode = first(node[a('author')])
    const author =
      (isObject(authorNode) ? textOf(authorNode[a('name')]) : textOf(authorNode)) ??
      textOf(node[dc('creator')]) ??
      feedAuthor
    const item: KeylessItem = {
      title: textConstruct(node[a('title')], ctx),
      summary,
      content,
      categories: uniqueStrings([
        ...asArray(node[a('category')]).map(
          (c) => attr(c, 'label') ?? attr(c, 'term') ?? textOf(c),
        ),
        ...asArray(node[dc('subject')]).map(textOf),
      ]),
      enclosures,
    }
    if (id) item.id = id
    if (url) {
      item.url = url
      item.canonicalUrl = canonicalizeUrl(url)
    }
    if (author) item.author = author
    const published =
      dateOf(node[a('published')]) ??
      dateOf(node[a('issued')]) ??
      dateOf(node[a('created')]) ??
      dateOf(node[dc('date')])
    if (published) item.published = published
    const updated = dateOf(node[a('updated')]) ?? dateOf(node[a('modified')])
    if (updated) item.updated = updated
    const itemLang = attr(node, 'xml:lang') ?? lang
    if (itemLang) item.lang = itemLang
    items.push(item)
  }
  return { feed, items, badDates: counter.bad }
}
