// The offline demo's two peers, on 127.0.0.1: a publisher serving one French news feed (with
// ETag, so Feedwatch's conditional GET is visible), and a webhook receiver that verifies each
// alert's Standard Webhooks signature and prints it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import {
  FEED_TITLE,
  LIVE_TITLE,
  background,
  breaking,
  liveBackground,
  livePushed,
} from './articles.mjs'

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function renderFeed(items, head = { title: FEED_TITLE, links: '' }) {
  const entries = items
    .map(
      (i) => `    <item>
      <title>${escape(i.title)}</title>
      <link>${escape(i.link)}</link>
      <guid isPermaLink="false">${escape(i.guid)}</guid>
      <pubDate>${i.pubDate}</pubDate>
      <description>${escape(i.description)}</description>
    </item>`,
    )
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escape(head.title)}</title>
    <link>https://demo.feedwatch.local/</link>${head.links}
    <description>Dépêches fictives pour la démo hors ligne de Feedwatch</description>
    <language>fr</language>
${entries}
  </channel>
</rss>
`
}

/** Starts the publisher. `publish()` adds the breaking stories to the feed. */
export async function startPublisher() {
  let items = [...background]
  let version = 1
  const server = createServer((req, res) => {
    if (req.url !== '/le-fil.xml') {
      res.writeHead(404).end('not found')
      return
    }
    const etag = `"le-fil-v${version}"`
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag })
    res.end(renderFeed(items))
  })
  await listen(server)
  return {
    url: `http://127.0.0.1:${server.address().port}/le-fil.xml`,
    publish() {
      items = [...breaking, ...items]
      version++
    },
    close: () => close(server),
  }
}

/**
 * The live desk: a second feed that advertises a WebSub hub (W3C WebSub §4), and that hub, on one
 * server. The hub verifies each subscriber's intent (§5.3) and distributes new content signed with
 * the subscriber's secret (§7, §8). `push()` publishes the flash and sends it to every subscriber.
 */
export async function startLiveDesk({ print = console.log } = {}) {
  let items = [liveBackground]
  const subscribers = new Map() // callback → secret
  let base = ''
  const feed = () =>
    renderFeed(items, {
      title: LIVE_TITLE,
      links:
        `\n    <atom:link rel="hub" href="${base}/hub"/>` +
        `\n    <atom:link rel="self" href="${base}/le-direct.xml"/>`,
    })
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      if (req.url === '/le-direct.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed())
        return
      }
      if (req.url !== '/hub' || req.method !== 'POST') {
        res.writeHead(404).end('not found')
        return
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(202).end()
      const callback = form.get('hub.callback') ?? ''
      const challenge = randomBytes(8).toString('hex')
      const query = new URLSearchParams({
        'hub.mode': form.get('hub.mode') ?? '',
        'hub.topic': form.get('hub.topic') ?? '',
        'hub.challenge': challenge,
        'hub.lease_seconds': '86400',
      })
      const answer = await fetch(`${callback}?${query}`).then(
        (r) => r.text(),
        () => '',
      )
      if (answer === challenge && form.get('hub.mode') === 'subscribe') {
        subscribers.set(callback, form.get('hub.secret') ?? '')
        print('hub: Feedwatch subscribed to the live desk (intent verified)')
      }
    })
  })
  await listen(server)
  base = `http://127.0.0.1:${server.address().port}`
  return {
    url: `${base}/le-direct.xml`,
    subscribed: () => subscribers.size > 0,
    /** Publishes the flash and distributes it; answers when every subscriber took it. */
    async push() {
      items = [livePushed, ...items]
      const body = feed()
      for (const [callback, secret] of subscribers) {
        const signature = createHmac('sha256', secret).update(body).digest('hex')
        await fetch(callback, {
          method: 'POST',
          headers: {
            'content-type': 'application/rss+xml',
            'x-hub-signature': `sha256=${signature}`,
          },
          body,
        })
      }
    },
    close: () => close(server),
  }
}

function verify(secret, headers, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`
  const expected = createHmac('sha256', key).update(signed).digest()
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((sig) => {
      const given = Buffer.from(sig.replace(/^v1,/, ''), 'base64')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
}

/** Renders the snippet with its highlights in bold (ANSI) for the terminal. */
function highlight(snippet, spans) {
  let out = ''
  let at = 0
  for (const [start, end] of spans ?? []) {
    out += snippet.slice(at, start) + `\x1b[1m${snippet.slice(start, end)}\x1b[22m`
    at = end
  }
  return out + snippet.slice(at)
}

/** Starts the receiver; `onAlert(payload)` is called for each verified alert. */
export async function startReceiver({ getSecret, onAlert, print = console.log }) {
  const seen = new Set()
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const secret = getSecret()
      if (!secret || !verify(secret, req.headers, body)) {
        print('receiver: rejected a request with a bad signature')
        res.writeHead(401).end()
        return
      }
      res.writeHead(204).end()
      const id = req.headers['webhook-id']
      if (seen.has(id)) return // Standard Webhooks receivers deduplicate on webhook-id
      seen.add(id)
      const { data } = JSON.parse(body)
      print(
        [
          '',
          `\x1b[33m🔔 ALERT\x1b[0m  [${data.watch.name}]  \x1b[1m${data.item.title}\x1b[0m`,
          `   ${data.item.url ?? ''}`,
          `   feed: ${data.feed.title ?? data.feed.id}   published: ${data.item.published ?? '—'}`,
          `   matched: ${data.match.terms.join(', ')} (in ${data.match.fields.join(', ')})`,
          `   « ${highlight(data.match.snippet, data.match.highlights)} »`,
          `   signature verified · webhook-id ${id}`,
          '',
        ].join('\n'),
      )
      onAlert?.(data)
    })
  })
  await listen(server)
  return { url: `http://127.0.0.1:${server.address().port}/hooks/demo`, close: () => close(server) }
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const close = (server) =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(resolve)
  })

/**
 * Prints an email alert as the send_email binding delivered it (Miniflare writes each message to a
 * .eml file): headers that matter, then the plain-text body, parsed with a real MIME parser.
 */
export async function printEmail(path) {
  const { default: PostalMime } = await import('postal-mime')
  const mail = await PostalMime.parse(await readFile(path))
  const header = (key) => mail.headers.find((h) => h.key === key)?.value ?? ''
  const to = (mail.to ?? []).map((a) => a.address).join(', ')
  console.log(`\x1b[36m✉ EMAIL\x1b[0m  to ${to}  from ${mail.from?.address ?? ''}`)
  console.log(`   subject: ${mail.subject}`)
  console.log(
    `   x-feedwatch-alert-id: ${header('x-feedwatch-alert-id')}   (HTML part: ${mail.html ? 'yes' : 'no'})`,
  )
  for (const line of (mail.text ?? '').trim().split('\n').slice(0, 12)) console.log(`   | ${line}`)
  console.log(`   (the whole message: ${path})`)
}
