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
  PREFIX_KEY_UNITS,
  wordsByKey,
  wordsByKeyPrefix,
  wordsByPrefix,
  wordsByStem,
  type PreparedItem,
} from './item'
import type { TextField } from './query-parser'
import type { Word } from './word'

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
      for (const f of node.fields) if (wildcardIndices(node, item, f, true).length > 0) return true
      return false
    case 'near':
      for (const f of node.fields) if (spans(node, item, f).length > 0) return true
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
  if (stem !== undefined) found = indicesOf(field, wordsByStem(item, item.stemLang!).get(stem))
  else found = field.byTerm.get(word.term)
  if (word.key !== null) {
    const byKey = indicesOf(field, wordsByKey(item).get(word.key))
    if (byKey) found = found ? mergeSorted(found, byKey) : byKey
  }
  return found ?? NO_INDICES
}

function spans(node: CompiledNode, item: PreparedItem, f: TextField): Span[] {
  switch (node.type) {
    case 'words':
      return node.fields.includes(f) ? wordSpans(node.words, node.text, item, f) : []
    case 'wildcard':
      return node.fields.includes(f) ? wildcardSpans(node, item, f) : []
    case 'or':
      return node.children.flatMap((c) => spans(c, item, f))
    case 'near':
      return node.fields.includes(f) ? nearSpans(node, item, f) : []
    default:
      return []
  }
}

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
  return wildcardIndices(node, item, f, false).map((index) => {
    const pos = tokens[index]!.pos
    return { from: pos, to: pos, tokens: [{ index, text: node.text }] }
  })
}

/**
 * Token indices of field `f` whose term the wildcard matches: the matching terms' indices in the
 * terms' code-unit order, or (when the transliteration key matched too) all of them ascending.
 * With `first`, any non-empty list as soon as one is found (evaluate only asks whether any).
 * Only the field's words sharing the literal prefix's first code units are tested.
 */
function wildcardIndices(
  node: WildcardNode,
  item: PreparedItem,
  f: TextField,
  first: boolean,
): number[] {
  const field = item.fields[f]
  const prefix = node.prefix
  let matched: Word[] | null = null
  const bucket = prefix.length >= PREFIX_KEY_UNITS ? wordsByPrefix(item, prefix) : item.words
  if (bucket) {
    for (const word of bucket) {
      const term = word.term
      if (!term.startsWith(prefix) || !node.test(term)) continue
      const list = field.byTerm.get(term)
      if (!list) continue
      if (first) return list
      if (matched) matched.push(word)
      else matched = [word]
    }
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
  const keyPrefix = node.keyPrefix
  if (keyPrefix === null) return out
  const keyBucket =
    keyPrefix.length >= PREFIX_KEY_UNITS ? wordsByKeyPrefix(item, keyPrefix) : item.words
  if (!keyBucket) return out
  let byKey: number[] | null = null
  for (const word of keyBucket) {
    if (!word.translit().startsWith(keyPrefix)) continue
    const list = field.byTerm.get(word.term)
    if (!list) continue
    if (first) return list
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

/** Code-unit order, as `<` compares. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function nearSpans(
  node: Extract<CompiledNode, { type: 'near' }>,
  item: PreparedItem,
  f: TextField,
): Span[] {
  const left = spans(node.left, item, f)
  if (left.length === 0) return []
  const right = spans(node.right, item, f)
  const out: Span[] = []
  for (const a of left) {
    for (const b of right) {
      const forward = b.from > a.to && b.from - a.to - 1 <= node.distance
      const backward = !node.ordered && a.from > b.to && a.from - b.to - 1 <= node.distance
      if (forward || backward) {
        out.push({
          from: Math.min(a.from, b.from),
          to: Math.max(a.to, b.to),
          tokens: [...a.tokens, ...b.tokens],
        })
      }
    }
  }
  return out
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
      for (const f of node.fields) {
        const field = item.fields[f]
        for (const span of spans(node, item, f)) {
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
