// Autodiscovery: advertised feeds found on HTML pages, obvious feed links, and the feed-or-page
// sniff used before parsing.
import { describe, expect, it } from 'vitest'
import { COMMON_FEED_PATHS, discoverFeeds, looksLikeFeed } from '../../src/ingest'
import { encodeUtf16 } from './bytes'

const page = (head: string, body = '') =>
  `<!DOCTYPE html><html><head><title>Site</title>${head}</head><body>${body}</body></html>`

describe('discoverFeeds', () => {
  it.each([
    [
      'an RSS alternate link',
      page('<link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml">'),
      [{ url: 'https://site.example/feed.xml', type: 'rss', title: 'News' }],
    ],
    [
      'Atom and JSON Feed links in document order',
      page(
        "<LINK REL='Alternate' TYPE='application/atom+xml' HREF='atom.xml'>" +
          '<link rel="alternate" type="application/feed+json" href="https://cdn.example/feed.json"/>',
      ),
      [
        { url: 'https://site.example/blog/atom.xml', type: 'atom' },
        { url: 'https://cdn.example/feed.json', type: 'json' },
      ],
    ],
    [
      'links relative to <base href>',
      page(
        '<base href="https://other.example/x/"><link rel="alternate" type="application/rss+xml" href="rss">',
      ),
      [{ url: 'https://other.example/x/rss', type: 'rss' }],
    ],
    [
      'entity-encoded attributes',
      page(
        '<link rel="alternate" type="application/rss+xml" title="A &amp; B" href="/feed?a=1&amp;b=2">',
      ),
      [{ url: 'https://site.example/feed?a=1&b=2', type: 'rss', title: 'A & B' }],
    ],
    [
      'obvious feed links in the body after advertised ones',
      page(
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">',
        '<a href="/about">About</a><a href="/feed/">Feed</a><a href="/rss.xml">dup</a>',
      ),
      [
        { url: 'https://site.example/rss.xml', type: 'rss' },
        { url: 'https://site.example/feed/', type: 'rss' },
      ],
    ],
    [
      'nothing on a page without feeds',
      page('<link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="fr" href="/fr/">'),
      [],
    ],
    [
      'no non-http links',
      page('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'),
      [],
    ],
  ])('finds %s', (_name, html, expected) => {
    expect(discoverFeeds(html, 'https://site.example/blog/')).toEqual(expected)
  })

  it('stays linear on a page of unterminated tags', () => {
    const start = performance.now()
    expect(discoverFeeds('<a '.repeat(150_000), 'https://site.example/')).toEqual([])
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('offers common paths to try, most likely first', () => {
    expect(COMMON_FEED_PATHS[0]).toBe('/feed')
    expect(COMMON_FEED_PATHS).toEqual(
      expect.arrayContaining(['/rss.xml', '/atom.xml', '/feed.json', '/index.xml']),
    )
  })
})

describe('looksLikeFeed', () => {
  it.each([
    ['RSS', '<?xml version="1.0"?>\n<rss version="2.0">', undefined, true],
    [
      'RSS after a comment and a stylesheet PI',
      '<?xml version="1.0"?><?xml-stylesheet href="a.xsl"?><!-- x --><rss>',
      undefined,
      true,
    ],
    ['Atom', '<feed xmlns="http://www.w3.org/2005/Atom">', undefined, true],
    ['prefixed Atom', '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">', undefined, true],
    ['RDF', '<rdf:RDF xmlns:rdf="x">', undefined, true],
    ['JSON Feed', '{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', undefined, true],
    [
      'an HTML page',
      '<!DOCTYPE html><html><head><link rel="alternate" href="/rss"></head>',
      undefined,
      false,
    ],
    [
      'an HTML page with a feed mention later',
      '<html><body><pre>&lt;rss&gt;</pre><rss ',
      undefined,
      false,
    ],
    ['a JSON API answer', '{"data": []}', undefined, false],
    ['anything served as a feed type', '<html>', 'application/rss+xml; charset=utf-8', true],
    ['leading whitespace and BOM', '\ufeff\n  <rss>', undefined, true],
  ])('%s → %s', (_name, body, contentType, expected) => {
    expect(looksLikeFeed(body, contentType)).toBe(expected)
    expect(looksLikeFeed(new TextEncoder().encode(body), contentType)).toBe(expected)
  })

  it('sniffs UTF-16 bytes', () => {
    expect(looksLikeFeed(encodeUtf16('<?xml version="1.0"?><rss>', true, true))).toBe(true)
  })
})
