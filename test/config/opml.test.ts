// OPML as feed readers write it: nested folders, single or double quotes, comments, character
// references; and refusals that say where.
import { describe, expect, it } from 'vitest'
import { parseOpml, renderOpml } from '../../src/config/opml'

const wrap = (body: string) =>
  `<?xml version="1.0"?><opml version="1.0"><body>${body}</body></opml>`

describe('parseOpml', () => {
  it.each([
    [
      'folders nested two deep become tags, outer first',
      '<outline text="A"><outline title="B"><outline xmlUrl="https://x.example/f"/></outline></outline>',
      [{ url: 'https://x.example/f', tags: ['A', 'B'] }],
    ],
    [
      'single-quoted attributes and character references',
      "<outline text='Caf&#233; &amp; &#x4E2D;' xmlUrl='https://x.example/?a=1&amp;b=2'/>",
      [{ url: 'https://x.example/?a=1&b=2', title: 'Café & 中', tags: [] }],
    ],
    [
      'a commented-out outline is not read',
      '<!-- <outline xmlUrl="https://old.example/f"/> --><outline xmlUrl="https://new.example/f"/>',
      [{ url: 'https://new.example/f', tags: [] }],
    ],
    [
      'a feed outline with children does not become a folder',
      '<outline xmlUrl="https://x.example/f" text="F"><outline xmlUrl="https://y.example/g"/></outline>',
      [
        { url: 'https://x.example/f', title: 'F', tags: [] },
        { url: 'https://y.example/g', tags: [] },
      ],
    ],
    [
      'categories join the folder tags, without their slashes or repeats',
      '<outline text="news"><outline xmlUrl="https://x.example/f" category="/news,/fr/paris"/></outline>',
      [{ url: 'https://x.example/f', tags: ['news', 'fr/paris'] }],
    ],
  ])('reads %s', (_what, body, feeds) => {
    expect(parseOpml(wrap(body))).toEqual(feeds)
  })

  it.each([
    ['a document that is not OPML', '<rss/>', '(opml): is not an OPML document (no <opml>)'],
    [
      'a stray closing tag, by line',
      '<opml>\n<body>\n</outline>',
      '(opml) line 3: </outline> without an open outline',
    ],
    [
      'an invalid character reference, by line',
      '<opml>\n<outline text="&#0;" xmlUrl="https://x/"/>',
      '(opml) line 2: invalid character reference &#0;',
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseOpml(text)).toThrow(message)
  })
})

describe('renderOpml', () => {
  it('escapes titles and URLs, and reads back what it wrote', () => {
    const feeds = [
      {
        id: 'a',
        url: 'https://x.example/f?a=1&b=2',
        title: 'Tom & "Jerry" <3',
        enabled: true,
        tags: ['t'],
      },
    ]
    const text = renderOpml(feeds, new Date('2026-01-01T00:00:00Z'))
    expect(text).toContain('text="Tom &amp; &quot;Jerry&quot; &lt;3"')
    expect(parseOpml(text)).toEqual([
      { url: 'https://x.example/f?a=1&b=2', title: 'Tom & "Jerry" <3', tags: ['t'] },
    ])
  })
})
