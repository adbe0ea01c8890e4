// Deterministic corpus of realistic feeds for bench/ingest.bench.ts: RSS 2.0 with content:encoded
// HTML, Atom 1.0, RSS 1.0 (RDF) and JSON Feed 1.1, in UTF-8, windows-1251 and ISO-8859-1, at a
// typical size (50 items) and at about 1 MB and 5 MB. Generated at run time (nothing large is
// committed). Not a test fixture: the text is varied enough to exercise the parser, not to assert.

export interface CorpusFile {
  name: string
  format: 'rss20' | 'atom10' | 'rss10' | 'json11'
  encoding: 'utf-8' | 'windows-1251' | 'iso-8859-1'
  bytes: Uint8Array
}

const WORDS_EN = (
  'the government said on monday that talks would continue after a week of negotiations over ' +
  'energy prices market analysts expect further rate cuts while officials warned of risks to ' +
  'growth in the region'
).split(' ')
const WORDS_FR = (
  'le gouvernement a annoncé lundi que les négociations reprendraient après une semaine de ' +
  'discussions sur les prix de l’énergie les marchés attendent une baisse des taux été hiver'
).split(' ')
const WORDS_RU = (
  'правительство заявило в понедельник что переговоры продолжатся после недели обсуждений цен ' +
  'на энергию аналитики ожидают снижения ставок чиновники предупредили о рисках для роста'
).split(' ')

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0
    return s / 4294967296
  }
}

function words(r: () => number, list: string[], n: number): string {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(list[Math.floor(r() * list.length)]!)
  return out.join(' ')
}

function html(r: () => number, list: string[], paragraphs: number): string {
  let s = ''
  for (let p = 0; p < paragraphs; p++) {
    s += `<p>${words(r, list, 20)} <a href="https://example.com/x/${p}?utm_source=rss">${words(r, list, 3)}</a> &amp; ${words(r, list, 15)}&nbsp;&rsquo;<strong>${words(r, list, 4)}</strong>.</p>\n`
    if (p % 3 === 1)
      s += `<img src="/img/${p}.jpg" alt="photo"/><ul><li>${words(r, list, 6)}</li><li>${words(r, list, 6)}</li></ul>\n`
  }
  return s
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
function rfc822(t: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

function rss20(items: number, list: string[], encoding: string, seed: number): string {
  const r = rng(seed)
  let s = `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n<title>Example News &amp; Views</title>\n<link>https://example.com/</link>\n<description>${words(r, list, 12)}</description>\n<language>en</language>\n<ttl>15</ttl>\n<atom:link href="https://example.com/feed" rel="self" type="application/rss+xml"/>\n`
  for (let i = 0; i < items; i++) {
    s += `<item>\n<title>${escapeXml(words(r, list, 9))} &#8211; ${i}</title>\n<link>https://example.com/news/${seed}-${i}?utm_source=rss&amp;utm_medium=feed</link>\n<guid isPermaLink="false">https://example.com/?p=${seed}${i}</guid>\n<pubDate>${rfc822(1685000000000 + i * 3600_000)}</pubDate>\n<dc:creator><![CDATA[${words(r, list, 2)}]]></dc:creator>\n<category><![CDATA[${words(r, list, 1)}]]></category><category>${words(r, list, 1)}</category>\n<description><![CDATA[<p>${words(r, list, 35)}</p>]]></description>\n<content:encoded><![CDATA[${html(r, list, 4)}]]></content:encoded>\n<media:content url="https://cdn.example.com/${i}.jpg" medium="image" type="image/jpeg"/>\n</item>\n`
  }
  return s + '</channel>\n</rss>\n'
}

/** A headline feed: title, link, guid, date, one-sentence description, a category. */
function rssHeadlines(items: number, list: string[], seed: number): string {
  const r = rng(seed)
  let s = `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n<title>Headlines</title>\n<link>https://news.example.net/</link>\n<description>Top stories</description>\n`
  for (let i = 0; i < items; i++) {
    s += `<item>\n<title>${escapeXml(words(r, list, 10))}</title>\n<link>https://news.example.net/a/${seed}-${i}?utm_source=rss</link>\n<guid>https://news.example.net/a/${seed}-${i}</guid>\n<pubDate>${rfc822(1685000000000 + i * 600_000)}</pubDate>\n<description>${escapeXml(words(r, list, 25))} &amp;hellip;</description>\n<category>${words(r, list, 1)}</category>\n</item>\n`
  }
  return s + '</channel>\n</rss>\n'
}

function atom10(items: number, list: string[], seed: number): string {
  const r = rng(seed)
  let s = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://blog.example.org/">\n<title>Example blog</title>\n<link href="/"/>\n<link rel="self" href="/atom.xml"/>\n<id>tag:blog.example.org,2023:feed</id>\n<updated>2023-06-05T12:00:00Z</updated>\n<author><name>Ann Author</name></author>\n`
  for (let i = 0; i < items; i++) {
    s += `<entry>\n<id>tag:blog.example.org,2023:${seed}-${i}</id>\n<title type="html">${escapeXml(words(r, list, 8))}</title>\n<link rel="alternate" type="text/html" href="posts/${seed}-${i}.html"/>\n<published>2023-06-0${(i % 9) + 1}T10:00:00+02:00</published>\n<updated>2023-06-0${(i % 9) + 1}T11:30:00+02:00</updated>\n<category term="${words(r, list, 1)}"/>\n<summary type="html">${escapeXml('<p>' + words(r, list, 30) + '</p>')}</summary>\n<content type="html">${escapeXml(html(r, list, 4))}</content>\n</entry>\n`
  }
  return s + '</feed>\n'
}

function rss10(items: number, list: string[], seed: number): string {
  const r = rng(seed)
  let s = `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel rdf:about="https://agency.example/">\n<title>Agency wire</title>\n<link>https://agency.example/</link>\n<description>Wire</description>\n<items><rdf:Seq>`
  for (let i = 0; i < items; i++)
    s += `<rdf:li rdf:resource="https://agency.example/${seed}/${i}"/>`
  s += '</rdf:Seq></items>\n</channel>\n'
  for (let i = 0; i < items; i++) {
    s += `<item rdf:about="https://agency.example/${seed}/${i}">\n<title>${escapeXml(words(r, list, 9))}</title>\n<link>https://agency.example/${seed}/${i}</link>\n<description>${escapeXml(words(r, list, 40))}</description>\n<content:encoded><![CDATA[${html(r, list, 3)}]]></content:encoded>\n<dc:date>2023-06-05T1${i % 10}:00:00Z</dc:date>\n<dc:subject>${words(r, list, 1)}</dc:subject>\n<dc:creator>${words(r, list, 2)}</dc:creator>\n</item>\n`
  }
  return s + '</rdf:RDF>\n'
}

function json11(items: number, list: string[], seed: number): string {
  const r = rng(seed)
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Example JSON Feed',
    home_page_url: 'https://json.example/',
    feed_url: 'https://json.example/feed.json',
    language: 'en',
    items: Array.from({ length: items }, (_, i) => ({
      id: `${seed}-${i}`,
      url: `https://json.example/p/${seed}-${i}`,
      title: words(r, list, 8),
      content_html: html(r, list, 4),
      summary: words(r, list, 30),
      date_published: `2023-06-05T10:${String(i % 60).padStart(2, '0')}:00Z`,
      authors: [{ name: words(r, list, 2) }],
      tags: [words(r, list, 1)],
    })),
  })
}

