// Small readers shared by the RSS, RDF and Atom adapters: element text → plain text, enclosure
// lists, author strings, summary fallbacks. Not responsible for which element a field comes from.
import type { Enclosure } from '../model'
import type { EntityReport } from './entities'
import { htmlToText, plainText } from './html-text'
import { resolveUrl } from './url'
import { attr, asArray, rawText, rawValue } from './xml'

/** What adapters need while reading one document. */
export interface ReadContext {
  url: string
  warnings: string[]
  /** `bare` is set when text held an unescaped `&` (reported once, as a warning). */
  entities: EntityReport
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
