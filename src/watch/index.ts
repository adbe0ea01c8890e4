// The watch stage's public API: parse and check a query, compile all watches into one index,
// match items against it, and preview a query against sample items.
// Not responsible for watch scope (the monitor filters feeds/tags before calling matchItem),
// for caching the index per configuration version (the monitor), nor for HTTP (src/http).
// A compiled index can also be stored and loaded as bytes (snapshot.ts), its watches then
// decoded on first use.
// Pure: no env, no fetch, no clock. Language: query-parser.ts header, docs/query-language.md.

import type { Hit, MatchExplanation } from '../model'
import { compileQuery, type CompiledNode, type CompiledQuery, type MatchOptions } from './compile'
import { evaluate } from './evaluate'
import { explainMatch } from './explain'
import { prepareItem, type PreparedItem } from './item'
import { buildPresearcher, type Presearcher } from './presearcher'
import { QueryError } from './query-error'

export { QueryError } from './query-error'
export { parseQuery, type QueryAst } from './query-parser'
export { normalizeWord } from './normalize'
export { tokenize, type Token } from './tokenize'

export interface WatchSpec {
  id: string
  query: string
  options?: { stem?: boolean; transliterate?: boolean }
}

export interface MatchInput {
  title: string
  summary: string
  content: string
  url?: string
  author?: string
  categories: string[]
  lang?: string
  feedLang?: string
  feedId: string
  feedTags: string[]
}

export interface WatchIndex {
  readonly size: number
  /** Watches whose query does not parse: skipped, reported, never fatal for the others. */
  readonly errors: Array<{ watchId: string; error: QueryError }>
}

export interface PreviewItem {
  title?: string
  summary?: string
  content?: string
  url?: string
  lang?: string
  author?: string
  categories?: string[]
}

export interface PreviewResult {
  matched: boolean
  hits: Hit[]
  snippet: string
  highlights: Array<[number, number]>
}

/**
 * What a loaded snapshot (snapshot.ts) decodes on a watch's first use rather than at load: its
 * id (for an alert) and its query tree (for evaluation), since a tick evaluates only the
 * watches the presearcher selects.
 */
export interface LazyWatches {
  id(watch: number): string
  root(watch: number): CompiledNode
}

class CompiledWatchIndex implements WatchIndex {
  /**
   * The queries' roots, read without the CompiledQuery: one cache miss less a candidate.
   * Undefined until first use in a loaded index (rootOf).
   */
  readonly roots: Array<CompiledNode | undefined>
  private readonly ids: Array<string | undefined>

  constructor(
    readonly size: number,
    ids: string[] | null,
    roots: CompiledNode[] | null,
    readonly presearcher: Presearcher,
    readonly errors: Array<{ watchId: string; error: QueryError }>,
    private readonly lazy: LazyWatches | null,
  ) {
    this.ids = ids ?? new Array<string | undefined>(size).fill(undefined)
    this.roots = roots ?? new Array<CompiledNode | undefined>(size).fill(undefined)
  }

  rootOf(watch: number): CompiledNode {
    return (this.roots[watch] ??= this.lazy!.root(watch))
  }

  idOf(watch: number): string {
    return (this.ids[watch] ??= this.lazy!.id(watch))
  }
}

/** Compiles every valid watch into one index (call once per configuration version and cache). */
export function compileWatchIndex(watches: WatchSpec[]): WatchIndex {
  const ids: string[] = []
  const queries: CompiledQuery[] = []
  const errors: Array<{ watchId: string; error: QueryError }> = []
  for (const watch of watches) {
    try {
      queries.push(compileQuery(watch.query, watch.options))
      ids.push(watch.id)
    } catch (error) {
      if (!(error instanceof QueryError)) throw error
      errors.push({ watchId: watch.id, error })
    }
  }
  const roots = queries.map((q) => q.root)
  return new CompiledWatchIndex(ids.length, ids, roots, buildPresearcher(queries), errors, null)
}

/**
 * An index whose presearcher is built already and whose watches are decoded on first use
 * (snapshot.ts, when it loads a stored index).
 */
export function indexFromSnapshot(
  size: number,
  watches: LazyWatches,
  presearcher: Presearcher,
  errors: Array<{ watchId: string; error: QueryError }>,
): WatchIndex {
  return new CompiledWatchIndex(size, null, null, presearcher, errors, watches)
}

/** The watches of `index` that `item` matches, in watch order, each with its explanation. */
export function matchItem(
  index: WatchIndex,
  item: MatchInput,
): Array<{ watchId: string; explanation: MatchExplanation }> {
  if (!(index instanceof CompiledWatchIndex)) {
    throw new TypeError('matchItem needs an index made by compileWatchIndex')
  }
  const prepared = prepareItem(item)
  const out: Array<{ watchId: string; explanation: MatchExplanation }> = []
  const candidates = index.presearcher.bind(prepared)
  // Brings the candidates' roots into the cache together, so their misses overlap (and
  // decodes, in a loaded index, those never evaluated before).
  const roots = index.roots
  let touched = 0
  for (const i of candidates) touched ^= (roots[i] ?? index.rootOf(i)).type.length
  touches = touched
  for (const i of candidates) {
    const root = roots[i]!
    if (evaluate(root, prepared)) {
      out.push({ watchId: index.idOf(i), explanation: explainMatch(root, prepared) })
    }
  }
  return out
}

/** What matchItem read to bring roots into the cache (kept, so the reads are made). */
let touches = 0

/** One query against one item, without an index. Throws QueryError for a bad query. */
export function matchQuery(
  query: string,
  item: MatchInput,
  options?: MatchOptions,
): MatchExplanation | null {
  const single = compileSingle(query, options)
  return matchSingle(single, prepareItem(item))
}

/** A query against sample items (POST /api/preview), in item order. Throws QueryError. */
export function previewQuery(
  query: string,
  items: PreviewItem[],
  options?: MatchOptions,
): PreviewResult[] {
  const single = compileSingle(query, options)
  return items.map((item) => {
    const explanation = matchSingle(single, prepareItem(item))
    if (!explanation) return { matched: false, hits: [], snippet: '', highlights: [] }
    const { hits, snippet, highlights } = explanation
    return { matched: true, hits, snippet, highlights }
  })
}

/** One query and its own presearcher, which binds items to the query's leaves. */
interface SingleQuery {
  root: CompiledQuery['root']
  presearcher: Presearcher
}

function compileSingle(query: string, options: MatchOptions | undefined): SingleQuery {
  const compiled = compileQuery(query, options)
  return { root: compiled.root, presearcher: buildPresearcher([compiled]) }
}

/** Evaluates every time, whatever the presearcher would select: this is the reference path. */
function matchSingle(single: SingleQuery, prepared: PreparedItem): MatchExplanation | null {
  single.presearcher.bind(prepared)
  return evaluate(single.root, prepared) ? explainMatch(single.root, prepared) : null
}
