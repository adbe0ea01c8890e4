// The XML layer under the RSS, RDF and Atom adapters: repairs what real feeds get wrong before
// the tree builder (xml-tree.ts) sees it, resolves namespace prefixes by URI, and reads values out
// of the tree. Every repair adds a warning.
// Not responsible for feed semantics (see rss.ts, atom.ts) nor for bytes → text (encoding.ts).
// Safety: entities are never expanded (the tree builder leaves references as written and
// entities.ts knows only HTML's fixed table) and any DOCTYPE is removed before parsing, so
// internal-subset entity bombs and external entities are inert; nesting beyond MAX_DEPTH is
// flattened, and nothing recurses.
// Follows XML 1.0 (5th ed.) and Namespaces in XML 1.0 where feeds allow it, and recovers where
// they do not.
import { decodeEntities, type EntityReport } from './entities'
import { buildTreeBytes, expandBytes, type ByteText } from './xml-bytes'
import {
  buildDeferred,
  buildTree,
  type Deferred,
  type NameResolver,
  type TreeOptions,
  type TreeStats,
} from './xml-tree'

/** Namespace URIs the adapters read, by the conventional prefix. */
export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  media: 'http://search.yahoo.com/mrss/',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  feedburner: 'http://rssnamespace.org/feedburner/ext/1.0',
  xhtml: 'http://www.w3.org/1999/xhtml',
  // Yandex News' RSS extension, common in Russian-language feeds: the article's full text.
  yandex: 'http://news.yandex.ru',
} as const
export type NsKey = keyof typeof NS

/**
 * Deepest element nesting parsed. Feeds need about 10 levels (XHTML content is read raw, not as
 * elements); the bound keeps hostile documents from costing stack or memory.
 */
export const MAX_DEPTH = 128

const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g
const XMLNS = /\sxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/** Namespace URIs compare case-insensitively, without a trailing slash, http and https alike. */
function normalizeNs(uri: string): string {
  const u = uri
    .trim()
    .toLowerCase()
    .replace(/^https:/, 'http:')
  return u.endsWith('/') ? u.slice(0, -1) : u
}
const KNOWN = new Map<string, NsKey>(
  (Object.keys(NS) as NsKey[]).map((k) => [normalizeNs(NS[k]), k]),
)
const KEYS = new Set<string>(Object.keys(NS))

/**
 * Canonical element names, as the adapters look them up: the format's own namespace unprefixed,
 * every other known namespace under its conventional prefix (`dc:creator`, whatever prefix the
 * document bound to the Dublin Core URI), unknown prefixes as written; local names lower-cased,
 * since feeds in the wild vary (`<TiTlE>`, `<pubdate>`).
 */
export class Names {
  constructor(
    /** The namespace of the format's own elements; undefined for RSS 0.9x/2.0. */
    readonly own: NsKey | undefined,
  ) {}

  private readonly memo = new Map<string, Map<string, string>>()

  /** The canonical name of `local` in `ns` (memoised: adapters ask for the same few per item). */
  q(ns: NsKey, local: string): string {
    let byLocal = this.memo.get(ns)
    if (byLocal === undefined) this.memo.set(ns, (byLocal = new Map()))
    let name = byLocal.get(local)
    if (name === undefined) {
      const l = local.toLowerCase()
      name = ns === this.own ? l : `${ns}:${l}`
      byLocal.set(local, name)
    }
    return name
  }

  private readonly ownMemo = new Map<string, string>()

  /** The canonical name of one of the format's own elements. */
  el(local: string): string {
    if (this.own !== undefined) return this.q(this.own, local)
    let name = this.ownMemo.get(local)
    if (name === undefined) this.ownMemo.set(local, (name = local.toLowerCase()))
    return name
  }

  /** The namespace a declared URI stands for, if the adapters know it. */
  static known(uri: string | undefined): NsKey | undefined {
    return uri === undefined ? undefined : KNOWN.get(normalizeNs(uri))
  }
}

/**
 * Resolves element names as written to Names' canonical form while the tree is built, with the
 * xmlns declarations in scope wherever they are made (root, channel, item, a single element). A
 * prefix nobody declared that is one of the conventional ones (`dc:`, `media:`) means that
 * namespace. Unprefixed names are the format's own. Results are cached until the declarations in
 * scope change.
 */
export class NsResolver implements NameResolver {
  private bindings = new Map<string, string>()
  private readonly saved: Array<Map<string, string>> = []
  private readonly cache = new Map<string, string>()

  constructor(
    private readonly own: NsKey | undefined,
    /** The root element's namespace URI as declared: its prefix means the format's own elements. */
    private readonly ownUri?: string,
  ) {}

