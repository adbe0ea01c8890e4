// parseFeed: bytes or text → { feed, items, warnings }. Detects the format (RSS 0.90–0.94/2.0,
// RSS 1.0 RDF, Atom 0.3/1.0, JSON Feed 1.0/1.1), decodes (encoding.ts), repairs and parses the
// XML (xml.ts, xml-tree.ts), reads it with the format's adapter and assigns item keys
// (identity.ts). Large bodies in UTF-8 or a single-byte encoding are read over their bytes, never
// decoded whole (xml-bytes.ts), with the same result. Pure and synchronous. Throws ParseError only
// when nothing feed-like can be read (an HTML page, an empty body, invalid JSON, an unknown root
// element); every repair short of that is a warning. Not responsible for fetching or for deciding
// which items are new.
import type { FeedFormat, FeedMeta, ParsedItem } from '../model'
import { atomIdentNodes, atomStopNodes, readAtom } from './atom'
import { byteRoute, decodeBody, type ByteRoute } from './encoding'
import type { ReadContext } from './fields'
import { keyed, KeyPlan } from './identity'
import { jsonFeedFormat, readJsonFeed } from './json-feed'
import { BYTE_PATH_MIN_BYTES, MAX_FEED_BYTES } from './limits'
import { ParseError } from './parse-error'
import { readRss, rssIdentNodes, rssStopNodes, type FeedRead } from './rss'
import {
  findStarts,
  first,
  isObject,
  MAX_DEPTH,
  Names,
  parseXml,
  prepareXml,
  type NsKey,
  type ParsedXml,
  type Prepared,
} from './xml'
import { ByteText, rootBytes } from './xml-bytes'
import type { TreeStats } from './xml-tree'

export interface ParseResult {
  feed: FeedMeta
  items: ParsedItem[]
  warnings: string[]
}

export interface ParseOptions {
  /** The URL the body came from: the last base for relative links, and context for errors. */
  url: string
  contentType?: string
  /** The Content-Language response header: the feed's language when the feed names none. */
  contentLanguage?: string
  /** The Content-Location response header: the base for relative links before `url`. */
  contentLocation?: string
  /**
   * Bodies (bytes) of at least this size are read over their bytes, never decoded whole, when
   * their encoding allows it (xml-bytes.ts); default BYTE_PATH_MIN_BYTES. The result is the same
   * either way: 0 forces the byte path, Infinity the text path.
   */
  bytePathFrom?: number
}

/** How one XML dialect is laid out: where items live and which elements are read raw. */
interface Dialect {
  format: FeedFormat
  /** The namespace of the format's own elements; undefined for RSS 0.9x/2.0 (no namespace). */
  ns: NsKey | undefined
  kind: 'rss' | 'rdf' | 'atom'
}

function rssFormat(version: string | undefined): FeedFormat {
  switch (version?.trim()) {
    case '0.90':
      return 'rss090'
    case '0.91':
      return 'rss091'
    case '0.92':
      return 'rss092'
    case '0.93':
      return 'rss093'
    case '0.94':
      return 'rss094'
    default:
      return 'rss20'
  }
}

/** 1-based line and column of the first `needle` in `text` (for ParseError). */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = Math.max(0, text.indexOf(needle))
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: at - lineStart + 1 }
}

/**
 * A root element name fit to quote in an error: plainly a name (and closed later in the body, so
 * the body is markup, not bytes that happen to hold a `<`).
 */
const QUOTABLE_NAME = /^[A-Za-z][A-Za-z0-9._-]{1,31}(?::[A-Za-z][A-Za-z0-9._-]{0,31})?$/

function detectDialect(prep: Prepared, url: string, original: string): Dialect {
  const colon = prep.rootName.indexOf(':')
  const prefix = colon === -1 ? '' : prep.rootName.slice(0, colon)
  const local = (colon === -1 ? prep.rootName : prep.rootName.slice(colon + 1)).toLowerCase()
  const rootNs = Names.known(prep.declared.get(prefix))
  const version = /\sversion\s*=\s*["']([^"']*)["']/.exec(prep.rootTag)?.[1]
  if (local === 'rss') return { format: rssFormat(version), ns: undefined, kind: 'rss' }
  if (local === 'rdf' || rootNs === 'rdf') {
    const default090 = [...prep.declared.values()].some((u) => Names.known(u) === 'rss090')
    return default090
      ? { format: 'rss090', ns: 'rss090', kind: 'rdf' }
      : { format: 'rss10', ns: 'rss10', kind: 'rdf' }
  }
  if (local === 'feed') {
    return rootNs === 'atom03' || version === '0.3'
      ? { format: 'atom03', ns: 'atom03', kind: 'atom' }
      : { format: 'atom10', ns: 'atom', kind: 'atom' }
  }
  const position = positionOf(original, '<' + prep.rootName)
  if (local === 'html') {
    throw new ParseError('an HTML page, not a feed (look for feeds with discoverFeeds)', url, {
      position,
    })
  }
  // The name is quoted only when it is plainly one: bytes that are not a feed must give the same
  // message on every poll (a changing error text costs a KV write each time).
  const named =
    QUOTABLE_NAME.test(prep.rootName) && prep.text.includes(`</${prep.rootName}>`)
      ? ` <${prep.rootName}>`
      : ''
  throw new ParseError(`unknown root element${named}: not RSS, RDF or Atom`, url, { position })
}

