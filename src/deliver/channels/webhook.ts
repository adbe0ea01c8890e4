// The generic webhook channel: a signed JSON POST following Standard Webhooks v1
// (https://www.standardwebhooks.com/). The payload contract is documented in docs/webhooks.md.
//
// `webhook-id` is the alert id, identical on every attempt, so a receiver deduplicates on it.
// Redirects are not followed (a 3xx is a failure): a webhook that moves must be reconfigured.
// A burst or digest is sent as one request per alert (docs/webhooks.md, "Bursts and digests"): a
// machine receiver wants every alert whole, and deduplicates each on its own `webhook-id`.
//
// Not here: markup of any kind. The payload carries the feed's text as data (JSON-escaped), for
// the receiver to treat as untrusted; nothing in it is rendered by Feedwatch.
import type { Alert, Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import { signWebhook } from '../sign'
import { cut } from '../render/text'
import { misconfigured, post, settle } from './http'

/**
 * Text fields are cut so the body stays well under 20 KB whatever the feed sends (Standard
 * Webhooks asks for small payloads): the summary to 2,000 characters, every other text to 500,
 * the snippet to 1,000 (highlights past the cut are dropped), at most 50 terms, fields and hits.
 */
const MAX_TEXT = 2_000
const MAX_SHORT = 500
const MAX_SNIPPET = 1_000
const MAX_LIST = 50

const short = (s: string | undefined) => (s === undefined ? undefined : cut(s, MAX_SHORT))

/** The match explanation within the payload's budget. */
function boundedMatch(match: Alert['match']): Alert['match'] {
  const snippet = cut(match.snippet, MAX_SNIPPET)
  // `cut` may end on an ellipsis; a highlight must lie inside the text kept before it.
  const kept = snippet.length === match.snippet.length ? snippet.length : snippet.length - 1
  return {
    terms: match.terms.slice(0, MAX_LIST).map((t) => cut(t, MAX_SHORT)),
    fields: match.fields.slice(0, MAX_LIST),
    hits: match.hits.slice(0, MAX_LIST).map((h) => ({ ...h, term: cut(h.term, MAX_SHORT) })),
    snippet,
    highlights: match.highlights.filter(([, end]) => end <= kept).slice(0, MAX_LIST),
  }
}

export interface WebhookPayload {
  type: 'feedwatch.alert'
  timestamp: string
  data: {
    alertId: string
    watch: Alert['watch']
    feed: Alert['feed']
    item: {
      key: string
      /** The publisher's own id (RSS guid, Atom id, JSON Feed id), absolute when it was a URL. */
      guid?: string
      title: string
      url?: string
      published?: string
      updated?: string
      author?: string
      categories: string[]
      lang?: string
      summary: string
    }
    match: Alert['match']
    detectedAt: string
  }
}

/** The JSON body for an alert: pure. */
export function renderWebhook(alert: Alert, now: Date): WebhookPayload {
  const { item } = alert
  return {
    type: 'feedwatch.alert',
    timestamp: now.toISOString(),
    data: {
      alertId: alert.id,
      watch: { ...alert.watch, name: cut(alert.watch.name, MAX_SHORT) },
      feed: { ...alert.feed, title: short(alert.feed.title) },
      item: {
        key: item.key,
        guid: item.guid,
        title: cut(item.title, MAX_SHORT),
        url: item.url,
        published: item.published,
        updated: item.updated,
        author: short(item.author),
        categories: item.categories.slice(0, MAX_LIST).map((c) => cut(c, MAX_SHORT)),
        lang: item.lang,
        summary: cut(item.summary || item.content, MAX_TEXT),
      },
      match: boundedMatch(alert.match),
      detectedAt: alert.detectedAt,
    },
  }
}

export const webhookChannel: Channel = {
  type: 'webhook',
  // A machine receiver: no pace to keep, so alerts are never coalesced.
  minIntervalMs: 0,
  async send(message: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    // Webhook receivers get one signed request per alert (the payload contract has no batch form).
    let result: SendResult = { status: 0 }
    for (const alert of message.alerts) result = await sendOne(alert, destination, deps)
    return result
  },
}

async function sendOne(
  alert: Alert,
  destination: Destination,
  deps: ChannelDeps,
): Promise<SendResult> {
  if (!destination.url) throw misconfigured(destination, 'url')
  const body = JSON.stringify(renderWebhook(alert, deps.now))
  const timestamp = Math.floor(deps.now.getTime() / 1000)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Feedwatch-Webhook/0.1',
    'webhook-id': alert.id,
    'webhook-timestamp': String(timestamp),
  }
  if (destination.secret) {
    headers['webhook-signature'] = await signWebhook(destination.secret, alert.id, timestamp, body)
  }
  return settle(
    destination,
    await post(destination, destination.url, { headers, body }, deps),
    deps,
  )
}
