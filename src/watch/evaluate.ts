// Decides whether one compiled query matches one prepared item, and collects the hits that made
// it match. The same function serves the index (for candidates only) and the single-query paths,
// so the presearcher can never change what a watch means, only how often it is asked.
// Not responsible for choosing candidates (presearcher.ts) nor for snippets (explain.ts).
// Semantics: docs/query-language.md and the header of query-parser.ts.

import type { Hit } from '../model'
import { type CompiledNode, type WordMatcher } from './compile'
import { FIELD_ORDER, indicesOf, occursIn, type PreparedItem } from './item'
import type { TextField } from './query-parser'
import { FIRST, ITEM_STAMP, ROW, lexicon, type Leaf } from './word'

/** A run of positions that satisfied a span query, and the tokens to highlight in it. */
interface Span {
  from: number
  to: number
  /** `joined`: the token continues the previous one's phrase, and is reported with it. */
  tokens: Array<{ index: number; text: string; joined?: boolean }>
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
        for (const id of wordsOf(item, node.words[0]!)) {
          if (occursIn(item, id, node.fields)) return true
        }
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

/**
 * The ids of the item's words that a query word stands for: those with its stem in the item's
 * language (or its term, without the stem option or a stemmer), and those with its
 * transliteration key. The item must be bound (presearcher.ts), which fills the leaves.
 */
function wordsOf(item: PreparedItem, m: WordMatcher): readonly number[] {
  let words: readonly number[]
  // The presearcher binds stem leaves exactly when the item's language has a stemmer.
  if (m.stemLeaf !== null && item.stemLang !== undefined) {
    words = leafWords(m.stemLeaf, item)
  } else {
    const id = termId(m)
    words = lexicon.rows[id * ROW + ITEM_STAMP] === item.stamp ? [id] : NO_WORDS
  }
  if (m.german !== null && item.german) words = withGermanWord(words, m, item)
  return withKeyWords(words, m.keyLeaf, item)
}

/** `words` and the word of the query word's other German spelling, if the item holds it. */
function withGermanWord(
  words: readonly number[],
  m: WordMatcher,
  item: PreparedItem,
): readonly number[] {
  const german = m.german!
  const generation = lexicon.generation
  if (german.id < 0 || german.generation !== generation) {
    german.id = lexicon.get(german.term).id
    german.generation = generation
  }
  const id = german.id
  if (lexicon.rows[id * ROW + ITEM_STAMP] !== item.stamp || words.includes(id)) return words
  // The other spelling is shorter when it is the umlaut one (`muenchen` → munchen): then only
  // a word written with the umlaut stands for it, so that `boeing` does not find "Bing".
  if (german.term.length < m.term.length && !writtenWithUmlaut(item, id)) return words
  return words.length === 0 ? [id] : [...words, id]
}

const UMLAUT_RE = /[äöüÄÖÜ]|[aouAOU]\u0308/

/** Whether some occurrence of word `id` in `item` is written with ä, ö or ü in the text. */
function writtenWithUmlaut(item: PreparedItem, id: number): boolean {
  for (let t = lexicon.rows[id * ROW + FIRST]!; t !== -1; t = item.next[t]!) {
    for (const f of FIELD_ORDER) {
      const field = item.fields[f]
      if (t < field.base || t >= field.base + field.count) continue
      if (UMLAUT_RE.test(field.text.slice(item.start[t]!, item.end[t]!))) return true
      break
    }
  }
  return false
}

/** `words` and the words of `keyLeaf` (transliteration matches) not already among them. */
function withKeyWords(
  words: readonly number[],
  keyLeaf: Leaf | null,
  item: PreparedItem,
): readonly number[] {
  if (keyLeaf === null) return words
  const byKey = leafWords(keyLeaf, item)
  if (words.length === 0) return byKey
  let out: number[] | undefined
  for (const id of byKey) {
    if (words.includes(id)) continue
    out ??= words.slice()
    out.push(id)
  }
  return out ?? words
}

/** The lexicon's id for the query word's term, looked up again only after a sweep. */
function termId(m: WordMatcher): number {
  const generation = lexicon.generation
  if (m.wordId < 0 || m.wordGeneration !== generation) {
    m.wordId = lexicon.get(m.term).id
    m.wordGeneration = generation
  }
  return m.wordId
}

function leafWords(leaf: Leaf, item: PreparedItem): readonly number[] {
  return leaf.stamp === item.stamp ? leaf.ids : NO_WORDS
}

/** Token indices in field `f` where `word` occurs, ascending. */
function occurrences(item: PreparedItem, f: TextField, word: WordMatcher): number[] {
  return indicesOf(item, f, wordsOf(item, word)) ?? NO_INDICES
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
  const { base } = item.fields[f]
  const first = occurrences(item, f, words[0]!)
  if (first.length === 0) return []
  if (words.length === 1) {
    return first.map((index) => {
      const pos = item.pos[base + index]!
      return { from: pos, to: pos, tokens: [{ index, text }] }
    })
  }
  // Position → token index, for each later word of the phrase.
  const later: Array<Map<number, number>> = []
  for (let k = 1; k < words.length; k++) {
    const occ = occurrences(item, f, words[k]!)
    if (occ.length === 0) return []
    const byPos = new Map<number, number>()
    for (const index of occ) byPos.set(item.pos[base + index]!, index)
    later.push(byPos)
  }
  const out: Span[] = []
  for (const index of first) {
    const pos = item.pos[base + index]!
    const hit: Span['tokens'] = [{ index, text }]
    let ok = true
    for (let k = 1; k < words.length && ok; k++) {
      const next = later[k - 1]!.get(pos + k)
      if (next === undefined) ok = false
      else hit.push({ index: next, text, joined: true })
    }
    if (ok) out.push({ from: pos, to: pos + words.length - 1, tokens: hit })
  }
  return out
}

type WildcardNode = Extract<CompiledNode, { type: 'wildcard' }>

function wildcardSpans(node: WildcardNode, item: PreparedItem, f: TextField): Span[] {
  const { base } = item.fields[f]
  return wildcardIndices(node, item, f).map((index) => {
    const pos = item.pos[base + index]!
    return { from: pos, to: pos, tokens: [{ index, text: node.text }] }
  })
}

/** Token indices of field `f` whose term the wildcard matches (or whose key its key prefix starts), ascending. */
function wildcardIndices(node: WildcardNode, item: PreparedItem, f: TextField): number[] {
  return indicesOf(item, f, wildcardWords(node, item)) ?? NO_INDICES
}

/** Whether any field of the wildcard holds a word it matches. */
function wildcardMatches(node: WildcardNode, item: PreparedItem): boolean {
  for (const id of wildcardWords(node, item)) if (occursIn(item, id, node.fields)) return true
  return false
}

/** The item's words the wildcard matches by its pattern or by its transliteration key. */
function wildcardWords(node: WildcardNode, item: PreparedItem): readonly number[] {
  return withKeyWords(leafWords(node.leaf, item), node.keyLeaf, item)
}

const NO_WORDS: number[] = []

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
  terms: string[],
  fields: string[],
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
      addOnce(terms, node.text)
      addOnce(fields, node.field)
      if (node.field === 'site' && item.host !== '') {
        const start = item.hostStart
        hits.push({ field: 'url', term: node.text, start, end: start + item.host.length })
      }
      return
    default:
      if (node.type === 'words' && node.words.length === 1) {
        // One word: its occurrences are the hits (what wordSpans would wrap in spans).
        for (const f of node.fields) {
          const { base } = item.fields[f]
          for (const index of occurrences(item, f, node.words[0]!)) {
            const t = base + index
            hits.push({ field: f, term: node.text, start: item.start[t]!, end: item.end[t]! })
            addOnce(terms, node.text)
            addOnce(fields, f)
          }
        }
        return
      }
      for (const f of node.fields) {
        const field = item.fields[f]
        for (const span of spans(node, item, f, MAX_NEAR_SPANS)) {
          // A phrase is one hit, from its first word to its last: one highlight, not one a word.
          let last: Hit | undefined
          for (const { index, text, joined } of span.tokens) {
            const t = field.base + index
            if (joined && last) {
              last.end = Math.max(last.end, item.end[t]!)
              continue
            }
            last = { field: f, term: text, start: item.start[t]!, end: item.end[t]! }
            hits.push(last)
            addOnce(terms, text)
            addOnce(fields, f)
          }
        }
      }
  }
}

/** Appends `value` unless present: an explanation names a few terms and fields, not hundreds. */
function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value)
}