// Encoders: Node has TextDecoder for these charsets but no TextEncoder, so build bytes by table.
function encodeLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    out[i] = c < 256 ? c : c === 0x2019 ? 0x27 : 0x3f
  }
  return out
}

function encode1251(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 128) out[i] = c
    else if (c >= 0x410 && c <= 0x44f) out[i] = c - 0x410 + 0xc0
    else if (c === 0x401) out[i] = 0xa8
    else if (c === 0x451) out[i] = 0xb8
    else out[i] = 0x3f
  }
  return out
}

const utf8 = (s: string) => new TextEncoder().encode(s)

/** Items needed for roughly `bytes` of output, from the size of a small sample. */
function itemsFor(make: (n: number) => string, bytes: number): number {
  const per = make(20).length / 20
  return Math.max(1, Math.round(bytes / per))
}

/** The bench corpus: typical feeds and 1 MB / 5 MB files in every format and encoding. */
export function generateCorpus(): CorpusFile[] {
  const files: CorpusFile[] = []
  const add = (
    name: string,
    format: CorpusFile['format'],
    encoding: CorpusFile['encoding'],
    bytes: Uint8Array,
  ) => files.push({ name, format, encoding, bytes })
  const MB = 1_000_000
  add('rss20-headlines-50.xml', 'rss20', 'utf-8', utf8(rssHeadlines(50, WORDS_EN, 12)))
  add('rss20-typical-50.xml', 'rss20', 'utf-8', utf8(rss20(50, WORDS_EN, 'utf-8', 1)))
  add('atom10-typical-50.xml', 'atom10', 'utf-8', utf8(atom10(50, WORDS_EN, 2)))
  add('rss10-typical-50.xml', 'rss10', 'utf-8', utf8(rss10(50, WORDS_EN, 3)))
  add('json11-typical-50.json', 'json11', 'utf-8', utf8(json11(50, WORDS_EN, 4)))
  add(
    'rss20-1251-typical-50.xml',
    'rss20',
    'windows-1251',
    encode1251(rss20(50, WORDS_RU, 'windows-1251', 5)),
  )
  for (const [label, size] of [
    ['1mb', MB],
    ['5mb', 4.9 * MB],
  ] as const) {
    add(
      `rss20-${label}.xml`,
      'rss20',
      'utf-8',
      utf8(
        rss20(
          itemsFor((n) => rss20(n, WORDS_EN, 'utf-8', 6), size),
          WORDS_EN,
          'utf-8',
          6,
        ),
      ),
    )
    add(
      `atom10-${label}.xml`,
      'atom10',
      'utf-8',
      utf8(
        atom10(
          itemsFor((n) => atom10(n, WORDS_EN, 7), size),
          WORDS_EN,
          7,
        ),
      ),
    )
    add(
      `rss10-${label}.xml`,
      'rss10',
      'utf-8',
      utf8(
        rss10(
          itemsFor((n) => rss10(n, WORDS_EN, 8), size),
          WORDS_EN,
          8,
        ),
      ),
    )
    add(
      `json11-${label}.json`,
      'json11',
      'utf-8',
      utf8(
        json11(
          itemsFor((n) => json11(n, WORDS_EN, 9), size),
          WORDS_EN,
          9,
        ),
      ),
    )
    add(
      `rss20-1251-${label}.xml`,
      'rss20',
      'windows-1251',
      encode1251(
        rss20(
          itemsFor((n) => rss20(n, WORDS_RU, 'windows-1251', 10), size / 1.0),
          WORDS_RU,
          'windows-1251',
          10,
        ),
      ),
    )
    add(
      `rss20-latin1-${label}.xml`,
      'rss20',
      'iso-8859-1',
      encodeLatin1(
        rss20(
          itemsFor((n) => rss20(n, WORDS_FR, 'iso-8859-1', 11), size),
          WORDS_FR,
          'iso-8859-1',
          11,
        ),
      ),
    )
  }
  return files
}

