// Format detection and field mapping for every supported format, from fixtures.
import { describe, expect, it } from 'vitest'
import { ParseError, parseFeed } from '../../src/ingest'
import atom03 from '../fixtures/feeds/atom03/basic.xml?raw'
import atomRelative from '../fixtures/feeds/atom10/relative-links.xml?raw'
import atomText from '../fixtures/feeds/atom10/text-constructs.xml?raw'
import json10 from '../fixtures/feeds/json/feed-1.0.json?raw'
import json11 from '../fixtures/feeds/json/feed-1.1.json?raw'
import rss090 from '../fixtures/feeds/rss090/basic.xml?raw'
import rss091 from '../fixtures/feeds/rss091/basic.xml?raw'
import rss092 from '../fixtures/feeds/rss092/basic.xml?raw'
import rss10 from '../fixtures/feeds/rss10/rdf-dc.xml?raw'
import rss20 from '../fixtures/feeds/rss20/basic.xml?raw'
import rss20ns from '../fixtures/feeds/rss20/namespaces-by-uri.xml?raw'

const parse = (body: string, url = 'https://feeds.example.com/feed') => parseFeed(body, { url })

describe('format detection', () => {
  it.each([
    ['rss090/basic.xml', rss090, 'rss090', 2],
    ['rss091/basic.xml', rss091, 'rss091', 1],
    ['rss092/basic.xml', rss092, 'rss092', 1],
    ['rss20/basic.xml', rss20, 'rss20', 2],
    ['rss20/namespaces-by-uri.xml', rss20ns, 'rss20', 1],
    ['rss10/rdf-dc.xml', rss10, 'rss10', 1],
    ['atom03/basic.xml', atom03, 'atom03', 1],
    ['atom10/relative-links.xml', atomRelative, 'atom10', 2],
    ['atom10/text-constructs.xml (prefixed a:feed)', atomText, 'atom10', 1],
    ['json/feed-1.0.json', json10, 'json10', 1],
    ['json/feed-1.1.json', json11, 'json11', 2],
    [
      'rss 0.93 by version attribute',
      '<rss version="0.93"><channel><title>x</title></channel></rss>',
      'rss093',
      0,
    ],
    ['rss 0.94 by version attribute', '<rss version="0.94"><channel/></rss>', 'rss094', 0],
    ['rss without version as 2.0', '<rss><channel/></rss>', 'rss20', 0],
  ])('detects %s as %s', (_name, body, format, count) => {
    const r = parse(body)
    expect(r.feed.format).toBe(format)
    expect(r.items).toHaveLength(count)
  })

  it.each([
    [
      'an HTML page',
      '<!DOCTYPE html><html><head><title>Home</title></head><body></body></html>',
      /HTML page/,
    ],
    ['an empty body', '  \n ', /empty body/],
    ['plain text', 'hello world', /no XML element/],
    ['invalid JSON', '{"version": ', /invalid JSON/],
    ['JSON that is not a feed', '{"hello": "world"}', /not a JSON Feed/],
    ['an unknown root element', '<?xml version="1.0"?><svg></svg>', /unknown root element <svg>/],
  ])('refuses %s with a ParseError', (_name, body, message) => {
    let error: unknown
    try {
      parse(body)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ParseError)
    expect((error as ParseError).message).toMatch(message)
    expect((error as ParseError).url).toBe('https://feeds.example.com/feed')
  })

  it('says where the unexpected root element is', () => {
    let error: ParseError | undefined
    try {
      parse('<?xml version="1.0"?>\n<!-- page -->\n  <html><body/></html>')
    } catch (e) {
      error = e as ParseError
    }
    expect(error?.position).toEqual({ line: 3, column: 3 })
  })
})

