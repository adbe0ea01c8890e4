// OPML 2.0 (http://opml.org/spec2.opml) for feeds: export every feed as an `rss` outline inside a
// folder outline named by its first tag (further tags in the `category` attribute, as
// "/tag,/tag"); import `xmlUrl` outlines with the names of the folders around them, and their
// `category` entries, as tags. Feeds whose URL carries a credential (src/lib/redact.ts decides)
// are left out of exports: an OPML file is made to be shared.
// Only what feed readers write is read: outlines and their attributes (no DTD, no namespaces),
// with XML's predefined and numeric character references. Not responsible for storing (service.ts).
import type { Feed } from '../model'
import { ConfigError } from '../lib/errors'
import { redactFeedUrl } from '../lib/redact'

/** A feed as an OPML file describes it. */
export interface OpmlFeed {
  url: string
  title?: string
  tags: string[]
}

/** OPML files past this many outlines are not feed lists (a big reader export has a few thousand). */
export const MAX_OPML_OUTLINES = 10_000

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function renderOpml(feeds: Feed[], now: Date): string {
  const shared = feeds.filter((f) => redactFeedUrl(f.url) === f.url)
  const folders = new Map<string, Feed[]>()
  for (const feed of shared) {
    const folder = feed.tags[0] ?? ''
    folders.set(folder, [...(folders.get(folder) ?? []), feed])
  }
  const outline = (feed: Feed, indent: string): string => {
    const title = escape(feed.title ?? feed.url)
    const more = feed.tags.slice(1)
    const category = more.length ? ` category="${escape(more.map((t) => `/${t}`).join(','))}"` : ''
    return `${indent}<outline type="rss" text="${title}" title="${title}" xmlUrl="${escape(feed.url)}"${category}/>`
  }
  const lines: string[] = []
  for (const [folder, members] of folders) {
    if (folder === '') lines.push(...members.map((f) => outline(f, '    ')))
    else {
      lines.push(`    <outline text="${escape(folder)}">`)
      lines.push(...members.map((f) => outline(f, '      ')))
      lines.push('    </outline>')
    }
  }
  const left = feeds.length - shared.length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    '    <title>Feedwatch feeds</title>',
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...(left > 0 ? [`    <!-- ${left} feed(s) left out: their URL carries a credential -->`] : []),
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n')
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(value: string, line: number): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code)
      throw new ConfigError(`(opml) line ${line}`, `invalid character reference ${whole}`)
    }
    const named = PREDEFINED[ref]
    // HTML entities (&eacute;) are not XML: keep them as written rather than guess.
    return named ?? whole
  })
}

const TAG = /<!--[\s\S]*?-->|<(\/?)outline\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g
const ATTRIBUTE = /([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/** The feeds of an OPML document, or a ConfigError naming the line of the first problem. */
export function parseOpml(text: string): OpmlFeed[] {
  if (!/<opml\b/.test(text)) throw new ConfigError('(opml)', 'is not an OPML document (no <opml>)')
  const lineAt = (index: number) => text.slice(0, index).split('\n').length
  const folders: string[] = []
  const feeds: OpmlFeed[] = []
  let outlines = 0
  for (const m of text.matchAll(TAG)) {
    if (m[0].startsWith('<!--')) continue
    const line = lineAt(m.index)
    if (m[1] === '/') {
      if (folders.pop() === undefined) {
        throw new ConfigError(`(opml) line ${line}`, '</outline> without an open outline')
      }
      continue
    }
    if (++outlines > MAX_OPML_OUTLINES) {
      throw new ConfigError('(opml)', `more than ${MAX_OPML_OUTLINES} outlines`)
    }
    const attrs: Record<string, string> = {}
    for (const a of (m[2] ?? '').matchAll(ATTRIBUTE)) {
      attrs[a[1] ?? ''] = decode(a[2] ?? a[3] ?? '', line)
    }
    const name = (attrs.title ?? attrs.text ?? '').trim()
    const url = attrs.xmlUrl?.trim()
    if (url) {
      const categories = (attrs.category ?? '')
        .split(',')
        .map((c) => c.trim().replace(/^\/+/, ''))
        .filter(Boolean)
      const tags = [...new Set([...folders.filter(Boolean), ...categories])]
      feeds.push({ url, ...(name && name !== url ? { title: name } : {}), tags })
    }
    if (m[3] !== '/') folders.push(url ? '' : name)
  }
  if (folders.length > 0) throw new ConfigError('(opml)', `${folders.length} outline(s) not closed`)
  return feeds
}