  enter(attrs: Record<string, unknown>): void {
    this.saved.push(this.bindings)
    this.bindings = new Map(this.bindings)
    for (const k in attrs) {
      if (!k.startsWith('@_xmlns')) continue
      const v = attrs[k]
      if (typeof v !== 'string') continue
      if (k === '@_xmlns') this.bindings.set('', decodeEntities(v))
      else if (k.charCodeAt(7) === 58 /* : */) this.bindings.set(k.slice(8), decodeEntities(v))
    }
    this.cache.clear()
  }

  leave(): void {
    this.bindings = this.saved.pop() ?? new Map()
    this.cache.clear()
  }

  scope(): unknown {
    return this.bindings // never changed in place: enter() makes a new map
  }

  at(scope: unknown): NsResolver {
    const r = new NsResolver(this.own, this.ownUri)
    r.bindings = scope as Map<string, string>
    return r
  }

  name(raw: string): string {
    let out = this.cache.get(raw)
    if (out === undefined) {
      out = this.resolve(raw)
      this.cache.set(raw, out)
    }
    return out
  }

  private resolve(raw: string): string {
    const colon = raw.indexOf(':')
    if (colon === -1) return raw.toLowerCase()
    const prefix = raw.slice(0, colon)
    const local = raw.slice(colon + 1).toLowerCase()
    const uri = this.bindings.get(prefix)
    if (uri !== undefined && uri === this.ownUri) return local
    const lower = prefix.toLowerCase()
    const key =
      uri !== undefined ? Names.known(uri) : KEYS.has(lower) ? (lower as NsKey) : undefined
    if (key === undefined) return `${lower}:${local}`
    return key === this.own ? local : `${key}:${local}`
  }
}

export interface Prepared {
  text: string
  /** Where the root element's start tag begins. */
  rootAt: number
  /** The root element's qualified name as written. */
  rootName: string
  /** The root element's start tag, without its closing `>`. */
  rootTag: string
  /** prefix ('' for the default namespace) → URI, from the root start tag. */
  declared: Map<string, string>
}

/** The end of a DOCTYPE declaration starting at `at` (internal subset included). */
function doctypeEnd(text: string, at: number): number {
  const bracket = text.indexOf('[', at)
  const gt = text.indexOf('>', at)
  if (bracket !== -1 && (gt === -1 || bracket < gt)) {
    const close = text.indexOf(']', bracket)
    const end = close === -1 ? -1 : text.indexOf('>', close)
    return end === -1 ? text.length : end + 1
  }
  return gt === -1 ? text.length : gt + 1
}

/**
 * Cheap repairs before parsing: junk or whitespace before the first `<`, control characters
 * (illegal in XML 1.0), and the DOCTYPE (removed: its entities are never expanded). Finds the root
 * element and its namespace declarations. Returns undefined when there is no element at all.
 */
export function prepareXml(input: string, warnings: string[]): Prepared | undefined {
  let text = input
  const first = text.indexOf('<')
  if (first === -1) return undefined
  if (first > 0) {
    const junk = text.slice(0, first)
    warnings.push(
      junk.trim() === ''
        ? 'whitespace before the XML declaration removed'
        : `${first} characters before the XML removed`,
    )
    text = text.slice(first)
  }
  if (text.search(CONTROL) !== -1) {
    warnings.push('control characters removed (not allowed in XML)')
    text = text.replace(CONTROL, '')
  }
  // Walk the prolog: declarations, comments, processing instructions, DOCTYPE.
  let i = 0
  for (;;) {
    const lt = text.indexOf('<', i)
    if (lt === -1) return undefined
    const c = text.charCodeAt(lt + 1)
    if (c === 63 /* ? */) {
      const end = text.indexOf('?>', lt)
      if (end === -1) return undefined
      i = end + 2
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt)
      if (end === -1) return undefined
      i = end + 3
    } else if (c === 33 /* ! */) {
      const end = doctypeEnd(text, lt)
      const doctype = text.slice(lt, end)
      if (/<!ENTITY/i.test(doctype)) {
        warnings.push('DOCTYPE with entity declarations ignored (entities are never expanded)')
      }
      text = text.slice(0, lt) + text.slice(end)
      i = lt
    } else {
      i = lt
      break
    }
  }
  let j = i + 1
  while (j < text.length && !/[\s/>]/.test(text[j]!)) j++
  const rootName = text.slice(i + 1, j)
  const gt = text.indexOf('>', j)
  const rootTag = text.slice(i, gt === -1 ? text.length : gt)
  const declared = new Map<string, string>()
  for (const m of rootTag.matchAll(XMLNS)) {
    declared.set(m[1] ?? '', decodeEntities(m[2] ?? m[3] ?? ''))
  }
  return { text, rootAt: i, rootName, rootTag, declared }
}

