// What every channel shows of an alert, computed once and service-neutral: the fields of
// docs/channels/README.md ("What an alert shows") cleaned of hostile characters, the snippet split
// into plain and highlighted segments, and the grouping of a burst or digest by watch. Pure.
//
// Not here: markup or limits of any service (each channel renders and cuts for its own service).
import { isHighSurrogate } from '../../lib/utf16'
import type { Alert } from '../../model'
import type { Outgoing } from '../channel'
import { cleanText, cut, fitEscaped, oneLine, safeHttpUrl } from './text'

/**
 * Every field is capped here before any channel sees it: the longest a service shows is Telegram's
 * and ntfy's 4,096, so more is never rendered, and a 200,000-character title costs no more work.
 */
export const MAX_FIELD = 4_096

/**
 * A link longer than this is not rendered: browsers, sitemaps (2,048) and services handle longer
 * URLs unreliably, and one would crowd the message out of the services' limits.
 */
export const MAX_LINK = 2_048

export interface Segment {
  text: string
  /** A matched term (`alert.match.highlights`). */
  hit: boolean
}

export interface AlertView {
  id: string
  watchName: string
  title: string
  /** The item link, only when it is http(s). */
  link?: string
  feedTitle: string
  /** `YYYY-MM-DD HH:MM UTC`. */
  published?: string
  author?: string
  lang?: string
  snippet: Segment[]
  terms: string[]
}

export interface WatchGroup {
  watchName: string
  alerts: AlertView[]
}

/** `2023-06-04T16:42:00.000Z` → `2023-06-04 16:42 UTC`; undefined when unreadable. */
export function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined
  // The model's dates are already ISO 8601 UTC: read them as they are, parse only what is not.
  const iso8601 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso)
  if (iso8601) return `${iso8601[1]} ${iso8601[2]} UTC`
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return undefined
  const utc = d.toISOString()
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`
}

/**
 * Splits `snippet` at the highlight spans (UTF-16 offsets, end exclusive). Spans are clamped, sorted
 * and merged, and moved off the middle of a surrogate pair, so bad offsets never garble the text.
 */
export function snippetSegments(snippet: string, highlights: Array<[number, number]>): Segment[] {
  const text = snippet.slice(0, MAX_FIELD)
  const fix = (i: number) => {
    const at = Math.max(0, Math.min(text.length, Math.trunc(i)))
    return at > 0 && at < text.length && isHighSurrogate(text.charCodeAt(at - 1)) ? at + 1 : at
  }
  const spans = highlights
    .map(([s, e]) => [fix(s), fix(e)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0])
  const segments: Segment[] = []
  let at = 0
  for (const [s, e] of spans) {
    const start = Math.max(s, at)
    if (e <= start) continue
    if (start > at) segments.push({ text: text.slice(at, start), hit: false })
    segments.push({ text: text.slice(start, e), hit: true })
    at = e
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false })
  // Cleaned after splitting: removing characters first would shift every offset.
  return segments
    .map((seg) => ({ hit: seg.hit, text: cleanText(seg.text).replace(/\s+/g, ' ') }))
    .filter((seg) => seg.text.length > 0)
}

const field = (s: string | undefined) => {
  const v = s === undefined ? '' : cut(oneLine(s.slice(0, MAX_FIELD * 2)), MAX_FIELD)
  return v === '' ? undefined : v
}

function linkOf(url: string | undefined): string | undefined {
  const safe = safeHttpUrl(url)
  return safe && safe.length <= MAX_LINK ? safe : undefined
}

export function viewAlert(alert: Alert): AlertView {
  const { item } = alert
  return {
    id: alert.id,
    watchName: field(alert.watch.name) ?? alert.watch.id,
    title: field(item.title) ?? '(untitled)',
    link: linkOf(item.url),
    feedTitle: field(alert.feed.title) ?? field(safeHttpUrl(alert.feed.url)) ?? alert.feed.id,
    published: formatDate(item.published),
    author: field(item.author),
    lang: field(item.lang),
    snippet: snippetSegments(alert.match.snippet, alert.match.highlights),
    terms: alert.match.terms.map((t) => field(t) ?? '').filter((t) => t !== ''),
  }
}

/** The alerts grouped by watch, watches in order of first appearance. */
export function groupByWatch(views: readonly AlertView[]): WatchGroup[] {
  const groups = new Map<string, WatchGroup>()
  for (const v of views) {
    const g = groups.get(v.watchName) ?? { watchName: v.watchName, alerts: [] }
    g.alerts.push(v)
    groups.set(v.watchName, g)
  }
  return [...groups.values()]
}

/** The one-line headline of a message, e.g. `12 new matches for Belgorod`. */
export function headline(message: Outgoing, views: readonly AlertView[]): string {
  const n = views.length
  const watches = groupByWatch(views)
  const first = views[0]
  if (message.kind === 'alert' || n === 1) return `New match for ${first?.watchName ?? 'a watch'}`
  const subject = watches.length === 1 ? watches[0]?.watchName : `${watches.length} watches`
  return message.kind === 'digest'
    ? `Digest: ${n} matches for ${subject}`
    : `${n} new matches for ${subject}`
}

/** `and 3 more not shown` */
export const moreNotShown = (n: number) => `…and ${n} more not shown`

/** The plain text of the snippet. */
export const snippetText = (segments: readonly Segment[]) => segments.map((s) => s.text).join('')

/**
 * The snippet in a channel's markup: each segment escaped and cut to its share of `max` (so no
 * marker or entity is ever split), each hit wrapped in `open` … `close`. `trimHits` keeps the
 * markers against the word, for markups (Slack's `*…*`) that do not bold across spaces.
 */
export function markedSnippet(
  view: AlertView,
  max: number,
  escape: (s: string) => string,
  markers: { open: string; close: string; trimHits?: boolean },
): string {
  const { open, close, trimHits = false } = markers
  let out = ''
  for (const seg of view.snippet) {
    const room = max - out.length - (seg.hit ? open.length + close.length : 0)
    if (room <= 1) break
    const text = fitEscaped(seg.text, room, escape)
    out += seg.hit ? `${open}${trimHits ? text.trim() || text : text}${close}` : text
  }
  return out
}

/** The alert's facts, one plain-text line each, in the order every channel shows them. */
export function factLines(view: AlertView, opts: { terms: boolean } = { terms: true }): string[] {
  return [
    `Watch: ${view.watchName}`,
    `Feed: ${view.feedTitle}`,
    view.published && `Published ${view.published}`,
    view.author && `By ${view.author}`,
    view.lang && `Language: ${view.lang}`,
    opts.terms && view.terms.length > 0 && `Matched: ${view.terms.join(', ')}`,
  ].filter((m): m is string => typeof m === 'string' && m.length > 0)
}