describe('RSS 2.0', () => {
  const r = parse(rss20)
  const [first, second] = r.items

  it('reads channel metadata', () => {
    expect(r.feed).toEqual({
      format: 'rss20',
      title: 'Le Monde & Co',
      link: 'https://news.example.com/',
      description: 'Actualités du jour',
      lang: 'fr',
      ttlMinutes: 30,
    })
  })

  it('decodes HTML entities that XML never declared', () => {
    expect(first!.title).toBe('L’été arrive !')
  })

  it('reduces escaped HTML and CDATA HTML to plain text, dropping scripts', () => {
    expect(first!.summary).toBe('Il fait chaud & beau.')
    expect(first!.content).toBe('Texte complet. Fin & suite.')
  })

  it('keys by guid and keeps the link as published next to its canonical form', () => {
    expect(first!.key).toBe('g:news-2023-ete')
    expect(first!.url).toBe('https://news.example.com/2023/06/ete?utm_source=rss&id=7#comments')
    expect(first!.canonicalUrl).toBe('https://news.example.com/2023/06/ete?id=7')
  })

  it('reads dates, author, categories and enclosures', () => {
    expect(first!.published).toBe('2023-06-05T10:00:00.000Z')
    expect(first!.author).toBe('Marie Curie')
    expect(first!.categories).toEqual(['Météo', 'France'])
    expect(first!.enclosures).toEqual([
      { url: 'https://news.example.com/audio/ete.mp3', type: 'audio/mpeg', length: 12345 },
    ])
    expect(first!.lang).toBe('fr')
  })

  it('resolves relative links against the channel link and reads "email (Name)" authors', () => {
    expect(second!.url).toBe('https://news.example.com/relative/second')
    expect(second!.key).toBe('u:https://news.example.com/relative/second')
    expect(second!.author).toBe('Jean Editor')
  })

  it('warns about nothing in a clean feed', () => {
    expect(r.warnings).toEqual([])
  })
})

describe('namespaces resolved by URI, not prefix', () => {
  const r = parse(rss20ns)
  const item = r.items[0]!

  it('reads modules bound to unusual prefixes', () => {
    expect(item.content).toBe('Full text')
    expect(item.author).toBe('Hans')
    expect(item.published).toBe('2023-06-05T08:00:00.000Z')
    expect(item.categories).toEqual(['Technik'])
    expect(r.feed.lang).toBe('de')
  })

  it('prefers feedburner:origLink and reads media:group', () => {
    expect(item.url).toBe('https://site.example.com/video/123')
    expect(item.summary).toBe('A short video')
    expect(item.enclosures).toEqual([
      { url: 'https://cdn.example.com/v.mp4', type: 'video/mp4', length: 999 },
      { url: 'https://cdn.example.com/v.jpg', type: 'image' },
    ])
  })

  it('uses the channel <link>, not atom:link rel=self, as the site link', () => {
    expect(r.feed.link).toBe('https://site.example.com/')
  })
})

describe('RSS 0.9x and RDF', () => {
  it('keys an RSS 0.91 item by its link and drops the Netscape DOCTYPE silently', () => {
    const r = parse(rss091)
    expect(r.items[0]!.key).toBe('u:http://paper.example.net/council.html')
    expect(r.warnings).toEqual([])
  })

  it('keys an item with neither guid nor link by a content hash', () => {
    const r = parse(rss092)
    expect(r.items[0]!.key).toMatch(/^h:[0-9a-f]{16}$/)
    expect(r.items[0]!.title).toBe('')
    expect(r.items[0]!.categories).toEqual(['Music'])
  })

  it('reads RSS 1.0 items beside the channel with Dublin Core fields', () => {
    const r = parse(rss10)
    expect(r.feed).toMatchObject({ title: 'Agency Wire', lang: 'en' })
    expect(r.items[0]).toMatchObject({
      key: 'g:https://agency.example/1',
      title: 'Markets rally',
      summary: 'Stocks rose.',
      content: 'Stocks rose sharply.',
      published: '2023-06-05T14:00:00.000Z',
      author: 'Wire Staff',
      categories: ['Markets'],
    })
  })

  it('reads RSS 0.90 items in the Netscape namespace', () => {
    const r = parse(rss090)
    expect(r.items.map((i) => i.title)).toEqual(['New Status Updates', 'Bugzilla Reorganized'])
  })
})

