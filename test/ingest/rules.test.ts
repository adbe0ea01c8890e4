/// <reference types="vite/client" />
// Golden pairs, one per ingestion rule (issue #13): test/fixtures/feeds/rules/<rule>.xml is a small
// feed showing the rule, <rule>.json beside it holds the fields it must produce (`expected`, matched
// as a subset of parseFeed's result: items in order, every listed field exact) and the parse options
// when the rule needs response headers (`options`).
import { describe, expect, it } from 'vitest'
import { parseFeed, type ParseOptions } from '../../src/ingest'

const bodies = import.meta.glob<string>('../fixtures/feeds/rules/*.xml', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const goldens = import.meta.glob<string>('../fixtures/feeds/rules/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
})

interface Golden {
  options?: ParseOptions
  expected: Record<string, unknown>
}

const rules = Object.keys(bodies)
  .sort()
  .map((path) => {
    const rule = path.replace(/^.*\//, '').replace(/\.xml$/, '')
    const golden = JSON.parse(goldens[path.replace(/\.xml$/, '.json')]!) as Golden
    return [rule, bodies[path]!, golden] as const
  })

describe('ingestion rules (golden pairs)', () => {
  it('has a golden file beside every fixture', () => {
    expect(rules.length).toBeGreaterThanOrEqual(20)
    expect(Object.keys(goldens)).toHaveLength(rules.length)
  })

  it.each(rules)('%s', (_rule, body, golden) => {
    const options = golden.options ?? { url: 'https://feeds.example.com/feed' }
    const result = parseFeed(body, options)
    expect(result).toMatchObject(golden.expected)
  })
})
