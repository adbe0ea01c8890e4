// Atom adapter: Atom 1.0 (RFC 4287) and Atom 0.3 (the 2003 draft: issued/modified/created,
// tagline, `mode="escaped"` and `mode="base64"`), read from the tree xml.ts produced (names
// canonical: see Names) into FeedMeta and items. Text constructs follow RFC 4287 §3.1 (type text
// | html | xhtml); content follows §4.1.3.3 — any other `text/*` type is text, an XML media type
// is markup, and every other type is base64 (decoded, then read by its type). xml:base (RFC 4287
// §2, XML Base) is honoured on feed and entry. Fallbacks as in RSS: dc:title, media:title,
// dc:creator/author/contributor, itunes:author, dcterms:issued/modified, dc:date, dc:subject,
// media:category/keywords, itunes:summary/subtitle. Not responsible for repairs (xml.ts) or keys
// (identity.ts).
import type { Enclosure, FeedFormat, FeedMeta } from '../model'
import {
  bcp47,
  categoryTexts,
  excerpt,
  keywordList,
  mediaDescription,
  pushEnclosure,
  readMedia,
  renderHtml,
  resolveId,
  textOf,
  uniqueStrings,
  withContentHtml,
  type ReadContext,
  type Rendered,
} from './fields'
import { htmlToText, normalizeSpace } from './html-text'
import type { Ident, KeylessItem } from './identity'
import { DateReader, type FeedRead } from './rss'
import { canonicalizeUrl, resolveUrl } from './url'
import { asArray, attr, first, isObject, rawText, rawValue, type Names } from './xml'

/** Raw-text elements for Atom documents. */
export function atomStopNodes(names: Names): string[] {
  return [
    ...['title', 'subtitle', 'summary', 'content', 'rights', 'tagline', 'info'].map((l) =>
      names.el(l),
    ),
    names.q('media', 'description'),
    names.q('itunes', 'summary'),
    names.q('itunes', 'subtitle'),
  ]
}

/** The entry children identity and order read: built before the entry is (see rssIdentNodes). */
export function atomIdentNodes(names: Names): string[] {
  return ['id', 'link', 'published', 'updated', 'issued']
    .map((l) => names.el(l))
    .concat([names.q('dc', 'date')])
}

/** The inner markup of an xhtml construct: the content of its wrapping `div` (RFC 4287 §3.1.1.3). */
function xhtmlInner(raw: string): string {
  const m = /^\s*<(?:[\w.-]+:)?div\b[^>]*>([\s\S]*)<\/(?:[\w.-]+:)?div\s*>\s*$/i.exec(raw)
  return m ? m[1]! : raw
}

/** Base64 (whitespace allowed) → UTF-8 text; undefined when it is not base64. */
function fromBase64(s: string): string | undefined {
  try {
    const bin = atob(s.replace(/\s+/g, ''))
    const bytes = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
    return new TextDecoder().decode(bytes)
  } catch (cause) {
    void cause // not base64: the caller reads the value as text
    return undefined
  }
}

/**
 * An Atom text or content construct → text (and sanitised HTML when it was HTML), by its type
 * (RFC 4287 §3.1, §4.1.3) or 0.3 mode.
 */
function construct(node: unknown, ctx: ReadContext, base: string | undefined): Rendered {
  const n = first(node)
  const raw = rawText(n)
  if (raw === undefined || raw === '') return { text: '' }
  const type = (attr(n, 'type') ?? 'text').toLowerCase().split(';')[0]!.trim()
  const mode = attr(n, 'mode')?.toLowerCase()
  const isHtml = type === 'html' || type === 'text/html'
  const isXhtml = type === 'xhtml' || type === 'application/xhtml+xml'
  const isXml = !isXhtml && (type.endsWith('+xml') || type.endsWith('/xml'))
  const isText = type === 'text' || (type.startsWith('text/') && !isHtml)
  if (mode === 'base64' || (!isHtml && !isXhtml && !isXml && !isText)) {
    const decoded = fromBase64(rawValue(raw, ctx.entities))
    if (decoded === undefined) return { text: normalizeSpace(rawValue(raw, ctx.entities)) }
    if (isHtml || isXhtml) return renderHtml(decoded, base)
    return isText ? { text: normalizeSpace(decoded) } : { text: htmlToText(decoded) }
  }
  if (isXhtml || mode === 'xml') return renderHtml(xhtmlInner(raw), base)
  if (isXml) return { text: htmlToText(raw) }
  const value = rawValue(raw, ctx.entities)
  if (isHtml || mode === 'escaped') return renderHtml(value, base)
  return { text: normalizeSpace(value) }
}

/** An Atom text construct → plain text. */
function textConstruct(node: unknown, ctx: ReadContext): string {
  return construct(node, ctx, undefined).text
}

/** Names of the person constructs (atom:author / contributor) in `nodes`, joined. */
function persons(nodes: unknown, nameEl: string): string | undefined {
  const out: string[] = []
  for (const p of asArray(nodes)) {
    const name = isObject(p) ? textOf(p[nameEl]) : textOf(p)
    if (name && !out.includes(name)) out.push(name)
  }
  return out.length ? out.join(', ') : undefined
}

