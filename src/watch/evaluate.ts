// Decides whether one compiled query matches one prepared item, and collects the hits that made
// it match. The same function serves the index (for candidates only) and the single-query paths,
// so the presearcher can never change what a watch means, only how often it is asked.
// Not responsible for choosing candidates (presearcher.ts) nor for snippets (explain.ts).
// Semantics: docs/query-language.md and the header of query-parser.ts.

import type { Hit } from '../model'
import { stemOf, type CompiledNode, type WordMatcher } from './compile'
import {
  indicesOf,
  mergeSorted,
  wordsByKey,
  wordsByKeyPrefix,
  wordsByPrefix,
  wordsByStem,
  type PreparedItem,
} from './item'
import type { TextField } from './query-parser'
import { PREFIX_KEY_UNITS, type Word } from './word'

/** A run of positions that satisfied a span query, and the tokens to highlight in it. */
interface Span {
  from: number
  to: number
  tokens: Array<{ index: number; text: string }>
}

const NO_INDICES: number[] = []

export function evaluate(node: CompiledNode, item: PreparedItem): boolean {
  switch (node.type) {
    case 'and':
      for (const child of node.children) if (!evaluate(child, item)) return false
      return true
    case 'or':
      for (const child of node.children) if (evaluate(child, item)) return true
      return false
    case 'not':
      return !evaluate(node.child, item)
    case 'meta':
      return matchesMeta(node, item)
    case 'words':
      if (node.words.length === 1) {
        for (const f of node.fields)
          if (occurrences(item, f, node.words[0]!).length > 0) return true
        return false
      }
      for (const f of node.fields) if (spans(node, item, f).length > 0) return true
      return false
    case 'wildcard':
      return wildcardMatches(node, item)
    case 'near':
      for (const f of node.fields) if (nearMatches(node, item, f)) return true
      return false
  }
}

function matchesMeta(node: Extract<CompiledNode, { type: 'meta' }>, item: PreparedItem): boolean {
  switch (node.field) {
    case 'site':
      return item.host === node.value || item.host.endsWith(`.${node.value}`)
    case 'lang':
      return item.langs.includes(node.value)
    case 'feed':
      return item.feedId === node.value || item.feedTags.includes(node.value)
  }
}

/** Token indices in field `f` where `word` occurs, ascending. */
function occurrences(item: PreparedItem, f: TextField, word: WordMatcher): number[] {
  const field = item.fields[f]
  let found: number[] | undefined
  const stem = stemOf(word, item.stemLang)
  if (stem !== undefined) found = indicesOf(field, wordsByStem(item, item.stemLang!, stem))
  else found = field.byTerm.get(word.term)
  if (word.key !== null) {
    const byKey = indicesOf(field, wordsByKey(item, word.key))
    if (byKey) found = found ? mergeSorted(found, byKey) : byKey
  }
  return found ?? NO_INDICES
}

/**
 * The spans of a span query in field `f`. A NEAR yields at most `cap` spans (its first pairs in
 * left-then-right order): explanations pass MAX_NEAR_SPANS so that two words each occurring a
 * thousand times in one field cannot cost a million spans; matching passes no cap.
 */
function spans(node: CompiledNode, item: PreparedItem, f: TextField, cap = Infinity): Span[] {
  switch (node.type) {
    case 'words':
      return node.fields.includes(f) ? wordSpans(node.words, node.text, item, f) : []
    case 'wildcard':
      return node.fields.includes(f) ? wildcardSpans(node, item, f) : []
    case 'or':
      return node.children.flatMap((c) => spans(c, item, f, cap))
    case 'near':
      return node.fields.includes(f) ? nearSpans(node, item, f, cap) : []
    default:
      return []
  }
}

/** Spans a NEAR reports per field in an explanation: far more hits than any snippet shows. */
export const MAX_NEAR_SPANS = 1000
/** Below this many pairs, trying each pair is cheaper than sorting. */
const NEAR_PAIRS_TO_SORT = 256

