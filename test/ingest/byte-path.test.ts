/// <reference types="vite/client" />
// The byte path (src/ingest/xml-bytes.ts; ParseOptions.bytePathFrom) against the text path: a
// body read over its bytes — values decoded from their own byte ranges, items from their spans —
// must give exactly what decoding it whole gives (feed, items, keys, warnings, or the same
// error), on every fixture feed and on 1,000 mutated feeds per dialect, each written in every
// encoding the byte path takes (UTF-8 with and without a BOM, under a disagreeing label,
// windows-1252, windows-1251) — and bodies it must not take (control characters, truncation,
// errors, JSON) fall back to the text path with the same result. Both parseFeed and openFeed
// (items newest first, as the monitor reads them) are compared.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openFeed, parseFeed } from '../../src/ingest'
import { byteRoute } from '../../src/ingest/encoding'
import { concat, encodeSingleByte, hex } from './bytes'
import { mutatedFeed } from './feed-mutations'

const fixtures = import.meta.glob<string>('../fixtures/feeds/**/*.{xml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const url = 'https://bytes.example/feed'

/** `text` in a single-byte encoding; characters it cannot write become `?`. */
const encodeLossy = (text: string, encoding: string) => encodeSingleByte(text, encoding, 0x3f)

interface Variant {
  name: string
  bytes: Uint8Array
  contentType?: string
}

/** One document written in each encoding the byte path reads. */
function variants(doc: string | Uint8Array): Variant[] {
  if (typeof doc !== 'string') {
    return [
      { name: 'utf-8 bytes', bytes: doc },
      { name: 'bytes labelled windows-1252', bytes: doc, contentType: 'text/xml; charset=cp1252' },
    ]
  }
  const relabel = (label: string) => doc.replace(/(<\?xml[^>]*encoding=["'])[^"']*/, `$1${label}`)
  return [
    { name: 'utf-8', bytes: new TextEncoder().encode(doc) },
    { name: 'utf-8 with BOM', bytes: concat(hex('EF BB BF'), doc) },
    {
      name: 'utf-8 under a Latin-1 header',
      bytes: new TextEncoder().encode(doc),
      contentType: 'application/rss+xml; charset=ISO-8859-1',
    },
    { name: 'windows-1252', bytes: encodeLossy(relabel('windows-1252'), 'windows-1252') },
    {
      name: 'windows-1251 by header',
      bytes: encodeLossy(doc, 'windows-1251'),
      contentType: 'text/xml; charset=windows-1251',
    },
  ]
}

/**
 * What a parse gives, as plain data (contentHtml's getter included), or its error — read whole
 * with parseFeed, and item by item with openFeed (the monitor's way: newest first).
 */
function outcome(body: Uint8Array, contentType: string | undefined, bytePathFrom: number) {
  try {
    const r = parseFeed(body, { url, contentType, bytePathFrom })
    const o = openFeed(body, { url, contentType, bytePathFrom })
    const { feed, count, oldestFirst } = o
    const items = [...o.items()]
    const opened = { feed, count, oldestFirst, items, warnings: o.warnings }
    return JSON.parse(JSON.stringify({ r, opened })) as unknown
  } catch (error) {
    return { error: String(error), position: (error as { position?: unknown }).position }
  }
}

/** Both paths on `v`; whether the byte path took it. */
function compare(v: Variant): boolean {
  const text = outcome(v.bytes, v.contentType, Infinity)
  const bytes = outcome(v.bytes, v.contentType, 0)
  expect(bytes, v.name).toEqual(text)
  return byteRoute(v.bytes, v.contentType) !== undefined
}

/** Characters above U+007F in every kind of value the document pass keeps, and in items. */
const NON_ASCII_FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:é="http://purl.org/rss/1.0/modules/content/">
<channel><title>\u00a0Новости — ’quoted’ 東京\u3000</title><link>https://пример.рф/лента</link>
<description><![CDATA[Лента «новостей» ’]]></description><language>ru</language>
<dc:creator> Иван Петров </dc:creator><lastBuildDate>Вт, 06 июн 2023 10:00:00 +0300</lastBuildDate>
<item><title>Первая ’новость’</title><guid isPermaLink="false">ид-1 ’</guid>
<link>https://пример.рф/новости/1?тег=да</link><pubDate>Вт, 06 июн 2023 10:00:00 +0300</pubDate>
<é:encoded><![CDATA[<p>Текст ’статьи’ \u00a0</p>]]></é:encoded><category domain="раздел">Политика</category>
<Заметка атрибут="значение">текст</Заметка></item>
<item><title>\u3000Вторая\u00a0</title><guid>https://пример.рф/2</guid><description>Описание &amp; ’ &eacute;</description>
<dc:date>2023-06-05T10:00:00Z</dc:date><enclosure url="https://пример.рф/аудио.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>`

describe('the byte path reads as the text path does', () => {
  it.each(variants(NON_ASCII_FEED).map((v) => [v.name, v] as const))(
    'decodes every non-ASCII value from its own bytes (%s)',
    (_name, v) => {
      expect(compare(v)).toBe(true)
    },
  )

  it('keeps the non-ASCII values themselves (not their bytes read as Latin-1)', () => {
    const body = new TextEncoder().encode(NON_ASCII_FEED)
    const r = parseFeed(body, { url, bytePathFrom: 0 })
    expect(r.feed.title).toBe('Новости — ’quoted’ 東京')
    expect(r.items.map((i) => i.guid)).toEqual(['ид-1 ’', 'https://пример.рф/2'])
    expect(r.items[0]!.content).toBe('Текст ’статьи’')
    expect(r.items[1]!.title).toBe('Вторая')
    // Newest first, read from the bytes too.
    const opened = openFeed(body, { url, bytePathFrom: 0 })
    expect([...opened.items()].map((i) => i.title)).toEqual(['Первая ’новость’', 'Вторая'])
  })

  it.each(Object.entries(fixtures).map(([path, doc]) => [path.split('/feeds/')[1]!, doc]))(
    'reads fixture %s in every encoding as the text path does',
    (_name, doc) => {
      for (const v of variants(doc)) compare(v)
    },
  )

  it('takes every XML fixture that needs no text repair, in every encoding', () => {
    let taken = 0
    let all = 0
    for (const doc of Object.values(fixtures)) {
      if (!doc.trimStart().startsWith('<')) continue
      for (const v of variants(doc)) {
        all++
        if (byteRoute(v.bytes, v.contentType)) taken++
      }
    }
    // Only bodies with characters XML forbids are refused by the route (the rest fall back later).
    expect(taken).toBeGreaterThan(all * 0.9)
  })

  const dialects = {
    rss: (p: string) => /\/(rss09[12]|rss20|broken)\//.test(p) || p.includes('/rules/'),
    rdf: (p: string) => /\/(rss090|rss10)\//.test(p),
    atom: (p: string) => /\/atom(03|10)\//.test(p),
  }
  it.each(Object.entries(dialects))(
    'reads 1,000 mutated %s feeds in every encoding as the text path does',
    (_dialect, pick) => {
      const docs = Object.entries(fixtures)
        .filter(([p]) => p.endsWith('.xml') && pick(p))
        .map(([, d]) => d)
      expect(docs.length).toBeGreaterThan(1)
      let taken = 0
      fc.assert(
        fc.property(mutatedFeed(docs), fc.nat(4), (body, pick) => {
          const vs = variants(body)
          if (compare(vs[pick % vs.length]!)) taken++
        }),
        { numRuns: 1000, seed: 13 },
      )
      // Most mutated feeds are still taken by the byte path (the rest test its fallbacks).
      expect(taken).toBeGreaterThan(300)
    },
  )

  it('reads a leading ÿ (0xFF) in windows-1252 as the text path does', () => {
    // Node 22's windows-1252 TextDecoder drops it under ignoreBOM: single-byte ranges never get it.
    const doc = '<rss><channel><title>ÿ Noël</title><item><guid>ÿ1</guid></item></channel></rss>'
    const bytes = concat(hex('FF'), encodeLossy(doc, 'windows-1252'))
    const contentType = 'text/xml; charset=windows-1252'
    expect(compare({ name: 'windows-1252', bytes, contentType })).toBe(true)
    expect(parseFeed(bytes, { url, contentType, bytePathFrom: 0 }).warnings).toEqual([
      '1 characters before the XML removed',
    ])
  })

  it.each([
    ['control characters', '<rss><channel><title>a\u0001b</title></channel></rss>'],
    [
      'a prolog comment `<!-->` (its end differs between the prolog walk and the tree builder)',
      '<!--><?xml version="1.0"?><rss><channel><title>x</title></channel></rss><!-- -->' +
        '<rss><channel><item><title>y</title></item></channel></rss>',
    ],
    ['a truncated document', '<rss><channel><item><title>a</title></item><item><title>b'],
    ['an HTML page', '<!DOCTYPE html><html><body>x</body></html>'],
    ['an unknown root', '<svg><title>x</title></svg>'],
    ['JSON', '{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}'],
    ['an empty body', ' \n '],
  ])('falls back to the text path for %s, with the same result', (_name, doc) => {
    compare({ name: 'utf-8', bytes: new TextEncoder().encode(doc) })
  })
})