/** A parsed document: its tree, items deferred (see DeferOptions in xml-tree.ts). */
export interface ParsedXml {
  tree: Record<string, unknown>
  /** A deferred item's whole subtree, built now; any other node as it is. */
  expand(node: unknown): unknown
}

/** A document's bytes (xml-bytes.ts), read from its root element's `<`. */
export interface BytesSource {
  bytes: ByteText
  rootAt: number
}

/**
 * Parse prepared XML — text, or a document's bytes (xml-bytes.ts: the same tree, each value
 * decoded from its bytes, each item expanded from its span of bytes) — into the tree the
 * adapters read (see xml-tree.ts), element names in Names' canonical form for a format whose own
 * namespace is `own`; never throws. Items (`itemName`) are deferred: only their children in
 * `keep` are built until expand() builds one whole.
 */
export function parseXml(
  source: string | BytesSource,
  own: NsKey | undefined,
  ownUri: string | undefined,
  stopNodes: Set<string>,
  itemName: string,
  keep: Set<string>,
  stats: TreeStats,
): ParsedXml {
  const found = new Map<object, Deferred>()
  const opts = treeOptions(own, ownUri, stopNodes, itemName, keep, found)
  const text = typeof source === 'string'
  const tree = text
    ? buildTree(source, opts, stats)
    : buildTreeBytes(source.bytes, source.rootAt, opts, stats)
  return {
    tree,
    expand(node) {
      const d = isObject(node) ? found.get(node) : undefined
      if (d === undefined) return node
      return text ? buildDeferred(source, d, opts) : expandBytes(source.bytes, d, opts)
    },
  }
}

function treeOptions(
  own: NsKey | undefined,
  ownUri: string | undefined,
  stopNodes: Set<string>,
  itemName: string,
  keep: Set<string>,
  found: Map<object, Deferred>,
): TreeOptions {
  return {
    stop: stopNodes,
    noSelfNesting: new Set([itemName]),
    maxDepth: MAX_DEPTH,
    names: new NsResolver(own, ownUri),
    defer: { names: new Set([itemName]), keep, found },
  }
}

// ---- reading parsed nodes -------------------------------------------------------------------

export function asArray(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]
}

export function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** An attribute's decoded value. */
export function attr(node: unknown, name: string): string | undefined {
  if (!isObject(node)) return undefined
  const v = node['@_' + name]
  return typeof v === 'string' ? decodeEntities(v) : undefined
}

/**
 * The raw text of a node: a string, the `#text` of an element with attributes, or — for elements
 * the parser split into children (mixed content in recovered items) — all their text in order of
 * keys. Undefined for absent elements.
 */
export function rawText(v: unknown): string | undefined {
  const node = first(v)
  if (node === undefined || node === null) return undefined
  if (typeof node === 'string') return node
  if (typeof node === 'number' || typeof node === 'boolean') return String(node)
  if (!isObject(node)) return undefined
  const t = node['#text']
  if (t !== undefined) return rawText(t)
  let out = ''
  for (const k in node) {
    if (k.startsWith('@_')) continue
    for (const child of asArray(node[k])) out += (out ? ' ' : '') + (rawText(child) ?? '')
  }
  return out
}

/**
 * The value of a raw-text (stop) element as markup: CDATA sections taken literally, character
 * references outside them decoded once (the XML level). The result is HTML or plain text, per the
 * element's semantics. An `&` outside CDATA that starts no reference sets `report.bare`.
 */
export function rawValue(raw: string, report?: EntityReport): string {
  let cd = raw.indexOf('<![CDATA[')
  if (cd === -1) return raw.indexOf('&') === -1 ? raw : decodeEntities(raw, report)
  let out = ''
  let i = 0
  while (cd !== -1) {
    const outside = raw.slice(i, cd)
    out += outside.indexOf('&') === -1 ? outside : decodeEntities(outside, report)
    const end = raw.indexOf(']]>', cd + 9)
    if (end === -1) return out + raw.slice(cd + 9)
    out += raw.slice(cd + 9, end)
    i = end + 3
    cd = raw.indexOf('<![CDATA[', i)
  }
  const tail = raw.slice(i)
  return out + (tail.indexOf('&') === -1 ? tail : decodeEntities(tail, report))
}

// ---- recovery ---------------------------------------------------------------------------------

/** Start offsets of `<name` elements (not `<name-other`), in document order. */
export function findStarts(text: string, name: string, from = 0): number[] {
  const out: number[] = []
  const open = '<' + name
  let at = text.indexOf(open, from)
  while (at !== -1) {
    const c = text.charCodeAt(at + open.length)
    if (c === 62 || c === 32 || c === 9 || c === 10 || c === 13 || c === 47) out.push(at)
    at = text.indexOf(open, at + open.length)
  }
  return out
}
