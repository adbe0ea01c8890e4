// Small readers shared by the RSS, RDF and Atom adapters: element text → plain text (and
// sanitised HTML), enclosure lists, author strings, categories, BCP 47 language tags, ids, summary
// fallbacks. Not responsible for which element a field comes from.
import type { Enclosure } from '../model'
import type { EntityReport } from './entities'
import { htmlToText, plainText } from './html-text'
import { sanitizeHtml } from './sanitize-html'
import { resolveUrl } from './url'
import { attr, asArray, isObject, rawText, rawValue } from './xml'

/** What adapters need while reading one document. */
export interface ReadContext {
  url: string
  warnings: string[]
  /** `bare` is set when text held an unescaped `&` (reported once, as a warning). */
  entities: EntityReport
  /** The HTTP Content-Language header: the feed's language when the feed names none. */
  contentLanguage?: string
  /** The HTTP Content-Location header: the base URL before the fetch URL (RFC 9110 §8.7). */
  contentLocation?: string
}

/** Plain text of one HTML value, and the source its sanitised HTML is made from on demand. */
export interface Rendered {
  text: string
  /** The HTML the item's `contentHtml` is sanitised from (see withContentHtml). */
  html?: string
  base?: string
}

/** HTML → its text, keeping the HTML (and its base) for contentHtml. */
export function renderHtml(html: string, base: string | undefined): Rendered {
  const text = htmlToText(html)
  if (text === '') return { text }
  return base === undefined ? { text, html } : { text, html, base }
}

/** A raw-text element holding HTML → text (and HTML for contentHtml); empty text when absent. */
export function htmlContent(node: unknown, ctx: ReadContext, base: string | undefined): Rendered {
  const raw = rawText(node)
  if (raw === undefined || raw === '') return { text: '' }
  return renderHtml(rawValue(raw, ctx.entities), base)
}

/**
 * Give `item` a `contentHtml` sanitised from `r.html` on first read: an enumerable property whose
 * getter sanitises once and then stores the value, so JSON, structured clone, spreading and
 * equality see plain data, while items nobody renders (most of a feed: only matches become
 * alerts) never pay for sanitising.
 */
export function withContentHtml(item: object, r: Rendered): void {
  if (r.html === undefined) return
  Object.defineProperty(item, SOURCE, { value: r, writable: true, configurable: true })
  Object.defineProperty(item, 'contentHtml', CONTENT_HTML)
}

/**
 * Each item's HTML source until its contentHtml is read: a non-enumerable symbol property (JSON,
 * structured clone and spreading skip it), read by one getter shared by every item. A getter
 * closure per item gave each item a hidden class of its own, which V8 keeps in old space until a
 * full collection, and with it every item's HTML: on the 20 MB feed read item by item over its
 * bytes, 1.5 MB promoted per young collection instead of 0.17 MB, and a peak of 2.8× the body
 * instead of 2.55× (a WeakMap from item to source did no better).
 */
const SOURCE = Symbol('contentHtml source')

/** Stores contentHtml as a plain data property (after its first read, or when set). */
function store(item: object, value: unknown): void {
  ;(item as Record<symbol, unknown>)[SOURCE] = undefined
  Object.defineProperty(item, 'contentHtml', {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  })
}

/** One accessor shared by every item (so items share their hidden class). */
const CONTENT_HTML: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object) {
    const r = (this as Record<symbol, Rendered | undefined>)[SOURCE]
    const value = r?.html === undefined ? undefined : sanitizeHtml(r.html, r.base)
    store(this, value)
    return value
  },
  set(this: object, value: unknown) {
    store(this, value)
  },
}

/**
 * A language tag as BCP 47 writes it (RFC 5646 §2.1.1 case conventions): `en_US` → `en-US`,
 * `ZH-hant-tw` → `zh-Hant-TW`; the first of a Content-Language list. Undefined unless it starts
 * with a 2–8 letter language subtag.
 */
export function bcp47(value: string | undefined): string | undefined {
  if (!value) return undefined
  const tag = value.split(',')[0]!.trim()
  const parts = tag.split(/[-_]/)
  if (!/^[A-Za-z]{2,8}$/.test(parts[0]!)) return undefined
  const out = [parts[0]!.toLowerCase()]
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!
    if (!/^[A-Za-z0-9]{1,8}$/.test(p)) return undefined
    if (/^[A-Za-z]{4}$/.test(p) && i === 1) out.push(p[0]!.toUpperCase() + p.slice(1).toLowerCase())
    else if (/^(?:[A-Za-z]{2}|\d{3})$/.test(p)) out.push(p.toUpperCase())
    else out.push(p.toLowerCase())
  }
  return out.join('-')
}

/**
 * The publisher's id as a field: resolved against `base` when it is a relative reference (starts
 * with `/`, `./`, `../`, `?` or `#`), else as written. Opaque ids (`12345`, `tag:…`) stay as they are.
 */
