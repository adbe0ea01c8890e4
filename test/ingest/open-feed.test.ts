// openFeed: items one at a time, newest first, each keyed exactly as parseFeed keys it, so the
// monitor can stop at the first item it has already seen without reading the rest.
import { describe, expect, it } from 'vitest'
import { openFeed, parseFeed } from '../../src/ingest'

const url = 'https://feeds.example.com/feed'

function rss(days: number[], extra = ''): string {
  const items = days
    .map(
      (d) =>
        `<item><title>Day ${d}</title><guid>g${d}</guid>` +
        `<pubDate>${String(d).padStart(2, '0')} Jun 2023 10:00:00 GMT</pubDate>${extra}</item>`,
    )
    .join('')
  return `<rss version="2.0"><channel><title>T</title>${items}</channel></rss>`
}

describe('openFeed', () => {
  it.each([
    ['a newest-first document in its own order', [5, 4, 3, 2, 1], false],
    ['an oldest-first document reversed', [1, 2, 3, 4, 5], true],
  ])('yields %s', (_name, days, oldestFirst) => {
    const opened = openFeed(rss(days), { url })
    expect(opened.oldestFirst).toBe(oldestFirst)
    expect(opened.count).toBe(5)
    expect([...opened.items()].map((i) => i.title)).toEqual([
      'Day 5',
      'Day 4',
      'Day 3',
      'Day 2',
      'Day 1',
    ])
  })

  it('stops at the first already-seen key, having read only the items before it', () => {
    const seen = new Set(['g:g3', 'g:g2', 'g:g1'])
    const fresh: string[] = []
    const opened = openFeed(rss([1, 2, 3, 4, 5], '<pubDate>not a date</pubDate>'), { url })
    for (const item of opened.items()) {
      if (seen.has(item.key)) break
      fresh.push(item.key)
    }
    expect(fresh).toEqual(['g:g5', 'g:g4'])
    // Warnings about the items' contents come only from a complete read.
    expect(opened.warnings).toEqual([])
  })

  it('keys every item as parseFeed does, shared ids and duplicates included', () => {
    const body =
      '<rss version="2.0"><channel><title>T</title>' +
      '<item><title>A</title><guid>same</guid><link>https://x.example/a</link></item>' +
      '<item><title>B</title><guid>same</guid><link>https://x.example/b</link></item>' +
      '<item><title>C</title><link>https://x.example/c</link></item>' +
      '<item><title>C</title><link>https://x.example/c</link></item>' +
      '<item><title>D</title><guid>d</guid><pubDate>bad date</pubDate></item>' +
      '</channel></rss>'
    const whole = parseFeed(body, { url })
    const opened = openFeed(body, { url })
    const streamed = [...opened.items()]
    expect(streamed).toEqual(whole.items)
    expect(opened.warnings).toEqual(whole.warnings)
    expect(whole.warnings).toEqual([
      '1 unreadable date(s) left out',
      '2 items share an id with another item; keyed by link or content',
      '1 duplicate items dropped',
    ])
  })
})