function wordSpans(words: WordMatcher[], text: string, item: PreparedItem, f: TextField): Span[] {
  const tokens = item.fields[f].tokens
  const first = occurrences(item, f, words[0]!)
  if (first.length === 0) return []
  if (words.length === 1) {
    return first.map((index) => {
      const pos = tokens[index]!.pos
      return { from: pos, to: pos, tokens: [{ index, text }] }
    })
  }
  // Position → token index, for each later word of the phrase.
  const later: Array<Map<number, number>> = []
  for (let k = 1; k < words.length; k++) {
    const occ = occurrences(item, f, words[k]!)
    if (occ.length === 0) return []
    const byPos = new Map<number, number>()
    for (const index of occ) byPos.set(tokens[index]!.pos, index)
    later.push(byPos)
  }
  const out: Span[] = []
  for (const index of first) {
    const pos = tokens[index]!.pos
    const hit = [{ index, text }]
    let ok = true
    for (let k = 1; k < words.length && ok; k++) {
      const next = later[k - 1]!.get(pos + k)
      if (next === undefined) ok = false
      else hit.push({ index: next, text })
    }
    if (ok) out.push({ from: pos, to: pos + words.length - 1, tokens: hit })
  }
  return out
}

type WildcardNode = Extract<CompiledNode, { type: 'wildcard' }>

function wildcardSpans(node: WildcardNode, item: PreparedItem, f: TextField): Span[] {
  const tokens = item.fields[f].tokens
  return wildcardIndices(node, item, f).map((index) => {
    const pos = tokens[index]!.pos
    return { from: pos, to: pos, tokens: [{ index, text: node.text }] }
  })
}

/**
 * Token indices of field `f` whose term the wildcard matches: the matching terms' indices in the
 * terms' code-unit order, or (when the transliteration key matched too) all of them ascending.
 */
function wildcardIndices(node: WildcardNode, item: PreparedItem, f: TextField): number[] {
  const field = item.fields[f]
  let matched: Word[] | null = null
  for (const word of literalWords(node, item) ?? NO_WORDS) {
    if (!field.byTerm.has(word.term)) continue
    if (matched) matched.push(word)
    else matched = [word]
  }
  let out: number[] = NO_INDICES
  if (matched) {
    if (matched.length > 1) matched.sort((a, b) => compareStrings(a.term, b.term))
    out = []
    for (const word of matched) {
      const indices = field.byTerm.get(word.term)!
      for (let k = 0; k < indices.length; k++) out.push(indices[k]!)
    }
  }
  if (node.keyPrefix === null) return out
  let byKey: number[] | null = null
  for (const word of keyWords(node, item) ?? NO_WORDS) {
    const list = field.byTerm.get(word.term)
    if (!list) continue
    byKey = byKey ? byKey.concat(list) : list.slice()
  }
  if (!byKey) return out
  // Each token has one term, hence one key: the union needs no deduplication beyond the
  // tokens the literal part already found.
  return mergeSorted(
    out.slice().sort((a, b) => a - b),
    byKey.sort((a, b) => a - b),
  )
}

/**
 * Whether any field of the wildcard holds a term it matches (wildcardIndices for some field is
 * non-empty). The transliteration keys are only looked at when the pattern matched nothing.
 */
function wildcardMatches(node: WildcardNode, item: PreparedItem): boolean {
  const literal = literalWords(node, item)
  if (literal) for (const word of literal) if (inAnyField(item, node.fields, word.term)) return true
  if (node.keyPrefix === null) return false
  const byKey = keyWords(node, item)
  if (byKey) for (const word of byKey) if (inAnyField(item, node.fields, word.term)) return true
  return false
}

const NO_WORDS: Word[] = []

/**
 * The item's words whose term the wildcard's pattern matches (memoised per item on the node):
 * only the words sharing the literal prefix's first code units are tested.
 */
function literalWords(node: WildcardNode, item: PreparedItem): Word[] | null {
  const memo = node.memo
  if (memo.literalStamp === item.stamp) return memo.literal
  const prefix = node.prefix
  let found: Word[] | null = null
  const bucket = prefix.length >= PREFIX_KEY_UNITS ? wordsByPrefix(item, prefix) : item.words
  if (bucket) {
    for (const word of bucket) {
      const term = word.term
      if (!term.startsWith(prefix) || !node.test(term)) continue
      if (found) found.push(word)
      else found = [word]
    }
  }
  memo.literalStamp = item.stamp
  memo.literal = found
  return found
}

/** The item's words whose transliteration key starts with the node's keyPrefix (memoised). */
function keyWords(node: WildcardNode, item: PreparedItem): Word[] | null {
  const memo = node.memo
  if (memo.keyStamp === item.stamp) return memo.byKey
  const keyPrefix = node.keyPrefix
  let found: Word[] | null = null
  if (keyPrefix !== null) {
    const bucket =
      keyPrefix.length >= PREFIX_KEY_UNITS ? wordsByKeyPrefix(item, keyPrefix) : item.words
    if (bucket) {
      for (const word of bucket) {
        if (!word.translit().startsWith(keyPrefix)) continue
        if (found) found.push(word)
        else found = [word]
      }
    }
  }
  memo.keyStamp = item.stamp
  memo.byKey = found
  return found
}

