// Turns the hits of a match into a MatchExplanation: matched terms, fields, hits, and a snippet
// of a few words around the best cluster of hits with highlight spans inside it.
// Not responsible for rendering (delivery makes the spans bold or <mark>) nor for matching.

import type { Hit, MatchExplanation } from '../model'
import type { CompiledNode } from './compile'
import { collectHits } from './evaluate'
import type { FieldIndex, PreparedItem } from './item'
import type { TextField } from './query-parser'

/** Words kept before the first hit of the window: enough to read what leads up to it. */
const WORDS_BEFORE = 6
/** Words in the whole window: about one line of an e-mail or chat notification. */
const WINDOW_WORDS = 24
/** When hit clusters tie, the body explains more than the title the alert already shows. */
const FIELD_PREFERENCE: TextField[] = ['summary', 'content', 'title', 'category', 'author', 'url']
const ELLIPSIS = '…'
/** Windows tried per field: bounds snippet work on long articles full of hits. */
const MAX_ANCHORS = 16

export function explainMatch(root: CompiledNode, item: PreparedItem): MatchExplanation {
  const raw: Hit[] = []
  const terms: string[] = []
  const fields: string[] = []
  collectHits(root, item, raw, terms, fields)
  const hits = dedupeHits(raw)
  const { snippet, highlights } = buildSnippet(item, hits)
  return { terms, fields, hits, snippet, highlights }
}

/**
 * The hits without repeats (same field, offsets and term), ordered by field preference, start
 * and end; hits at the same place keep the order they were found in. Sorting first (the sort is
 * stable) brings repeats together, so no key string per hit is needed.
 */
function dedupeHits(hits: Hit[]): Hit[] {
  const order = (f: string) => FIELD_PREFERENCE.indexOf(f as TextField)
  const sorted = hits.sort(
    (a, b) => order(a.field) - order(b.field) || a.start - b.start || a.end - b.end,
  )
  const out: Hit[] = []
  let run = 0
  for (const hit of sorted) {
    const first = out[run]
    if (!first || first.field !== hit.field || first.start !== hit.start || first.end !== hit.end) {
      run = out.length
      out.push(hit)
      continue
    }
    let repeat = false
    for (let k = run; k < out.length && !repeat; k++) repeat = out[k]!.term === hit.term
    if (!repeat) out.push(hit)
  }
  return out
}

interface Window {
  field: TextField
  start: number
  end: number
  score: number
}

function buildSnippet(
  item: PreparedItem,
  hits: Hit[],
): Omit<MatchExplanation, 'terms' | 'fields' | 'hits'> {
  let best: Window | undefined
  // `hits` come from dedupeHits, ordered by FIELD_PREFERENCE: each field's hits are one run.
  const terms: string[] = []
  let from = 0
  while (from < hits.length) {
    const f = hits[from]!.field as TextField
    let to = from + 1
    while (to < hits.length && hits[to]!.field === f) to++
    // Hits far apart cannot share a window; a few anchors per field find the densest one.
    for (let a = from; a < Math.min(to, from + MAX_ANCHORS); a++) {
      const window = windowAround(item, item.fields[f], hits[a]!.start)
      terms.length = 0
      let inside = 0
      for (let k = from; k < to; k++) {
        const h = hits[k]!
        if (h.start < window.start || h.end > window.end) continue
        if (!terms.includes(h.term)) terms.push(h.term)
        inside++
      }
      const score = terms.length * 1000 + inside
      if (!best || score > best.score) {
        best = { field: f, start: window.start, end: window.end, score }
      }
    }
    from = to
  }
  if (!best) return leadSnippet(item)
  const spans = hits
    .filter((h) => h.field === best.field && h.start >= best.start && h.end <= best.end)
    .map((h): [number, number] => [h.start, h.end])
  return cutSnippet(item.fields[best.field], best.start, best.end, spans)
}

/**
 * Offsets of a window of words of `field` (which has tokens) starting a few words before the
 * token at `offset`.
 */
