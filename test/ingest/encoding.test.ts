// Character encodings: BOM, Content-Type charset and XML declaration in the documented
// precedence, legacy single- and multi-byte encodings, and the fallback for mislabelled bytes.
import { describe, expect, it } from 'vitest'
import { parseFeed } from '../../src/ingest'
import { decodeBody } from '../../src/ingest/encoding'
import { concat, encodeSingleByte, encodeUtf16, hex } from './bytes'

const feed = (decl: string, title: string) =>
  `<?xml version="1.0"${decl}?><rss version="2.0"><channel><title>${title}</title></channel></rss>`
const url = 'https://feeds.example.com/x'

describe('encodings', () => {
  it.each([
    ['windows-1251 by declaration', 'windows-1251', 'Новости дня', undefined],
    ['koi8-r by declaration', 'koi8-r', 'Новости дня', undefined],
    ['ISO-8859-1 by declaration', 'iso-8859-1', 'Actualités été', undefined],
    ['ISO-8859-2 by declaration', 'iso-8859-2', 'Zażółć gęślą', undefined],
    ['windows-1252 curly quotes', 'windows-1252', '“Quoted” – €5', undefined],
    ['windows-1251 by Content-Type only', '', 'Новости', 'text/xml; charset=windows-1251'],
  ])('reads %s', (_name, encoding, title, contentType) => {
    const declared = encoding ? ` encoding="${encoding}"` : ''
    const bytes = encodeSingleByte(feed(declared, title), encoding || 'windows-1251')
    const r = parseFeed(bytes, contentType ? { url, contentType } : { url })
    expect(r.feed.title).toBe(title)
    expect(r.warnings).toEqual([])
  })

  it.each([
    ['Shift_JIS', 'shift_jis', '93 FA 96 7B 8C EA', '日本語'],
    ['GB18030', 'gb18030', 'D6 D0 CE C4', '中文'],
    ['GBK label', 'gbk', 'D6 D0 CE C4', '中文'],
    ['Big5', 'big5', 'A4 A4 A4 E5', '中文'],
    ['EUC-JP', 'euc-jp', 'C6 FC CB DC', '日本'],
    ['EUC-KR', 'euc-kr', 'C7 D1 B1 B9', '한국'],
    ['KOI8-R', 'koi8-r', 'EE CF D7 CF D3 D4 C9', 'Новости'],
  ])('reads multi-byte %s', (_name, label, titleHex, title) => {
    const bytes = concat(
      `<?xml version="1.0" encoding="${label}"?><rss><channel><title>`,
      hex(titleHex),
      '</title></channel></rss>',
    )
    expect(parseFeed(bytes, { url }).feed.title).toBe(title)
  })

  it.each([
    ['UTF-8 BOM', concat(hex('EF BB BF'), feed('', 'Grüße'))],
    ['UTF-16LE BOM', encodeUtf16(feed(' encoding="utf-16"', 'Grüße'), true, true)],
    ['UTF-16BE BOM', encodeUtf16(feed(' encoding="utf-16"', 'Grüße'), false, true)],
    ['UTF-16LE without BOM', encodeUtf16(feed(' encoding="utf-16"', 'Grüße'), true, false)],
  ])('reads %s', (_name, bytes) => {
    expect(parseFeed(bytes, { url }).feed.title).toBe('Grüße')
  })

  it('lets the BOM win over a contradicting declaration and Content-Type', () => {
    const bytes = concat(hex('EF BB BF'), feed(' encoding="windows-1251"', 'Grüße'))
    const r = parseFeed(bytes, { url, contentType: 'text/xml; charset=koi8-r' })
    expect(r.feed.title).toBe('Grüße')
  })

  it('lets Content-Type win over the declaration when they disagree (RFC 7303)', () => {
    const bytes = encodeSingleByte(feed(' encoding="windows-1251"', 'Новости'), 'koi8-r')
    const r = parseFeed(bytes, { url, contentType: 'application/rss+xml; charset=KOI8-R' })
    expect(r.feed.title).toBe('Новости')
    expect(r.warnings[0]).toMatch(
      /Content-Type says koi8-r but the XML declaration says windows-1251/,
    )
  })

  it('reads valid UTF-8 as UTF-8 when a server stamps a default Latin-1 charset', () => {
    const r = parseFeed(new TextEncoder().encode(feed(' encoding="utf-8"', 'Grüße')), {
      url,
      contentType: 'text/xml; charset=ISO-8859-1',
    })
    expect(r.feed.title).toBe('Grüße')
    expect(r.warnings[0]).toMatch(/valid UTF-8, read as UTF-8/)
  })

  it('detects windows-1252 for Latin text that is not UTF-8 under a UTF-8 label', () => {
    const text = 'Le café est fermé à l’heure où les élèves arrivent. Déjà vu, très bien.'
    const bytes = encodeSingleByte(feed(' encoding="utf-8"', text), 'windows-1252')
    const r = parseFeed(bytes, { url })
    expect(r.feed.title).toBe(text)
    expect(r.warnings).toContain(
      'bytes are not valid UTF-8; detected windows-1252 from the bytes and read as it',
    )
  })

  it.each([
    ['windows-1251', 'utf-8'],
    ['koi8-r', 'utf-8'],
    ['windows-1251', 'shift_jis'],
  ])('detects Russian in %s served as %s, and says so', (real, label) => {
    const title = 'Атака в Белгороде: власти сообщили о новых ударах по городу и области'
    const body =
      `<?xml version="1.0" encoding="${label}"?><rss version="2.0"><channel><title>${title}</title>` +
      `<item><title>Белгородская область</title><description>Губернатор заявил, что ` +
      `обстрелы продолжаются, жители спускаются в укрытия.</description></item></channel></rss>`
    const r = parseFeed(encodeSingleByte(body, real), { url })
    expect(r.feed.title).toBe(title)
    expect(r.items[0]!.title).toBe('Белгородская область')
    expect(r.warnings).toContain(
      `bytes are not valid ${label === 'utf-8' ? 'UTF-8' : label}; detected ${real} from the bytes and read as it`,
    )
  })

  it.each([
    ['iso-8859-1', '92', '’'],
    ['us-ascii', '93 41 94', '“A”'],
    ['latin1', '80', '€'],
  ])('decodes a %s label as windows-1252 (WHATWG)', (label, titleHex, title) => {
    const bytes = concat(
      `<?xml version="1.0" encoding="${label}"?><rss><channel><title>`,
      hex(titleHex),
      '</title></channel></rss>',
    )
    expect(parseFeed(bytes, { url }).feed.title).toBe(title)
  })

  it('ignores an unknown label with a warning and reads UTF-8', () => {
    const r = parseFeed(new TextEncoder().encode(feed(' encoding="x-klingon"', 'Grüße')), { url })
    expect(r.feed.title).toBe('Grüße')
    expect(r.warnings[0]).toMatch(/unknown encoding "x-klingon"/)
  })

  it('ignores a UTF-16 declaration on single-byte text', () => {
    const r = parseFeed(new TextEncoder().encode(feed(' encoding="UTF-16"', 'ok')), { url })
    expect(r.feed.title).toBe('ok')
    expect(r.warnings[0]).toMatch(/not UTF-16/)
  })

  it.each(['windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2', 'iso-8859-15', 'koi8-r'])(
    'decodes every byte of %s exactly as TextDecoder does (table fast path)',
    (encoding) => {
      const all = new Uint8Array(512)
      for (let i = 0; i < all.length; i++) all[i] = (i * 7) % 256
      const r = decodeBody(all, `text/xml; charset=${encoding}`)
      expect(r.text).toBe(new TextDecoder(encoding).decode(all))
    },
  )

  it('passes strings through and drops a leading BOM character', () => {
    expect(decodeBody('\ufeff<rss/>').text).toBe('<rss/>')
  })
})