describe('Atom', () => {
  it('resolves relative links through nested xml:base', () => {
    const r = parse(atomRelative)
    const [first, second] = r.items
    expect(r.feed.link).toBe('https://blog.example.org/base/')
    expect(first!.url).toBe('https://blog.example.org/base/posts/first.html')
    expect(first!.enclosures).toEqual([
      { url: 'https://blog.example.org/base/media/first.mp3', type: 'audio/mpeg', length: 42 },
    ])
    expect(second!.url).toBe('https://blog.example.org/base/second.html')
  })

  it('keeps published and updated apart, inherits xml:lang and the feed author', () => {
    const [first, second] = parse(atomRelative).items
    expect(first).toMatchObject({
      key: 'g:tag:blog.example.org,2023:1',
      published: '2023-06-04T08:00:00.000Z',
      updated: '2023-06-05T08:00:00.000Z',
      author: 'Feed Author',
      lang: 'en-GB',
      categories: ['Technology', 'web'],
      summary: 'Summary text',
    })
    expect(second!.published).toBeUndefined()
    expect(second!.author).toBe('Guest')
  })

  it.each([
    ['type="text" keeps literal markup characters', 'summary', '1 < 2 & 3 > 2'],
    ['type="html" is unescaped once, then reduced to text', 'title', 'Bold & plain'],
    ['type="xhtml" is read from its div', 'content', 'Hello xhtml & friends'],
  ])('text construct %s', (_name, field, expected) => {
    const item = parse(atomText).items[0] as unknown as Record<string, string>
    expect(item[field]).toBe(expected)
  })

  it('prefers the HTML alternate link over an earlier alternate in another format', () => {
    const r = parse(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id>' +
        '<link rel="alternate" type="application/json" href="https://a.example/1.json"/>' +
        '<link rel="alternate" type="text/html" href="https://a.example/1.html"/>' +
        '<link rel="alternate" type="text/html" href="https://a.example/other.html"/></entry></feed>',
    )
    expect(r.items[0]!.url).toBe('https://a.example/1.html')
  })

  it('reads a feed title of type text with escaped angle brackets literally', () => {
    expect(parse(atomText).feed.title).toBe('Less <than> more')
  })

  it('reads Atom 0.3 issued/modified and escaped content', () => {
    const item = parse(atom03).items[0]!
    expect(item).toMatchObject({
      published: '2004-06-05T11:00:00.000Z',
      updated: '2004-06-06T12:00:00.000Z',
      content: 'Escaped HTML',
      url: 'http://old.example.com/1',
    })
    expect(parse(atom03).feed.description).toBe('From 2004')
  })
})

describe('JSON Feed', () => {
  it('warns when a JSON Feed items array holds nothing readable (never a silent empty)', () => {
    const r = parse('{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[1,"two"]}')
    expect(r.items).toEqual([])
    expect(r.warnings).toEqual(['no items read: the items array holds no readable item objects'])
    expect(
      parse('{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[]}').warnings,
    ).toEqual([])
  })

  it('reads JSON Feed 1.1', () => {
    const r = parse(json11, 'https://json.example.org/feed.json')
    expect(r.feed).toEqual({
      format: 'json11',
      title: 'JSON Blog',
      link: 'https://json.example.org/',
      lang: 'en',
      author: 'Feed Author',
      id: 'https://json.example.org/feed.json',
    })
    expect(r.items[0]).toMatchObject({
      key: 'g:1',
      url: 'https://json.example.org/posts/1',
      title: 'Hello &amp; JSON',
      content: 'Hello world & all',
      summary: 'A summary',
      published: '2023-06-05T10:00:00.000Z',
      updated: '2023-06-06T12:00:00.000Z',
      categories: ['json', 'feeds'],
      author: 'Feed Author',
      enclosures: [{ url: 'https://json.example.org/a.mp3', type: 'audio/mpeg', length: 100 }],
    })
    expect(r.items[1]).toMatchObject({ content: 'Only text content', author: 'Item Author' })
  })

  it('reads JSON Feed 1.0 with external_url and leaves a bad date out with a warning', () => {
    const r = parse(json10)
    expect(r.items[0]).toMatchObject({ url: 'https://elsewhere.example/x', author: 'Solo' })
    expect(r.items[0]!.published).toBeUndefined()
    expect(r.warnings).toContain('1 unreadable date(s) left out')
  })
})