/** Read an Atom 1.0 or 0.3 document (names.own: its namespace). */
export function readAtom(
  root: Record<string, unknown>,
  names: Names,
  format: FeedFormat,
  ctx: ReadContext,
): FeedRead {
  const a = (local: string) => names.el(local)
  const dc = (local: string) => names.q('dc', local)
  const dcterms = (local: string) => names.q('dcterms', local)
  const media = (local: string) => names.q('media', local)
  const itunes = (local: string) => names.q('itunes', local)
  const dates = new DateReader()
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

  const docBase = resolveUrl(ctx.contentLocation, ctx.url) ?? ctx.url
  const feedBase = resolveUrl(attr(root, 'xml:base'), docBase) ?? docBase
  const feed: FeedMeta = { format }
  const title = textConstruct(root[a('title')], ctx) || (textOf(root[dc('title')]) ?? '')
  if (title) feed.title = title
  const link = linksOf(root, feedBase).alternate
  if (link) feed.link = link
  const description =
    textConstruct(root[a('subtitle')] ?? root[a('tagline')], ctx) ||
    textConstruct(root[itunes('summary')] ?? root[itunes('subtitle')], ctx)
  if (description) feed.description = description
  const lang = bcp47(attr(root, 'xml:lang') ?? textOf(root[dc('language')]) ?? ctx.contentLanguage)
  if (lang) feed.lang = lang
  const feedAuthor =
    persons(root[a('author')], a('name')) ??
    textOf(root[dc('creator')]) ??
    textOf(root[itunes('author')])
  if (feedAuthor) feed.author = feedAuthor
  const feedId = textOf(root[a('id')])
  if (feedId) feed.id = feedId
  const feedUpdated = dates.of(root[a('updated')], root[a('modified')], root[dc('date')])
  if (feedUpdated) feed.updated = feedUpdated
  const feedPublished = dates.of(root[a('published')], root[dcterms('issued')])
  if (feedPublished) feed.published = feedPublished
  const image = resolveUrl(
    textOf(root[a('logo')]) ??
      textOf(root[a('icon')]) ??
      attr(first(root[itunes('image')]), 'href'),
    feedBase,
  )
  if (image) feed.image = image
  const generator = textOf(root[a('generator')])
  if (generator) feed.generator = generator

  const nodes = asArray(root[a('entry')])
  const baseOf = (node: Record<string, unknown>) =>
    resolveUrl(attr(node, 'xml:base'), feedBase) ?? feedBase
  /** The entry's alternate link, else its id when that is an http(s) URL. */
  const urlOf = (alternate: string | undefined, id: string | undefined) =>
    alternate ?? (id && /^https?:\/\//i.test(id) ? id : undefined)

  const readItem = (node: unknown): KeylessItem | undefined => {
    if (!isObject(node)) return undefined
    const base = baseOf(node)
    const links = linksOf(node, base)
    const id = textOf(node[a('id')])
    const url = urlOf(links.alternate, id)
    const body = construct(node[a('content')], ctx, base)
    const content = body.text
    let summary = textConstruct(node[a('summary')], ctx)
    if (!summary) summary = mediaDescription(node, media, ctx)
    if (!summary) summary = textConstruct(node[itunes('summary')] ?? node[itunes('subtitle')], ctx)
    if (!summary && content) summary = excerpt(content)

    const enclosures: Enclosure[] = []
    for (const e of links.enclosures) pushEnclosure(enclosures, e.href, e.type, e.length)
    readMedia(node, media, base, enclosures)

    const groups = [node, ...asArray(node[media('group')]).filter(isObject)]
    const author =
      persons(node[a('author')], a('name')) ??
      textOf(node[dc('creator')]) ??
      textOf(node[dc('author')]) ??
      textOf(node[dc('contributor')]) ??
      textOf(node[itunes('author')]) ??
      persons(node[a('contributor')], a('name')) ??
      feedAuthor
    const item: KeylessItem = {
      title:
        textConstruct(node[a('title')], ctx) ||
        textOf(node[dc('title')]) ||
        groups.map((g) => textOf(g[media('title')])).find((t) => t) ||
        '',
      summary,
      content,
      categories: uniqueStrings([
        ...categoryTexts(node[a('category')]),
        ...categoryTexts(node[dc('subject')]),
        ...groups.flatMap((g) => categoryTexts(g[media('category')])),
        ...groups.flatMap((g) => keywordList(g[media('keywords')])),
        ...categoryTexts(node[itunes('category')], itunes('category')),
      ]),
      enclosures,
    }
    withContentHtml(item, body)
    if (id) {
      item.id = id
      item.guid = resolveId(id, base)
    }
    if (url) {
      item.url = url
      item.canonicalUrl = canonicalizeUrl(url)
    }
    if (author) item.author = author
    const own = dates.of(node[a('published')], node[a('issued')], node[a('created')])
    const issued = dates.of(node[dcterms('issued')], node[dcterms('created')])
    const dcDate = dates.of(node[dc('date')])
    const published = own ?? issued ?? dcDate
    if (published) item.published = published
    const updated =
      dates.of(node[a('updated')], node[a('modified')], node[dcterms('modified')]) ??
      (published !== dcDate ? dcDate : undefined)
    if (updated) item.updated = updated
    const itemLang = bcp47(attr(node, 'xml:lang')) ?? lang
    if (itemLang) item.lang = itemLang
    return item
  }
  const ident = (node: unknown): Ident => {
    if (!isObject(node)) return {}
    const id = textOf(node[a('id')])
    return {
      id,
      canonicalUrl: () => {
        const url = urlOf(linksOf(node, baseOf(node)).alternate, id)
        return url ? canonicalizeUrl(url) : undefined
      },
    }
  }
  const when = (node: unknown): string | undefined => {
    if (!isObject(node)) return undefined
    const probe = new DateReader()
    return probe.of(node[a('published')], node[a('updated')], node[a('issued')], node[dc('date')])
  }
  return { feed, nodes, item: readItem, ident, when, dates }
}