function windowAround(
  item: PreparedItem,
  field: FieldIndex,
  offset: number,
): { start: number; end: number } {
  const { pos, start, end: ends } = item
  const base = field.base
  const lastToken = base + field.count - 1
  // First token ending after `offset` (tokens are in text order).
  let lo = base
  let hi = lastToken
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ends[mid]! > offset) hi = mid
    else lo = mid + 1
  }
  const anchor = lo
  const anchorPos = pos[anchor]!
  let first = anchor
  while (first > base && pos[first - 1]! >= anchorPos - WORDS_BEFORE) first--
  let last = anchor
  const lastPos = pos[first]! + WINDOW_WORDS - 1
  while (last < lastToken && pos[last + 1]! <= lastPos) last++
  let end = 0
  for (let i = first; i <= last; i++) end = Math.max(end, ends[i]!)
  // Keep the punctuation that closes the text (a full stop) rather than cutting before it.
  if (last === lastToken) end = field.text.length
  return { start: first === base ? 0 : start[first]!, end }
}

/** With no text hit (site:, lang:, feed: only), the opening words of the body or title. */
function leadSnippet(item: PreparedItem): Omit<MatchExplanation, 'terms' | 'fields' | 'hits'> {
  for (const f of ['summary', 'content', 'title'] as const) {
    const field = item.fields[f]
    if (field.count === 0) continue
    const window = windowAround(item, field, 0)
    return cutSnippet(field, window.start, window.end, [])
  }
  return { snippet: '', highlights: [] }
}

/**
 * The text between `start` and `end` with whitespace runs collapsed, "…" where the field was cut,
 * and the spans (offsets into the field) moved into the snippet and merged where they overlap.
 */
function cutSnippet(
  field: FieldIndex,
  start: number,
  end: number,
  spans: Array<[number, number]>,
): Omit<MatchExplanation, 'terms' | 'fields' | 'hits'> {
  const text = field.text
  // Checked once per field, not per snippet: items usually explain several matches.
  field.singleSpaced ??= !text.includes('  ') && !OTHER_SPACE_RE.test(text)
  if (field.singleSpaced && !isSpace(text.charCodeAt(start))) {
    return cutSingleSpaced(text.slice(start, end), start, end < text.length, spans)
  }
  // map[i]: where text[start + i] lands in the snippet. Runs of non-space are copied whole.
  const map = new Array<number>(end - start + 1)
  let out = start > 0 ? ELLIPSIS : ''
  let i = start
  while (i < end) {
    if (isSpace(text.charCodeAt(i))) {
      map[i - start] = out.length
      if (out.length > 0 && !out.endsWith(' ')) out += ' '
      i++
      continue
    }
    let j = i
    while (j < end && !isSpace(text.charCodeAt(j))) {
      map[j - start] = out.length + (j - i)
      j++
    }
    out += text.slice(i, j)
    i = j
  }
  map[end - start] = out.length
  out = out.trimEnd()
  if (end < text.length) out += ELLIPSIS
  const moved = spans
    .map(([s, e]): [number, number] => [map[s - start]!, Math.min(map[e - start]!, out.length)])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  return { snippet: out, highlights: mergeSpans(moved) }
}

/** Sorted spans, overlapping ones merged. */
function mergeSpans(moved: Array<[number, number]>): Array<[number, number]> {
  const highlights: Array<[number, number]> = []
  for (const span of moved) {
    const prev = highlights[highlights.length - 1]
    if (prev && span[0] <= prev[1]) prev[1] = Math.max(prev[1], span[1])
    else highlights.push(span)
  }
  return highlights
}

/**
 * Whitespace other than a plain space (\s is the set isSpace tests). In a field without any, and
 * without two spaces in a row, a snippet that does not start on whitespace is a slice of the
 * text and offsets move by a constant, which is what cutSnippet would compute the long way (news
 * text nearly always is). Two checks rather than /\s\s|[^\S ]/, which means the same (two
 * whitespace in a row are either two spaces or include another) but scans ~30% slower.
 */
const OTHER_SPACE_RE = /[^\S ]/

function cutSingleSpaced(
  window: string,
  start: number,
  cutEnd: boolean,
  spans: Array<[number, number]>,
): Omit<MatchExplanation, 'terms' | 'fields' | 'hits'> {
  const shift = start > 0 ? ELLIPSIS.length - start : -start
  // The window's last character is tested before concatenating: testing the concatenation
  // would copy it into one flat string first.
  const trimmed = window.endsWith(' ') ? window.slice(0, -1) : window
  const out = (start > 0 ? ELLIPSIS : '') + trimmed + (cutEnd ? ELLIPSIS : '')
  const moved = spans
    .map(([s, e]): [number, number] => [s + shift, Math.min(e + shift, out.length)])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  return { snippet: out, highlights: mergeSpans(moved) }
}

/** Unicode White_Space (what \s matches), by code unit, without a regex per character. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d)
  if (code < 0xa0) return false
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}
