/// <reference types="vite/client" />
// Deferred items (DeferOptions in src/ingest/xml-tree.ts): a document's items are built in part
// while it is read and whole only when each is read, from its span of the text. That must give
// exactly the tree — and the repair counts — of building the document whole, on real feeds and on
// every kind of damage test/ingest/feed-mutations.ts does (cut items, stray and mis-nested close
// tags, items opened inside items, unclosed CDATA and raw-text elements, namespaces declared on
// items).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { atomIdentNodes, atomStopNodes } from '../../src/ingest/atom'
import { rssIdentNodes, rssStopNodes } from '../../src/ingest/rss'
import { MAX_DEPTH, Names, NS, NsResolver, isObject } from '../../src/ingest/xml'
import {
  buildDeferred,
  buildTree,
  type Deferred,
  type TreeOptions,
  type TreeStats,
} from '../../src/ingest/xml-tree'
import { mutatedFeed } from './feed-mutations'

const fixtures = Object.values(
  import.meta.glob<string>('../fixtures/feeds/**/*.xml', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
)

/** Tree options as parse-feed.ts gives them for RSS 2.0 and for Atom 1.0. */
const dialects = [
  { item: 'item', names: new Names(undefined), stop: rssStopNodes, keep: rssIdentNodes },
  { item: 'entry', names: new Names('atom'), stop: atomStopNodes, keep: atomIdentNodes },
].map((d) => ({
  item: d.item,
  options: (): TreeOptions => ({
    stop: new Set(d.stop(d.names)),
    noSelfNesting: new Set([d.item]),
    maxDepth: MAX_DEPTH,
    names: new NsResolver(d.names.own, d.names.own ? NS[d.names.own] : undefined),
  }),
  keep: new Set(d.keep(d.names)),
}))

const noStats = (): TreeStats => ({ misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 })

/** `v` with every deferred node replaced by its whole subtree. */
function expandAll(
  v: unknown,
  s: string,
  found: Map<object, Deferred>,
  opts: TreeOptions,
): unknown {
  if (Array.isArray(v)) return v.map((x) => expandAll(x, s, found, opts))
  if (!isObject(v)) return v
  const d = found.get(v)
  if (d) return buildDeferred(s, d, opts)
  const out: Record<string, unknown> = {}
  for (const k in v) out[k] = expandAll(v[k], s, found, opts)
  return out
}

/** The tree of `s` built whole and built with deferred items then expanded, with repair counts. */
function bothWays(s: string, dialect: (typeof dialects)[number]) {
  const wholeStats = noStats()
  const whole = buildTree(s, dialect.options(), wholeStats)
  const found = new Map<object, Deferred>()
  const deferredStats = noStats()
  const opts = dialect.options()
  const deferOpts = {
    ...opts,
    defer: { names: new Set([dialect.item]), keep: dialect.keep, found },
  }
  const deferred = buildTree(s, deferOpts, deferredStats)
  return {
    whole: JSON.parse(JSON.stringify(whole)) as unknown,
    expanded: JSON.parse(JSON.stringify(expandAll(deferred, s, found, opts))) as unknown,
    wholeStats,
    deferredStats,
    deferredCount: found.size,
  }
}

describe('deferred items', () => {
  it.each(dialects.map((d) => [d.item, d] as const))(
    'build every fixture feed as the whole tree does (%s)',
    (_name, dialect) => {
      expect(fixtures.length).toBeGreaterThan(20)
      let deferred = 0
      for (const body of fixtures) {
        const r = bothWays(body, dialect)
        expect(r.expanded).toEqual(r.whole)
        expect(r.deferredStats).toEqual(r.wholeStats)
        deferred += r.deferredCount
      }
      expect(deferred).toBeGreaterThan(10)
    },
  )

  it('build every mutated feed as the whole tree does (1,000 cases per dialect)', () => {
    for (const dialect of dialects) {
      fc.assert(
        fc.property(mutatedFeed(fixtures), (body) => {
          // Byte-flipping mutations give bytes: the builder reads text (decoded as parseFeed does).
          const text = typeof body === 'string' ? body : new TextDecoder().decode(body)
          const r = bothWays(text, dialect)
          expect(r.expanded).toEqual(r.whole)
          expect(r.deferredStats).toEqual(r.wholeStats)
        }),
        { numRuns: 1000, seed: 21 },
      )
    }
  })

  it('keep only what identity and order read until an item is read', () => {
    const body =
      '<rss><channel><title>T</title><item xml:base="https://x.example/">' +
      '<title>A</title><guid isPermaLink="false">g1</guid><link>/a</link>' +
      '<description><![CDATA[<p>long text</p>]]></description><pubDate>Mon, 05 Jun 2023 10:00:00 GMT</pubDate>' +
      '<category>c</category><enclosure url="/e.mp3"/></item></channel></rss>'
    const dialect = dialects[0]!
    const found = new Map<object, Deferred>()
    const opts = dialect.options()
    const tree = buildTree(
      body,
      { ...opts, defer: { names: new Set(['item']), keep: dialect.keep, found } },
      noStats(),
    )
    const item = ((tree.rss as Record<string, unknown>).channel as Record<string, unknown>).item
    expect(JSON.parse(JSON.stringify(item))).toEqual({
      '@_xml:base': 'https://x.example/',
      guid: { '@_isPermaLink': 'false', '#text': 'g1' },
      link: '/a',
      pubdate: 'Mon, 05 Jun 2023 10:00:00 GMT',
    })
    const whole = buildDeferred(body, found.get(item as object)!, opts) as Record<string, unknown>
    expect(Object.keys(whole)).toEqual([
      '@_xml:base',
      'title',
      'guid',
      'link',
      'description',
      'pubdate',
      'category',
      'enclosure',
    ])
  })
})
