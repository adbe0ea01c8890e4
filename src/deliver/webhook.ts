// The generic webhook channel: a signed JSON POST following Standard Webhooks v1
// (https://www.standardwebhooks.com/). The payload contract is documented in docs/webhooks.md.
//
// `webhook-id` is the alert id, identical on every attempt, so a receiver deduplicates on it.
// Redirects are not followed (a 3xx is a failure): a webhook that moves must be reconfigured.
import type { Alert, Destination } from '../model'
import { DeliveryError, errorMessage } from '../lib/errors'
import type { Channel, ChannelDeps, Outgoing, SendResult } from './channel'
import { parseRetryAfter } from '../lib/retry-after'
import { classifyStatus } from './retry'
import { signWebhook } from './sign'

/** Standard Webhooks suggests 15–30 s; a receiver slower than 15 s is retried later instead. */
export const WEBHOOK_TIMEOUT_MS = 15_000

/** Summary and content are trimmed in the payload: the body stays well under 20 KB. */
const MAX_TEXT = 2_000

export interface WebhookPayload {
  type: 'feedwatch.alert'
  timestamp: string
  data: {
    alertId: string
    watch: Alert['watch']
    feed: Alert['feed']
    item: {
      key: string
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

const trim = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

/** The JSON body for an alert: pure. */
export function renderWebhook(alert: Alert, now: Date): WebhookPayload {
  const { item } = alert
  return {
    type: 'feedwatch.alert',
    timestamp: now.toISOString(),
    data: {
      alertId: alert.id,
      watch: alert.watch,
      feed: alert.feed,
      item: {
        key: item.key,
        title: item.title,
        url: item.url,
        published: item.published,
        updated: item.updated,
        author: item.author,
        categories: item.categories,
        lang: item.lang,
        summary: trim(item.summary || item.content, MAX_TEXT),
      },
      match: alert.match,
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
  {
    const body = JSON.stringify(renderWebhook(alert, deps.now))
    const timestamp = Math.floor(deps.now.getTime() / 1000)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Feedwatch-Webhook/0.1',
      'webhook-id': alert.id,
      'webhook-timestamp': String(timestamp),
    }
    if (destination.secret) {
      headers['webhook-signature'] = await signWebhook(
        destination.secret,
        alert.id,
        timestamp,
        body,
      )
    }
    let response: Response
    try {
      response = await deps.fetch(destination.url ?? '', {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      })
    } catch (cause) {
      // Network errors and timeouts: the receiver may be back later.
      throw new DeliveryError(
        `webhook ${destination.name}: ${errorMessage(cause)}`,
        { channel: 'webhook', retryable: true },
        { cause },
      )
    }
    // The body is not needed; release the connection.
    await response.body?.cancel()
    const verdict = classifyStatus(response.status)
    if (verdict === 'delivered') return { status: response.status }
    throw new DeliveryError(`webhook ${destination.name}: HTTP ${response.status}`, {
      channel: 'webhook',
      status: response.status,
      retryable: verdict === 'retry',
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), deps.now.getTime()),
    })
  }
}