/**
 * Realistic news feeds for the cost of opening a feed vs reading its items: 30, 50 and 100 items,
 * as headlines only (RSS, 14–46 KB) and with full HTML content (RSS 2.0 and Atom, 68–230 KB).
 */
export function generateNewsFeeds(): CorpusFile[] {
  const files: CorpusFile[] = []
  for (const n of [30, 50, 100]) {
    files.push(
      {
        name: `rss20-headlines-${n}.xml`,
        format: 'rss20',
        encoding: 'utf-8',
        bytes: utf8(rssHeadlines(n, WORDS_EN, 20 + n)),
      },
      {
        name: `rss20-typical-${n}.xml`,
        format: 'rss20',
        encoding: 'utf-8',
        bytes: utf8(rss20(n, WORDS_EN, 'utf-8', 21 + n)),
      },
      {
        name: `atom10-typical-${n}.xml`,
        format: 'atom10',
        encoding: 'utf-8',
        bytes: utf8(atom10(n, WORDS_EN, 22 + n)),
      },
    )
  }
  return files
}

/** The text of a large feed: which characters its prose is written in (see generateLarge). */
export type LargeScript = 'ascii' | 'curly' | 'cyrillic' | 'cjk'

const WORDS_ZH = (
  '政府 周一 表示 谈判 将在 一周 能源 价格 谈判 之后 继续 市场 分析师 预计 进一步 降息 ' +
  '官员 警告 地区 增长 面临 风险'
).split(' ')

/**
 * A 20 MB RSS 2.0 archive (full HTML content per item, UTF-8): the size of the podcast and archive
 * feeds the parser must read inside a 128 MB isolate. `script` chooses the prose: `ascii` writes
 * apostrophes as `&rsquo;` (every character one byte); `curly` writes the character ’ itself, as
 * most real English feeds do — one character above U+00FF makes V8 hold a whole decoded string as
 * two-byte characters, twice the size of ASCII text; `cyrillic` (2 bytes a letter in UTF-8) and
 * `cjk` (3 bytes a character) are the other two shapes of non-Latin text.
 */
export function generateLarge(bytes = 20_000_000, script: LargeScript = 'ascii'): CorpusFile {
  const list = script === 'cyrillic' ? WORDS_RU : script === 'cjk' ? WORDS_ZH : WORDS_EN
  const write = (n: number) => {
    const text = rss20(n, list, 'utf-8', 13)
    return script === 'ascii'
      ? text
      : text.split('&amp;rsquo;').join('’').split('&rsquo;').join('’')
  }
  // Sized in UTF-8 bytes, not characters: Cyrillic and CJK take 2 and 3 bytes a character.
  const per = utf8(write(20)).length / 20
  const text = write(Math.max(1, Math.round(bytes / per)))
  return {
    name: script === 'ascii' ? 'rss20-20mb.xml' : `rss20-20mb-${script}.xml`,
    format: 'rss20',
    encoding: 'utf-8',
    bytes: utf8(text),
  }
}