/**
 * Where items are and how to close a document cut short after one, as written in the text (the
 * prefix the root declared for the format's namespace, if any): used on raw text before parsing.
 */
function layout(prep: Prepared, dialect: Dialect) {
  let prefix = ''
  if (dialect.ns) {
    for (const [p, uri] of prep.declared) {
      if (Names.known(uri) === dialect.ns) {
        prefix = p
        if (p === '') break
      }
    }
  }
  const el = (local: string) => (prefix ? `${prefix}:${local}` : local)
  const item = dialect.kind === 'atom' ? el('entry') : el('item')
  const closers =
    dialect.kind === 'rss' && prep.text.includes('<' + el('channel'))
      ? `</${el('channel')}></${prep.rootName}>`
      : `</${prep.rootName}>`
  return { item, closers }
}

/** Cut a document that ends early after its last complete item and close it. */
function repairTruncated(text: string, item: string, closers: string, warnings: string[]): string {
  const end = text.lastIndexOf(`</${item}>`)
  const starts = findStarts(text, item)
  let cut: number
  if (end !== -1) cut = end + item.length + 3
  else if (starts.length > 0) cut = starts[0]!
  else cut = text.lastIndexOf('>') + 1
  const dropped = starts.length > 0 && starts[starts.length - 1]! > end
  warnings.push(
    `document truncated; repaired after the last complete <${item}>` +
      (dropped ? ' (an incomplete one was dropped)' : ''),
  )
  return text.slice(0, cut) + closers
}

/** Turn the tree builder's repair counts into warnings. */
function treeWarnings(stats: TreeStats, warnings: string[]): void {
  if (stats.misnested) warnings.push(`${stats.misnested} mis-nested element(s) closed`)
  if (stats.stray) warnings.push(`${stats.stray} stray close tag(s) ignored`)
  if (stats.unclosed) warnings.push(`${stats.unclosed} unclosed element(s) closed`)
  if (stats.tooDeep) {
    warnings.push(`${stats.tooDeep} element(s) nested deeper than ${MAX_DEPTH} levels flattened`)
  }
}

/** A dialect's tree options: item name, raw-text (stop) and kept (identity) elements. */
function dialectNodes(prep: Prepared, dialect: Dialect) {
  const names = new Names(dialect.ns)
  const stop = new Set(dialect.kind === 'atom' ? atomStopNodes(names) : rssStopNodes(names))
  const keep = new Set(dialect.kind === 'atom' ? atomIdentNodes(names) : rssIdentNodes(names))
  const itemName = names.el(dialect.kind === 'atom' ? 'entry' : 'item')
  const colon = prep.rootName.indexOf(':')
  const ownUri = prep.declared.get(colon === -1 ? '' : prep.rootName.slice(0, colon))
  return { names, stop, keep, itemName, ownUri }
}

/** Read a parsed document's tree with its dialect's adapter; items expanded when read. */
function readTree(
  parsed: ParsedXml,
  names: Names,
  dialect: Dialect,
  stats: TreeStats,
  warnings: string[],
  ctx: ReadContext,
): FeedRead {
  treeWarnings(stats, warnings)
  const { tree, expand } = parsed
  let root: Record<string, unknown> = {}
  for (const k in tree) {
    const r = first(tree[k])
    if (isObject(r)) root = r
    break
  }
  const read =
    dialect.kind === 'atom'
      ? readAtom(root, names, dialect.format, ctx)
      : readRss(root, names, dialect.format, ctx)
  return { ...read, item: (node) => read.item(expand(node)) }
}

/**
 * Parse and read an XML feed. Items are deferred (DeferOptions in xml-tree.ts): the tree holds
 * the feed's metadata and, per item, only what identity and order read; each item's whole subtree
 * is built from its span of the text when the item is read.
 */
