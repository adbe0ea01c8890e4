// Item identity and canonical URLs: keys stable across polls, short enough for KV, distinct even
// when a feed reuses one guid; canonical links without tracking noise.
import { describe, expect, it } from 'vitest'
import { canonicalizeUrl, hash64, parseFeed } from '../../src/ingest'
import { MAX_KEY_LENGTH } from '../../src/ingest/identity'

const rss = (items: string) =>
  `<rss version="2.0"><channel><title>t</title><link>https://site.example/</link>${items}</channel></rss>`
const parse = (body: string) => parseFeed(body, { url: 'https://site.example/feed' })

describe('item keys', () => {
  it.each([
    [
      'the guid first',
      '<item><guid>abc-1</guid><link>https://site.example/a</link></item>',
      'g:abc-1',
    ],
    [
      'the canonical link without a guid',
      '<item><link>https://site.example/a?utm_source=x#top</link></item>',
      'u:https://site.example/a',
    ],
    [
      'the Atom-in-RSS link as a last link',
      '<item><atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="https://site.example/b"/></item>',
      'u:https://site.example/b',
    ],
    [
      'a permalink guid as the link too',
      '<item><guid>https://site.example/p/1</guid></item>',
      'g:https://site.example/p/1',
    ],
  ])('uses %s', (_name, item, key) => {
    expect(parse(rss(item)).items[0]!.key).toBe(key)
  })

  it('hashes the title, date and enclosure when there is no id or link', () => {
    const item =
      '<item><title>T</title><pubDate>Mon, 05 Jun 2023 12:00:00 GMT</pubDate><enclosure url="https://cdn.example/a.mp3"/></item>'
    const a = parse(rss(item)).items[0]!.key
    const b = parse(rss(item.replace('T<', 'T2<'))).items[0]!.key
    expect(a).toMatch(/^h:[0-9a-f]{16}$/)
    expect(b).not.toBe(a)
    expect(parse(rss(item)).items[0]!.key).toBe(a)
  })

  it('keeps keys short by hashing long ids and links, without prefix collisions', () => {
    const long = 'x'.repeat(500)
    const [g, u] = parse(
      rss(
        `<item><guid>${long}</guid></item><item><link>https://site.example/${long}</link></item>`,
      ),
    ).items
    expect(g!.key).toMatch(/^gh:[0-9a-f]{16}$/)
    expect(u!.key).toMatch(/^uh:[0-9a-f]{16}$/)
    for (const k of [g!.key, u!.key]) expect(k.length).toBeLessThanOrEqual(MAX_KEY_LENGTH)
  })

  it('is stable across polls and independent of item order', () => {
    const a = '<item><guid>1</guid></item>'
    const b = '<item><title>no id</title></item>'
    const first = parse(rss(a + b)).items.map((i) => i.key)
    const second = parse(rss(b + a)).items.map((i) => i.key)
    expect(new Set(second)).toEqual(new Set(first))
  })

  it('yields distinct items when every item shares one guid, with a warning', () => {
    const items = [1, 2, 3]
      .map(
        (n) =>
          `<item><guid>same</guid><title>Story ${n}</title><link>https://site.example/${n}</link></item>`,
      )
      .join('')
    const r = parse(rss(items))
    expect(r.items.map((i) => i.key)).toEqual([
      'u:https://site.example/1',
      'u:https://site.example/2',
      'u:https://site.example/3',
    ])
    expect(r.warnings).toContain('3 items share an id with another item; keyed by link or content')
  })

  it('falls back to content when items share both guid and link', () => {
    const items = [1, 2]
      .map(
        (n) =>
          `<item><guid>same</guid><title>Story ${n}</title><link>https://site.example/</link></item>`,
      )
      .join('')
    const keys = parse(rss(items)).items.map((i) => i.key)
    expect(keys).toHaveLength(2)
    expect(new Set(keys).size).toBe(2)
    for (const k of keys) expect(k).toMatch(/^h:/)
  })

  it('drops exact duplicates with a warning', () => {
    const item = '<item><title>Same</title></item>'
    const r = parse(rss(item + item))
    expect(r.items).toHaveLength(1)
    expect(r.warnings).toContain('1 duplicate items dropped')
  })
})

describe('canonicalizeUrl', () => {
  it.each([
    [
      'drops utm_* parameters',
      'https://a.example/p?utm_source=rss&utm_medium=feed&id=3',
      'https://a.example/p?id=3',
    ],
    [
      'drops click ids',
      'https://a.example/p?fbclid=1&gclid=2&msclkid=3&mc_eid=4&mc_cid=5',
      'https://a.example/p',
    ],
    [
      'keeps other parameters in place and spelling',
      'https://a.example/p?b=2&a=1&q=a+b%20c',
      'https://a.example/p?b=2&a=1&q=a+b%20c',
    ],
    [
      'matches tracking names case-insensitively',
      'https://a.example/p?UTM_Source=x&x=1',
      'https://a.example/p?x=1',
    ],
    [
      'lower-cases the scheme and host',
      'HTTPS://News.Example.COM/Path',
      'https://news.example.com/Path',
    ],
    ['drops default ports', 'http://a.example:80/x', 'http://a.example/x'],
    ['drops the https default port', 'https://a.example:443/x', 'https://a.example/x'],
    ['keeps other ports', 'https://a.example:8443/x', 'https://a.example:8443/x'],
    ['drops the fragment', 'https://a.example/x#comments', 'https://a.example/x'],
    [
      'drops an empty query left behind',
      'https://a.example/x?utm_campaign=y',
      'https://a.example/x',
    ],
    ['trims what is not a URL', '  not a url ', 'not a url'],
  ])('%s', (_name, input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected)
  })
})

describe('hash64', () => {
  it('is deterministic, 16 hex digits, and spreads near inputs', () => {
    expect(hash64('abc')).toBe(hash64('abc'))
    expect(hash64('abc')).toMatch(/^[0-9a-f]{16}$/)
    expect(hash64('abc')).not.toBe(hash64('abd'))
    const seen = new Set(Array.from({ length: 10_000 }, (_, i) => hash64(`item-${i}`)))
    expect(seen.size).toBe(10_000)
  })
})
