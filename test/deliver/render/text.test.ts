// The shared rendering helpers: cleaning, cutting in a service's unit, escaping-aware fitting,
// link filtering, highlight segments and burst fitting.
import { describe, expect, it } from 'vitest'
import {
  formatDate,
  groupByWatch,
  snippetSegments,
  viewAlert,
} from '../../../src/deliver/render/alert-view'
import { fitCount } from '../../../src/deliver/render/fit'
import {
  cleanText,
  cut,
  defuseMentions,
  fitEscaped,
  measure,
  safeHttpUrl,
} from '../../../src/deliver/render/text'
import { alert, burst } from '../channels/alerts'

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

describe('cleanText', () => {
  it.each([
    ['drops a right-to-left override', 'a\u202Egnp.exe\u202C', 'agnp.exe'],
    ['drops isolates and marks', '\u2066x\u2069\u200F', 'x'],
    ['turns control characters into spaces', 'a\u0000b\u0007c', 'a b c'],
    ['replaces a lone surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['keeps a surrogate pair', 'a𝔸b', 'a𝔸b'],
    ['keeps French typography', '« l’Otan »', '« l’Otan »'],
  ])('%s', (_, input, expected) => {
    expect(cleanText(input)).toBe(expected)
  })
})

describe('cut', () => {
  it.each([
    ['leaves text that fits', 'abc', 3, 'utf16', 'abc'],
    ['ends with an ellipsis when it cuts', 'abcdef', 4, 'utf16', 'abc…'],
    ['never splits a surrogate pair', 'ab𝔸𝔸', 4, 'utf16', 'ab…'],
    ['counts bytes when asked (é is two)', 'ééééé', 7, 'bytes', 'éé…'],
    ['never splits a character in bytes', 'a𝔸', 4, 'bytes', 'a…'],
  ] as const)('%s', (_, input, max, unit, expected) => {
    const out = cut(input, max, unit)
    expect(out).toBe(expected)
    expect(measure(out, unit)).toBeLessThanOrEqual(max)
  })
})

describe('fitEscaped', () => {
  it('cuts before escaping, so no entity is split', () => {
    const out = fitEscaped('a&b&c&d&e', 12, escapeHtml)
    expect(out.length).toBeLessThanOrEqual(12)
    expect(out).toMatch(/^(?:[a-e]|&amp;)*…$/)
  })

  it('returns the whole escaped text when it fits', () => {
    expect(fitEscaped('<b>', 20, escapeHtml)).toBe('&lt;b>')
  })
})

describe('safeHttpUrl', () => {
  it.each([
    ['keeps https', 'https://ex.org/a?b=1', 'https://ex.org/a?b=1'],
    ['keeps http', 'http://ex.org/', 'http://ex.org/'],
    ['refuses javascript:', 'javascript:alert(1)', undefined],
    ['refuses data:', 'data:text/html,<b>', undefined],
    ['refuses a relative link', '/a/b', undefined],
    ['refuses nothing at all', undefined, undefined],
  ])('%s', (_, input, expected) => {
    expect(safeHttpUrl(input)).toBe(expected)
  })
})

describe('defuseMentions', () => {
  it('puts a word joiner after @ before a name', () => {
    expect(defuseMentions('@everyone a@b @ x')).toBe('@\u2060everyone a@\u2060b @ x')
  })
})

describe('snippetSegments', () => {
  it.each([
    ['splits at the highlights', 'un deux trois', [[3, 7]], ['un ', '[deux]', ' trois']],
    [
      'merges overlapping spans',
      'abcdef',
      [
        [0, 3],
        [2, 5],
      ],
      ['[abc]', '[de]', 'f'],
    ],
    ['clamps spans past the end', 'abc', [[1, 99]], ['a', '[bc]']],
    [
      'ignores empty and reversed spans',
      'abc',
      [
        [2, 2],
        [2, 1],
      ],
      ['abc'],
    ],
    ['moves a span off the middle of a surrogate pair', 'a𝔸b', [[2, 4]], ['a𝔸', '[b]']],
    ['cleans after splitting, keeping offsets right', '\u202Eab cd', [[4, 6]], ['ab ', '[cd]']],
  ] as const)('%s', (_, snippet, highlights, expected) => {
    const segs = snippetSegments(
      snippet,
      highlights.map(([a, b]) => [a, b] as [number, number]),
    )
    expect(segs.map((s) => (s.hit ? `[${s.text}]` : s.text))).toEqual(expected)
  })
})

describe('formatDate', () => {
  it.each([
    ['reads the model’s ISO dates as they are', '2023-06-04T16:42:00.000Z', '2023-06-04 16:42 UTC'],
    ['converts an offset to UTC', '2023-06-04T18:42:00+02:00', '2023-06-04 16:42 UTC'],
    ['gives nothing for an unreadable date', 'hier soir', undefined],
    ['gives nothing for no date', undefined, undefined],
  ])('%s', (_, iso, expected) => {
    expect(formatDate(iso)).toBe(expected)
  })
})

describe('viewAlert', () => {
  it('links only http(s) items and cleans every field', () => {
    const v = viewAlert(alert({ url: 'javascript:alert(1)', title: 'a\u202Eb\nc' }))
    expect(v.link).toBeUndefined()
    expect(v.title).toBe('ab c')
    expect(v.published).toBe('2023-06-04 16:42 UTC')
  })

  it('renders a link up to 2,048 characters, and none past it', () => {
    const long = (n: number) => `https://ex.org/${'a'.repeat(n - 15)}`
    expect(viewAlert(alert({ url: long(2_048) })).link).toHaveLength(2_048)
    expect(viewAlert(alert({ url: long(2_049) })).link).toBeUndefined()
  })

  it('groups a burst by watch, in order of first appearance', () => {
    const views = [...burst(2, 'B'), ...burst(1, 'A'), ...burst(1, 'B')].map(viewAlert)
    expect(groupByWatch(views).map((g) => [g.watchName, g.alerts.length])).toEqual([
      ['B', 3],
      ['A', 1],
    ])
  })
})

describe('fitCount', () => {
  it.each([
    ['all when all fit', 30, 100, 30],
    ['the largest that fits', 30, 17, 17],
    ['none when not even one fits', 30, 0, 0],
  ])('%s', (_, total, room, expected) => {
    expect(fitCount(total, (n) => n <= room)).toBe(expected)
  })
})
