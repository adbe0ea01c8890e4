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

type Snippet = Omit<MatchExplanation, 'terms' | 'fields' | 'hits'>

/** windowAround's answer, reused: one window is looked at at a time. */
const window = { start: 0, end: 0 }
/** buildSnippet's scratch: the distinct terms inside the window being scored. */
const windowTerms: string[] = []

/**
 * The window of words with the most distinct terms (then hits) among windows anchored at a few
 * hits of each field. `hits` come from dedupeHits, ordered by FIELD_PREFERENCE, start and end:
 * each field's hits are one run, in text order.
 */
function buildSnippet(item: PreparedItem, hits: readonly Hit[]): Snippet {
  let bestField: TextField | undefined
  let bestStart = 0
  let bestEnd = 0
  let bestScore = -1
  let from = 0
  while (from < hits.length) {
    const f = hits[from]!.field as TextField
    let to = from + 1
    while (to < hits.length && hits[to]!.field === f) to++
    // Hits far apart cannot share a window; a few anchors per field find the densest one.
    for (let a = from; a < Math.min(to, from + MAX_ANCHORS); a++) {
      windowAround(item, item.fields[f], hits[a]!.start)
      windowTerms.length = 0
      let inside = 0
      for (let k = from; k < to; k++) {
        const h = hits[k]!
        if (h.start < window.start || h.end > window.end) continue
        if (!windowTerms.includes(h.term)) windowTerms.push(h.term)
        inside++
      }
      const score = windowTerms.length * 1000 + inside
      if (score > bestScore) {
        bestField = f
        bestStart = window.start
        bestEnd = window.end
        bestScore = score
      }
    }
    from = to
  }
  if (bestField === undefined) return leadSnippet(item)
  return cutSnippet(item.fields[bestField], bestStart, bestEnd, hits, bestField)
}

/**
 * Sets `window` to the offsets of a window of words of `field` (which has tokens) starting a few
 * words before the token at `offset`.
 */
function windowAround(item: PreparedItem, field: FieldIndex, offset: number): void {
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
  window.start = first === base ? 0 : start[first]!
  window.end = end
}

/**
 * With no text hit (site:, lang:, feed: only), the opening words of the body or title: the same
 * for every such match of an item, so cut once (a feed: watch matches every item of its feed).
 */
function leadSnippet(item: PreparedItem): Snippet {
  item.lead ??= cutLead(item)
  return { snippet: item.lead, highlights: [] }
}

function cutLead(item: PreparedItem): string {
  for (const f of ['summary', 'content', 'title'] as const) {
    const field = item.fields[f]
    if (field.count === 0) continue
    windowAround(item, field, 0)
    return cutSnippet(field, window.start, window.end, [], f).snippet
  }
  return ''
}

/**
 * The text between `start` and `end` with whitespace runs collapsed, "…" where the field was cut,
 * and the hits of field `f` inside it moved into the snippet and merged where they overlap.
 */
function cutSnippet(
  field: FieldIndex,
  start: number,
  end: number,
  hits: readonly Hit[],
  f: TextField,
): Snippet {
  const text = field.text
  // Checked once per field, not per snippet: items usually explain several matches.
  field.singleSpaced ??= !text.includes('  ') && !OTHER_SPACE_RE.test(text)
  if (field.singleSpaced && !isSpace(text.charCodeAt(start))) {
    return cutSingleSpaced(text.slice(start, end), start, end < text.length, hits, f)
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
  return { snippet: out, highlights: highlightsIn(hits, f, start, end, 0, map, out.length) }
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
  slice: string,
  start: number,
  cutEnd: boolean,
  hits: readonly Hit[],
  f: TextField,
): Snippet {
  const shift = start > 0 ? ELLIPSIS.length - start : -start
  // The slice's last character is tested before concatenating: testing the concatenation
  // would copy it into one flat string first.
  const trimmed = slice.endsWith(' ') ? slice.slice(0, -1) : slice
  const out = (start > 0 ? ELLIPSIS : '') + trimmed + (cutEnd ? ELLIPSIS : '')
  return {
    snippet: out,
    highlights: highlightsIn(hits, f, start, start + slice.length, shift, null, out.length),
  }
}

/**
 * The hits of field `f` within [start, end) of its text, moved into a snippet of `length`
 * (by `map`, indexed from `start`, or else by adding `shift`), overlapping ones merged. The
 * hits of a field come in text order (buildSnippet), and moving keeps that order.
 */
function highlightsIn(
  hits: readonly Hit[],
  f: TextField,
  start: number,
  end: number,
  shift: number,
  map: number[] | null,
  length: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const h of hits) {
    if (h.field !== f || h.start < start || h.end > end) continue
    const from = map ? map[h.start - start]! : h.start + shift
    const to = Math.min(map ? map[h.end - start]! : h.end + shift, length)
    const prev = out[out.length - 1]
    if (prev && from <= prev[1]) prev[1] = Math.max(prev[1], to)
    else out.push([from, to])
  }
  return out
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
