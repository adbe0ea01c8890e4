// Recovery: what real feeds get wrong is repaired, every repair is a warning, and every complete
// item survives.
import { describe, expect, it } from 'vitest'
import { parseFeed } from '../../src/ingest'
import garbage from '../fixtures/feeds/broken/garbage.xml?raw'
import truncated from '../fixtures/feeds/broken/truncated.xml?raw'

const url = 'https://feeds.example.com/broken'
const rss = (items: string) =>
  `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`

describe('recovery', () => {
  it.each([
    [
      'a BOM and blank lines before the declaration',
      '\ufeff\n\n  <?xml version="1.0"?>' + rss('<item><guid>1</guid></item>'),
      ['1'],
      'whitespace before the XML declaration removed',
    ],
    [
      'junk before the XML',
      'Warning: PHP notice\n<?xml version="1.0"?>' + rss('<item><guid>1</guid></item>'),
      ['1'],
      '20 characters before the XML removed',
    ],
    [
      'control characters',
      rss('<item><guid>1</guid><title>a\u0001b\u001fc</title></item>'),
      ['1'],
      'control characters removed (not allowed in XML)',
    ],
    [
      'an unescaped ampersand',
      rss('<item><guid>1</guid><title>Fish & chips</title></item>'),
      ['1'],
      'unescaped & in text read as a literal &',
    ],
    [
      'an unclosed element inside an item',
      rss('<item><guid>1</guid><title>a</item><item><guid>2</guid></item>'),
      ['1', '2'],
      '1 unclosed element(s) closed',
    ],
    [
      'an item left unclosed before the next',
      rss('<item><guid>1</guid><item><guid>2</guid></item>'),
      ['1', '2'],
      '1 unclosed element(s) closed',
    ],
    [
      'mis-nested close tags',
      rss('<item><guid>1</guid><author><b>x</author></b></item><item><guid>2</guid></item>'),
      ['1', '2'],
      '1 mis-nested element(s) closed',
    ],
    [
      'a stray close tag',
      rss('<item><guid>1</guid></em></item><item><guid>2</guid></item>'),
      ['1', '2'],
      '1 stray close tag(s) ignored',
    ],
    [
      'a document truncated inside an item',
      '<rss><channel><item><guid>1</guid></item><item><guid>2</guid><title>cut he',
      ['1'],
      'document truncated; repaired after the last complete <item> (an incomplete one was dropped)',
    ],
    [
      'a document truncated between items',
      '<rss><channel><item><guid>1</guid></item><item><guid>2</guid></item>',
      ['1', '2'],
      'document truncated; repaired after the last complete <item>',
    ],
    [
      'a truncated Atom document',
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry><entry><id>2</id><title>x',
      ['1'],
      'document truncated; repaired after the last complete <entry> (an incomplete one was dropped)',
    ],
  ])('repairs %s', (_name, body, guids, warning) => {
    const r = parseFeed(body, { url })
    expect(r.items.map((i) => i.key)).toEqual(guids.map((g) => `g:${g}`))
    expect(r.warnings).toContain(warning)
  })

  it('keeps the namespaces an entry declares when it closes an unclosed element that declared its own', () => {
    const r = parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>' +
        '<x:extra xmlns:x="https://x.example/ns">' +
        '<p0:entry xmlns:p0="http://www.w3.org/2005/Atom"><p0:id>2</p0:id><p0:title>Two</p0:title>' +
        '</p0:entry></feed>',
      { url },
    )
    expect(r.items.map((i) => [i.key, i.title])).toEqual([
      ['g:1', ''],
      ['g:2', 'Two'],
    ])
  })

  it('reads a bare < in ordinary text as text', () => {
    const r = parseFeed(
      rss('<item><guid>1</guid><category>3<4 & 5 < 6</category></item><item><guid>2</guid></item>'),
      { url },
    )
    expect(r.items.map((i) => i.categories)).toEqual([['3<4 & 5 < 6'], []])
  })

  it('keeps every complete item of a truncated fixture', () => {
    const r = parseFeed(truncated, { url })
    expect(r.feed.title).toBe('Cut')
    expect(r.items.map((i) => i.title)).toEqual(['One', 'Two'])
  })

  it('reads a fixture with many breakages at once', () => {
    const r = parseFeed(garbage, { url })
    expect(r.items.map((i) => i.key)).toEqual(['g:a', 'g:b', 'g:c', 'g:d'])
    expect(r.items[0]).toMatchObject({ title: 'Fish & chips', summary: 'bell here' })
    expect(r.items[2]).toMatchObject({ title: 'After', summary: 'bold it' })
    expect(r.warnings.length).toBeGreaterThanOrEqual(4)
  })

  it('reads a description whose CDATA contains the closing tag as text', () => {
    const r = parseFeed(
      rss('<item><guid>1</guid><description><![CDATA[a </description> b]]></description></item>'),
      { url },
    )
    expect(r.items[0]!.summary).toBe('a b')
  })

  it('reads a self-closing item inside an item as nothing, not as the start of the next', () => {
    // Seen in a real feed (PCMag): every field after the empty <item /> was lost, and a
    // well-formed document was reported as repaired.
    const r = parseFeed(rss('<item><title>a</title><item /><guid>g1</guid></item>'), { url })
    expect(r.items.map((i) => [i.title, i.guid])).toEqual([['a', 'g1']])
    expect(r.warnings).toEqual([])
  })

  it('never throws on a document that ends inside a tag or a CDATA section', () => {
    for (const cut of [
      '<rss><channel><item><guid>1</guid></item><item',
      '<rss><channel><item><description><![CDATA[abc',
    ]) {
      expect(() => parseFeed(cut, { url })).not.toThrow()
    }
  })
})