function parseXmlFeed(text: string, url: string, warnings: string[], ctx: ReadContext): FeedRead {
  const prep = prepareXml(text, warnings)
  if (!prep) throw new ParseError('no XML element found: not a feed', url)
  const dialect = detectDialect(prep, url, text)
  const lay = layout(prep, dialect)
  if (prep.text.lastIndexOf(`</${prep.rootName}`) === -1) {
    prep.text = repairTruncated(prep.text, lay.item, lay.closers, warnings)
  }
  const stats: TreeStats = { misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 }
  const { names, stop, keep, itemName, ownUri } = dialectNodes(prep, dialect)
  const parsed = parseXml(prep.text, dialect.ns, ownUri, stop, itemName, keep, stats)
  return readTree(parsed, names, dialect, stats, warnings, ctx)
}

/** Root names searched for in the bytes (to tell a truncated document): ASCII only. */
const ASCII_NAME = /^[\x21-\x7e]+$/

/**
 * parseXmlFeed over the body's bytes (xml-bytes.ts), never decoding it whole; undefined when the
 * body needs what only the text path does — a repair that rewrites the text (truncation), an
 * error message (not a feed), JSON — so that path reads it and gives the same result.
 */
function parseXmlFeedBytes(
  t: ByteText,
  url: string,
  warnings: string[],
  ctx: ReadContext,
): FeedRead | undefined {
  const b = t.bytes
  let i = 0
  while (i < b.length && b[i]! <= 32) i++
  if (i === b.length || b[i] === 123 /* { */) return undefined
  const root = rootBytes(t, i)
  if (!root) return undefined
  // The prolog and root start tag are small: read as text, exactly as the text path reads them.
  const head = t.text(0, root.tagEnd + 1)
  const prep = prepareXml(head, warnings)
  if (!prep || !ASCII_NAME.test(prep.rootName)) return undefined
  let dialect: Dialect
  try {
    dialect = detectDialect(prep, url, head)
  } catch (error) {
    if (error instanceof ParseError) return undefined
    throw error
  }
  // As the text path sees it: a close tag inside the DOCTYPE (which it removes) does not count.
  if (t.lastFind(`</${prep.rootName}`) < root.rootAt) return undefined
  const stats: TreeStats = { misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 }
  const { names, stop, keep, itemName, ownUri } = dialectNodes(prep, dialect)
  const parsed = parseXml(
    { bytes: t, rootAt: root.rootAt },
    dialect.ns,
    ownUri,
    stop,
    itemName,
    keep,
    stats,
  )
  return readTree(parsed, names, dialect, stats, warnings, ctx)
}

function parseJsonFeed(text: string, url: string, contentLanguage?: string): FeedRead {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (cause) {
    throw new ParseError('invalid JSON', url, { cause })
  }
  const format = jsonFeedFormat(doc)
  if (!format) throw new ParseError('JSON that is not a JSON Feed', url)
  return readJsonFeed(doc as Record<string, unknown>, format, url, contentLanguage)
}

/**
 * Why a body that parsed to zero items is not simply an empty feed, or undefined when it is one
 * (no item or entry start tag anywhere in it). Never a silent empty: the status shows the reason.
 */
function emptyReason(text: string, format: FeedFormat): string | undefined {
  if (format === 'json10' || format === 'json11') {
    return /"items"\s*:\s*\[\s*[^\s\]]/.test(text)
      ? 'the items array holds no readable item objects'
      : undefined
  }
  const m = /<(?:[A-Za-z_][\w.-]*:)?(item|entry)[\s>/]/i.exec(text)
  if (!m) return undefined
  return `the document has <${m[1]!.toLowerCase()}> elements but none where ${format} keeps them`
}

/** A feed opened for reading item by item (see openFeed). */
export interface OpenedFeed {
  feed: FeedMeta
  /** Item elements in the document (items() may yield fewer: duplicates are dropped). */
  count: number
  /** The document lists its items oldest first (by the dates of its first and last items). */
  oldestFirst: boolean
  /**
   * Warnings: those of decoding and repairs at once; those of entities, dates, keys and an empty
   * result are added when items() has run to its end.
   */
  warnings: string[]
  /**
   * The items one at a time, newest first (document order, reversed when the document is oldest
   * first), each keyed exactly as parseFeed keys it. Stop at any point — e.g. at the first key
   * already seen: only the items read cost their text, HTML and dates.
   * Iterate once: each item's subtree is released as it is read.
   */
  items(): Generator<ParsedItem, void, undefined>
}

interface Opened {
  read: FeedRead
  /** The decoded document (made on demand: the byte path never holds it). */
  text: () => string
  warnings: string[]
  ctx: ReadContext
}

