// Property-based fuzzing of the watch engine with fast-check (issue #9): the query parser on
// arbitrary strings up to the API's 4,000 characters, and compiling and matching what parses
// against arbitrary items. Seeded, so a failure reproduces; bench/watch-fuzz.bench.ts runs the
// same properties with fresh seeds in Node and reports case counts and the longest case time.
//
// Bounded time inside workerd: its clock stands still while code computes, so this file cannot
// time a case. Termination is asserted structurally instead: the lexer checks that each pass
// consumes input and throws a plain Error if one does not (query-parser.ts), the parser consumes
// a lexeme per step with nesting capped at 32, and anything thrown but a QueryError fails the
// property here. A loop that the checks miss would still fail the test by its timeout.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compileWatchIndex,
  matchItem,
  matchQuery,
  parseQuery,
  QueryError,
  type QueryAst,
} from '../../src/watch'
import type { MatchExplanation } from '../../src/model'
import { matchInput, matchOptions, queryString } from './fuzz-arbitraries'

/** Cases a run: the parser is cheap; matching prepares a ~2,000-character item a case. */
const PARSE_RUNS = 3000
const MATCH_RUNS = 1000
const SEED = 20261204

/** The parse outcome of `query`: its AST, or the QueryError it threw (anything else fails). */
function parseOutcome(query: string): QueryAst | QueryError {
  try {
    return parseQuery(query)
  } catch (error) {
    if (error instanceof QueryError) return error
    throw error
  }
}

/** Every leaf's and NEAR's position in the AST. */
function positions(node: QueryAst, out: number[] = []): number[] {
  switch (node.type) {
    case 'and':
    case 'or':
      for (const child of node.children) positions(child, out)
      return out
    case 'not':
      return positions(node.child, out)
    case 'near':
      out.push(node.position)
      positions(node.left, out)
      return positions(node.right, out)
    default:
      out.push(node.position)
      return out
  }
}

function expectWellFormed(explanation: MatchExplanation, item: Record<string, unknown>): void {
  for (const hit of explanation.hits) {
    const text =
      hit.field === 'category'
        ? (item.categories as string[]).join(', ')
        : String(item[hit.field] ?? '')
    expect(hit.start).toBeGreaterThanOrEqual(0)
    expect(hit.end).toBeGreaterThan(hit.start)
    expect(hit.end).toBeLessThanOrEqual(text.length)
  }
  for (const [start, end] of explanation.highlights) {
    expect(start).toBeGreaterThanOrEqual(0)
    expect(end).toBeLessThanOrEqual(explanation.snippet.length)
  }
}

describe('fuzz: the query parser on arbitrary strings', () => {
  it('returns an AST whose positions lie in the query, or throws a QueryError positioned in it', () => {
    let parsed = 0
    let refused = 0
    fc.assert(
      fc.property(queryString, (query) => {
        const outcome = parseOutcome(query)
        if (outcome instanceof QueryError) {
          refused++
          expect(outcome.position).toBeGreaterThanOrEqual(0)
          expect(outcome.position).toBeLessThanOrEqual(query.length)
          expect(outcome.query).toBe(query)
          return
        }
        parsed++
        for (const p of positions(outcome)) {
          expect(p).toBeGreaterThanOrEqual(0)
          expect(p).toBeLessThan(query.length)
        }
      }),
      { numRuns: PARSE_RUNS, seed: SEED },
    )
    // Both outcomes must be exercised, or the generator has drifted.
    expect(parsed).toBeGreaterThan(PARSE_RUNS / 10)
    expect(refused).toBeGreaterThan(PARSE_RUNS / 10)
  })
})

describe('fuzz: compiling and matching what parses', () => {
  it('never throws, and the index agrees with evaluating the query alone', () => {
    let compiled = 0
    let matched = 0
    fc.assert(
      fc.property(queryString, matchOptions, matchInput, (query, options, item) => {
        if (parseOutcome(query) instanceof QueryError) return
        compiled++
        const index = compileWatchIndex([{ id: 'w', query, options }])
        expect(index.errors).toEqual([])
        const viaIndex = matchItem(index, item)
        const alone = matchQuery(query, item, options)
        expect(viaIndex.length).toBe(alone ? 1 : 0)
        if (alone) {
          matched++
          expect(viaIndex[0]!.explanation).toEqual(alone)
          expectWellFormed(alone, item as unknown as Record<string, unknown>)
        }
      }),
      { numRuns: MATCH_RUNS, seed: SEED },
    )
    expect(compiled).toBeGreaterThan(MATCH_RUNS / 10)
    // Mostly random text rarely matches; pure negations and common words do.
    expect(matched).toBeGreaterThan(0)
  })
})
