// The feed reader's start-up warm-up (src/startup.ts): opens small synthetic documents of each
// family the tick reads (RSS 2.0, RSS 1.0/RDF, Atom, JSON Feed), as bytes with their content
// type, and reads every item as a poll does, a few times over, so that a tick in a new isolate
// does not pay V8's first-call compiling and interpreting for the XML scanner, the dialect
// readers, entities, dates, HTML-to-text and identity keys (docs/decisions.md, 31).
// Not responsible for fetching (no I/O is allowed, or wanted, at start-up) nor for what an item
// means: nothing read here reaches a user, and the reader keeps no state between documents
// beyond its decoding tables.

import { prng } from '../lib/prng'
import { openFeed } from './parse-feed'

/** Reads of each document: enough for V8 to compile the readers' code past its first tier. */
const READS = 4
const ITEMS = 8

/** What warmUpIngest read: the tests check that every family gave every item. */
export interface IngestWarmUpReport {
  /** Per document, its format as read and how many items a read gave. */
  documents: Array<{ format: string; items: number }>
}

export function warmUpIngest(): IngestWarmUpReport {
  const random = prng(0xfeed)
  const encoder = new TextEncoder()
  const documents = [
    { body: rss(random), type: 'application/rss+xml; charset=utf-8' },
    { body: rdf(random), type: 'application/rdf+xml' },
    { body: atom(random), type: 'application/atom+xml' },
    { body: jsonFeed(random), type: 'application/feed+json' },
  ]
  const report: IngestWarmUpReport = { documents: [] }
  for (const [d, { body, type }] of documents.entries()) {
    const bytes = encoder.encode(body)
    let items = 0
    let format = ''
    for (let k = 0; k < READS; k++) {
      const opened = openFeed(bytes, {
        url: `https://warm-up.example/${d}/feed`,
        contentType: type,
      })
      format = opened.feed.format
      items = 0
      for (const item of opened.items()) {
        // What a poll reads of each item. Not contentHtml: a tick never reads it (alerts leave
        // it out unread), so warming its sanitiser would be start-up spent for nothing.
        if (item.key !== '' && item.title !== '') items++
      }
    }
    report.documents.push({ format, items })
  }
  return report
}

const WORDS = `analyse frappe régions sommet accord élection ministre enquête rapport armée drone
  gouvernement budget énergie Straße Gespräche Außenminister Белгород переговоры удар данные
  budget vote summit talks report army drones border ceasefire court trial market`.split(/\s+/)

function text(random: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ')
}

/** A paragraph of HTML with what readers meet: links, emphasis, entities, an image, a script. */
function html(random: () => number): string {
  return (
    `<p>${text(random, 12)} <a href="/a/${Math.floor(random() * 1e6)}">${text(random, 2)}</a> ` +
    `&amp; <em>${text(random, 3)}</em> &#8217;s &eacute;t&eacute; &nbsp;${text(random, 10)}</p>` +
    `<p><img src="/i.jpg" alt="${text(random, 2)}"> ${text(random, 14)}</p>` +
    `<script>var x = "<p>";</script><ul><li>${text(random, 4)}</li></ul>`
  )
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

function rfc822(i: number): string {
  return `${DAYS[i % 7]}, 0${1 + (i % 9)} Dec 2026 ${10 + i}:0${i % 10}:00 +0100`
}

function iso(i: number): string {
  return `2026-12-0${1 + (i % 9)}T${10 + i}:0${i % 10}:00Z`
}

function rss(random: () => number): string {
  const items = Array.from(
    { length: ITEMS },
    (_, i) => `<item><title>${text(random, 7)} &amp; ${text(random, 2)}</title>
      <link>https://warm-up.example/rss/${i}?utm_source=feed</link>
      <guid isPermaLink="false">rss-${i}</guid><pubDate>${rfc822(i)}</pubDate>
      <dc:creator>${text(random, 2)}</dc:creator><category>${text(random, 1)}</category>
      <description><![CDATA[${html(random)}]]></description>
      <content:encoded><![CDATA[${html(random)}${html(random)}]]></content:encoded>
      <enclosure url="https://warm-up.example/a${i}.mp3" length="123" type="audio/mpeg"/>
      </item>`,
  ).join('')
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Warm-up</title><link>https://warm-up.example/</link><language>fr</language>
<description>${text(random, 6)}</description><ttl>30</ttl>${items}</channel></rss>`
}

function rdf(random: () => number): string {
  const items = Array.from(
    { length: ITEMS },
    (_, i) => `<item rdf:about="https://warm-up.example/rdf/${i}">
      <title>${text(random, 6)}</title><link>https://warm-up.example/rdf/${i}</link>
      <description>${text(random, 30)} &lt;b&gt;${text(random, 2)}&lt;/b&gt;</description>
      <dc:date>${iso(i)}</dc:date><dc:subject>${text(random, 1)}</dc:subject></item>`,
  ).join('')
  return `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://warm-up.example/rdf"><title>Warm-up</title>
<link>https://warm-up.example/</link><description>${text(random, 5)}</description></channel>
${items}</rdf:RDF>`
}

function atom(random: () => number): string {
  const entries = Array.from(
    { length: ITEMS },
    (_, i) => `<entry><id>tag:warm-up.example,2026:${i}</id>
      <title type="html">${text(random, 6)} &lt;i&gt;${text(random, 1)}&lt;/i&gt;</title>
      <link rel="alternate" href="/atom/${i}"/><updated>${iso(i)}</updated>
      <published>${iso(i)}</published><author><name>${text(random, 2)}</name></author>
      <category term="${text(random, 1)}"/><summary>${text(random, 25)}</summary>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${html(random)}</div></content>
      </entry>`,
  ).join('')
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de" xml:base="https://warm-up.example/">
<title>Warm-up</title><id>tag:warm-up.example,2026:feed</id><updated>${iso(0)}</updated>
<link rel="self" href="https://warm-up.example/atom"/>${entries}</feed>`
}

function jsonFeed(random: () => number): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Warm-up',
    home_page_url: 'https://warm-up.example/',
    language: 'ru',
    items: Array.from({ length: ITEMS }, (_, i) => ({
      id: `json-${i}`,
      url: `https://warm-up.example/json/${i}`,
      title: text(random, 6),
      content_html: html(random),
      summary: text(random, 20),
      date_published: iso(i),
      authors: [{ name: text(random, 2) }],
      tags: [text(random, 1)],
    })),
  })
}