function readContext(opts: ParseOptions, warnings: string[]): ReadContext {
  const ctx: ReadContext = { url: opts.url, warnings, entities: { bare: false } }
  if (opts.contentLanguage) ctx.contentLanguage = opts.contentLanguage
  if (opts.contentLocation) ctx.contentLocation = opts.contentLocation
  return ctx
}

/** The byte path (ParseOptions.bytePathFrom), or undefined when the body needs the text path. */
function openBytes(body: Uint8Array, route: ByteRoute, opts: ParseOptions): Opened | undefined {
  const warnings = route.warnings
  const ctx = readContext(opts, warnings)
  const t = new ByteText(body.subarray(route.offset), route.decoder)
  const read = parseXmlFeedBytes(t, opts.url, warnings, ctx)
  if (!read) return undefined
  return { read, text: () => decodeBody(body, opts.contentType).text, warnings, ctx }
}

function open(body: Uint8Array | string, opts: ParseOptions): Opened {
  const { url } = opts
  const size = typeof body === 'string' ? body.length : body.byteLength
  if (size > MAX_FEED_BYTES) {
    throw new ParseError(`body of ${size} bytes exceeds the ${MAX_FEED_BYTES}-byte limit`, url)
  }
  if (typeof body !== 'string' && size >= (opts.bytePathFrom ?? BYTE_PATH_MIN_BYTES)) {
    const route = byteRoute(body, opts.contentType)
    const opened = route && openBytes(body, route, opts)
    if (opened) return opened
  }
  const decoded = decodeBody(body, opts.contentType)
  const warnings = decoded.warnings
  const text = decoded.text
  let i = 0
  while (i < text.length && text.charCodeAt(i) <= 32) i++
  if (i === text.length) throw new ParseError('empty body', url)
  const ctx = readContext(opts, warnings)
  const read =
    text.charCodeAt(i) === 123 /* { */
      ? parseJsonFeed(text, url, opts.contentLanguage)
      : parseXmlFeed(text, url, warnings, ctx)
  return { read, text: () => text, warnings, ctx }
}

/** Key and yield the items at `order` (indexes into the document's item nodes), then warn. */
function* keyedItems(o: Opened, order: number[]): Generator<ParsedItem, void, undefined> {
  const { read, warnings } = o
  const plan = new KeyPlan(read.nodes.length, (i) => read.ident(read.nodes[i]))
  let yielded = 0
  for (const index of order) {
    const item = read.item(read.nodes[index])
    read.nodes[index] = undefined // its subtree is garbage once read: only one item's is live
    if (!item) continue
    const key = plan.key(index, item)
    if (key === undefined) continue
    yielded++
    yield keyed(key, item)
  }
  if (o.ctx.entities.bare) warnings.push('unescaped & in text read as a literal &')
  if (read.dates.bad) warnings.push(`${read.dates.bad} unreadable date(s) left out`)
  warnings.push(...plan.warnings())
  if (yielded === 0) {
    const why = emptyReason(o.text(), read.feed.format)
    if (why) warnings.push(`no items read: ${why}`)
  }
}

/**
 * Open a feed body for reading item by item, newest first, so a caller can stop at the first item
 * it has already seen: the document is decoded and its tree built (element values are slices of
 * the text, so the tree is small), but each item's text, HTML, dates and key cost only when it is
 * reached. Same options and errors as parseFeed.
 */
export function openFeed(body: Uint8Array | string, opts: ParseOptions): OpenedFeed {
  const o = open(body, opts)
  const { nodes } = o.read
  const first = nodes.length > 1 ? o.read.when(nodes[0]) : undefined
  const last = nodes.length > 1 ? o.read.when(nodes[nodes.length - 1]) : undefined
  const oldestFirst = first !== undefined && last !== undefined && last > first
  const order = nodes.map((_, i) => i)
  if (oldestFirst) order.reverse()
  return {
    feed: o.read.feed,
    count: nodes.length,
    oldestFirst,
    warnings: o.warnings,
    items: () => keyedItems(o, order),
  }
}

/**
 * Parse a feed body whole: every item, in document order. `url` is where it came from (base for
 * relative links); `contentType` is the response header (charset). Throws ParseError when the
 * body is not a readable feed.
 */
export function parseFeed(body: Uint8Array | string, opts: ParseOptions): ParseResult {
  const o = open(body, opts)
  const items = [
    ...keyedItems(
      o,
      o.read.nodes.map((_, i) => i),
    ),
  ]
  return { feed: o.read.feed, items, warnings: o.warnings }
}