function inAnyField(item: PreparedItem, fields: TextField[], term: string): boolean {
  for (const f of fields) if (item.fields[f].byTerm.has(term)) return true
  return false
}

/** Code-unit order, as `<` compares. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

type NearNode = Extract<CompiledNode, { type: 'near' }>

function nearSpans(node: NearNode, item: PreparedItem, f: TextField, cap: number): Span[] {
  const left = spans(node.left, item, f, cap)
  if (left.length === 0) return []
  const right = spans(node.right, item, f, cap)
  const out: Span[] = []
  for (const a of left) {
    for (const b of right) {
      if (!within(node, a, b)) continue
      out.push({
        from: Math.min(a.from, b.from),
        to: Math.max(a.to, b.to),
        tokens: [...a.tokens, ...b.tokens],
      })
      if (out.length >= cap) return out
    }
  }
  return out
}

/** Whether `b` follows `a` (or, unordered, precedes it) with at most `distance` words between. */
function within(node: NearNode, a: Span, b: Span): boolean {
  const forward = b.from > a.to && b.from - a.to - 1 <= node.distance
  const backward = !node.ordered && a.from > b.to && a.from - b.to - 1 <= node.distance
  return forward || backward
}

/**
 * Whether nearSpans would find any pair, in O((a + b) log b) rather than a × b: for each left
 * span, binary search the right spans' starts (and, unordered, ends) for one within reach.
 */
function nearMatches(node: NearNode, item: PreparedItem, f: TextField): boolean {
  if (!node.fields.includes(f)) return false
  const left = spans(node.left, item, f)
  if (left.length === 0) return false
  const right = spans(node.right, item, f)
  if (right.length === 0) return false
  if (left.length * right.length <= NEAR_PAIRS_TO_SORT) {
    for (const a of left) for (const b of right) if (within(node, a, b)) return true
    return false
  }
  const d = node.distance
  const froms = Float64Array.from(right, (b) => b.from).sort()
  for (const a of left) {
    // forward: a.to + 1 <= b.from <= a.to + 1 + d
    const k = lowerBound(froms, a.to + 1)
    if (k < froms.length && froms[k]! <= a.to + 1 + d) return true
  }
  if (node.ordered) return false
  const tos = Float64Array.from(right, (b) => b.to).sort()
  for (const a of left) {
    // backward: a.from - 1 - d <= b.to <= a.from - 1
    const k = lowerBound(tos, a.from - 1 - d)
    if (k < tos.length && tos[k]! <= a.from - 1) return true
  }
  return false
}

/** Index of the first value in ascending `values` that is >= `x`. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The hits of a query that matched: every positive leaf that holds, in every field it holds. */
export function collectHits(
  node: CompiledNode,
  item: PreparedItem,
  hits: Hit[],
  terms: Set<string>,
  fields: Set<string>,
): void {
  switch (node.type) {
    case 'and':
    case 'or':
      for (const child of node.children) {
        if (node.type === 'and' || evaluate(child, item))
          collectHits(child, item, hits, terms, fields)
      }
      return
    case 'not':
      return
    case 'meta':
      if (!matchesMeta(node, item)) return
      terms.add(node.text)
      fields.add(node.field)
      if (node.field === 'site' && item.host !== '') {
        const start = item.hostStart
        hits.push({ field: 'url', term: node.text, start, end: start + item.host.length })
      }
      return
    default:
      if (node.type === 'words' && node.words.length === 1) {
        // One word: its occurrences are the hits (what wordSpans would wrap in spans).
        for (const f of node.fields) {
          const tokens = item.fields[f].tokens
          for (const index of occurrences(item, f, node.words[0]!)) {
            const token = tokens[index]!
            hits.push({ field: f, term: node.text, start: token.start, end: token.end })
            terms.add(node.text)
            fields.add(f)
          }
        }
        return
      }
      for (const f of node.fields) {
        const field = item.fields[f]
        for (const span of spans(node, item, f, MAX_NEAR_SPANS)) {
          for (const { index, text } of span.tokens) {
            const token = field.tokens[index]!
            hits.push({ field: f, term: text, start: token.start, end: token.end })
            terms.add(text)
            fields.add(f)
          }
        }
      }
  }
}
