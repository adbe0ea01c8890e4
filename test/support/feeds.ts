// Building small RSS 2.0 documents for tests.

export interface TestItem {
  guid: string
  title: string
  description?: string
  link?: string
  pubDate?: Date
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function rss(title: string, items: TestItem[], extra = ''): string {
  const entries = items
    .map(
      (i) => `    <item>
      <guid isPermaLink="false">${escape(i.guid)}</guid>
      <title>${escape(i.title)}</title>
      <link>${escape(i.link ?? `https://news.example.org/${i.guid}`)}</link>
      <description>${escape(i.description ?? '')}</description>
      ${i.pubDate ? `<pubDate>${i.pubDate.toUTCString()}</pubDate>` : ''}
    </item>`,
    )
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${escape(title)}</title>
    <link>https://news.example.org/</link>
    <description>Test feed</description>
    <language>fr</language>${extra}
${entries}
  </channel>
</rss>`
}
