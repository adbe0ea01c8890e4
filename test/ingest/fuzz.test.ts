/// <reference types="vite/client" />
// Fuzzing (issue #9): the feed parser on mutated real feeds (every fixture under
// test/fixtures/feeds, damaged by test/ingest/feed-mutations.ts) never throws anything but a
// ParseError and stays within a linear work bound (output characters at most outputBound(input)).
// Time is not asserted here: workerd's clock does not advance during computation, so the longest
// case is measured in Node by `npm run bench ingest-fuzz`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ParseError, parseFeed } from '../../src/ingest'
import { mutatedFeed, outputBound } from './feed-mutations'

const fixtures = Object.values(
  import.meta.glob<string>('../fixtures/feeds/**/*.{xml,json}', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
).filter((f) => !f.trimStart().startsWith('{"expected"') && !f.includes('"expected":'))

const RUNS = 1500

describe('fuzzing the parser with mutated real feeds', () => {
  it(`never throws anything but ParseError and stays linear (${RUNS} cases)`, () => {
    expect(fixtures.length).toBeGreaterThan(20)
    let parsed = 0
    let refused = 0
    fc.assert(
      fc.property(mutatedFeed(fixtures), (body) => {
        try {
          const r = parseFeed(body, { url: 'https://fuzz.example/feed' })
          parsed++
          expect(JSON.stringify(r).length).toBeLessThanOrEqual(outputBound(body))
        } catch (error) {
          if (!(error instanceof ParseError)) throw error
          refused++
        }
      }),
      { numRuns: RUNS, seed: 9 },
    )
    expect(parsed + refused).toBe(RUNS)
    // Most mutations leave a readable feed; the rest (cut before the root, junk roots) are refused.
    expect(parsed).toBeGreaterThan(RUNS / 10)
  })
})
