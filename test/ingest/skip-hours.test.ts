// RSS 2.0 skipHours/skipDays in the feed's metadata: read as the schedule needs them (GMT hours
// 0–23, days 0 = Sunday), sorted and deduplicated, anything unreadable left out.
import { describe, expect, it } from 'vitest'
import { parseFeed } from '../../src/ingest'

const feed = (channelExtra: string) =>
  parseFeed(
    `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${channelExtra}` +
      '<item><guid>a</guid><title>A</title></item></channel></rss>',
    { url: 'https://example.org/feed.xml' },
  ).feed

describe('skipHours and skipDays', () => {
  it.each([
    [
      'hours, sorted',
      '<skipHours><hour>5</hour><hour>0</hour><hour>23</hour></skipHours>',
      [0, 5, 23],
      undefined,
    ],
    [
      '24 as midnight, once',
      '<skipHours><hour>24</hour><hour>0</hour></skipHours>',
      [0],
      undefined,
    ],
    [
      'unreadable hours left out',
      '<skipHours><hour>25</hour><hour>noon</hour><hour>-1</hour><hour>7</hour></skipHours>',
      [7],
      undefined,
    ],
    [
      'days by name, any case',
      '<skipDays><day>Sunday</day><day>saturday</day></skipDays>',
      undefined,
      [0, 6],
    ],
    [
      'unknown day names left out',
      '<skipDays><day>Funday</day><day>Monday</day></skipDays>',
      undefined,
      [1],
    ],
    [
      'both',
      '<skipHours><hour>1</hour></skipHours><skipDays><day>Friday</day></skipDays>',
      [1],
      [5],
    ],
    ['nothing when absent', '', undefined, undefined],
    ['nothing when empty', '<skipHours></skipHours><skipDays/>', undefined, undefined],
  ])('reads %s', (_name, extra, hours, days) => {
    const meta = feed(extra)
    expect(meta.skipHours).toEqual(hours)
    expect(meta.skipDays).toEqual(days)
  })
})