export function resolveId(id: string, base: string | undefined): string {
  if (!/^(?:\/|\.\.?\/|\?|#)/.test(id)) return id
  return resolveUrl(id, base) ?? id
}

/** Categories from text nodes, `term`/`text` attributes, nested itunes:category and keyword lists. */
export function categoryTexts(nodes: unknown, nested?: string): Array<string | undefined> {
  const out: Array<string | undefined> = []
  for (const c of asArray(nodes)) {
    out.push(attr(c, 'label') ?? attr(c, 'text') ?? attr(c, 'term') ?? textOf(c))
    if (nested && isObject(c)) out.push(...categoryTexts(c[nested]))
  }
  return out
}

/** media:keywords / itunes:keywords: a comma-separated list. */
export function keywordList(node: unknown): string[] {
  const out: string[] = []
  for (const n of asArray(node)) {
    for (const k of (textOf(n) ?? '').split(',')) if (k.trim()) out.push(k.trim())
  }
  return out
}

/**
 * RSS <skipHours> (RSS 2.0: up to 24 <hour> children, GMT 0–23; 24, written by some, is midnight)
 * → the sorted hours. Anything else is ignored.
 */
export function skipHoursOf(node: unknown, hourEl: string): number[] {
  const hours = new Set<number>()
  for (const container of asArray(node)) {
    if (!isObject(container)) continue
    for (const h of asArray(container[hourEl])) {
      const n = Number(textOf(h))
      if (Number.isInteger(n) && n >= 0 && n <= 24) hours.add(n % 24)
    }
  }
  return [...hours].sort((a, b) => a - b)
}

const DAY_NUMBERS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
}

/**
 * RSS <skipDays> (RSS 2.0: up to 7 <day> children, Monday … Sunday, GMT) → the sorted days,
 * 0 = Sunday as `Date.getUTCDay`. Unknown names are ignored.
 */
export function skipDaysOf(node: unknown, dayEl: string): number[] {
  const days = new Set<number>()
  for (const container of asArray(node)) {
    if (!isObject(container)) continue
    for (const d of asArray(container[dayEl])) {
      const n = DAY_NUMBERS[(textOf(d) ?? '').toLowerCase()]
      if (n !== undefined) days.add(n)
    }
  }
  return [...days].sort((a, b) => a - b)
}

/** Characters of content used as the summary when an item has none. */
export const SUMMARY_FALLBACK_LENGTH = 300

/** A raw-text element holding HTML (RSS description, content:encoded) → plain text. */
export function htmlOf(node: unknown, ctx: ReadContext): string {
  const raw = rawText(node)
  if (raw === undefined || raw === '') return ''
  return htmlToText(rawValue(raw, ctx.entities))
}

/** An ordinary element (guid, link, pubDate, category) → decoded, normalised text or undefined. */
export function textOf(node: unknown): string | undefined {
  const raw = rawText(node)
  if (raw === undefined) return undefined
  const t = plainText(raw)
  return t === '' ? undefined : t
}

/** The first `limit` characters of `text`, cut at a word boundary, with an ellipsis. */
export function excerpt(text: string, limit = SUMMARY_FALLBACK_LENGTH): string {
  if (text.length <= limit) return text
  const cut = text.lastIndexOf(' ', limit)
  return text.slice(0, cut > limit / 2 ? cut : limit) + '…'
}

/** `joe@example.com (Joe Bloggs)` → `Joe Bloggs`; other forms unchanged. */
export function authorName(s: string | undefined): string | undefined {
  if (!s) return undefined
  const m = /^[^\s@()]+@[^\s@()]+\s*\((.+)\)$/.exec(s)
  return m ? m[1]!.trim() : s
}

function positiveInt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v.trim())
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

/** Add an enclosure unless its URL is already there. */
export function pushEnclosure(
  list: Enclosure[],
  url: string | undefined,
  type: string | undefined,
  length: string | undefined,
): void {
  if (!url || list.some((e) => e.url === url)) return
  const e: Enclosure = { url }
  if (type) e.type = type.trim()
  const n = positiveInt(length)
  if (n !== undefined) e.length = n
  list.push(e)
}

/** media:content, media:thumbnail (also inside media:group) → enclosures. */
export function readMedia(
  item: Record<string, unknown>,
  q: (local: string) => string,
  base: string | undefined,
  list: Enclosure[],
): void {
  const groups = [item, ...asArray(item[q('group')])]
  for (const g of groups) {
    if (typeof g !== 'object' || g === null) continue
    const node = g as Record<string, unknown>
    for (const c of asArray(node[q('content')])) {
      pushEnclosure(
        list,
        resolveUrl(attr(c, 'url'), base),
        attr(c, 'type') ?? (attr(c, 'medium') === 'image' ? 'image' : undefined),
        attr(c, 'fileSize'),
      )
    }
  }
  for (const g of groups) {
    if (typeof g !== 'object' || g === null) continue
    for (const t of asArray((g as Record<string, unknown>)[q('thumbnail')])) {
      pushEnclosure(list, resolveUrl(attr(t, 'url'), base), 'image', undefined)
    }
  }
}

/** media:description (also inside media:group), as plain text. */
export function mediaDescription(
  item: Record<string, unknown>,
  q: (local: string) => string,
  ctx: ReadContext,
): string {
  const direct = htmlOf(item[q('description')], ctx)
  if (direct) return direct
  for (const g of asArray(item[q('group')])) {
    if (typeof g === 'object' && g !== null) {
      const d = htmlOf((g as Record<string, unknown>)[q('description')], ctx)
      if (d) return d
    }
  }
  return ''
}

/** Unique, non-empty categories in order. */
export function uniqueStrings(values: Array<string | undefined>): string[] {
  const out: string[] = []
  for (const v of values) if (v && !out.includes(v)) out.push(v)
  return out
}
