// A test send: one sample alert, now, through a destination's real channel, with the answer
// classified the way the consumer would (delivered / retry after N / permanent). Used by
// POST /api/destinations/:id/test so a user can check a destination before relying on it.
// Not recorded in the delivery ledger: the sample is not a real alert and counts nothing.
import type { Alert, Destination } from '../model'
import { DeliveryError, errorMessage } from '../lib/errors'
import { MASK, redactUrlsIn } from '../lib/redact'
import type { Channel, ChannelDeps } from './channel'

export interface TestSendResult {
  outcome: 'delivered' | 'retry' | 'permanent'
  /** The service's HTTP status, when it answered. */
  status?: number
  /** For `retry`: the delay the service asked for, when it named one. */
  retryAfterSeconds?: number
  /** Why it was not delivered, with every credential of the destination masked. */
  error?: string
}

/** The sample alert: plainly a test, with the French accents and elisions real alerts carry. */
export function sampleAlert(destination: Destination, now: Date): Alert {
  const title = 'Feedwatch test : l’alerte d’essai est bien arrivée'
  const summary =
    'Ceci est un message d’essai envoyé depuis Feedwatch pour vérifier la destination.'
  return {
    id: `test-${destination.id}-${now.getTime()}`,
    watch: { id: 'feedwatch-test', name: 'Feedwatch test', query: 'essai' },
    feed: { id: 'feedwatch-test', title: 'Feedwatch', url: 'https://feedwatch.invalid/test' },
    item: {
      key: `test:${now.getTime()}`,
      feedId: 'feedwatch-test',
      title,
      url: 'https://feedwatch.invalid/test',
      summary,
      content: summary,
      categories: ['test'],
      published: now.toISOString(),
      lang: 'fr',
      enclosures: [],
    },
    match: {
      terms: ['essai'],
      fields: ['title'],
      hits: [{ field: 'title', term: 'essai', start: 33, end: 38 }],
      snippet: title,
      highlights: [[33, 38]],
    },
    destinationId: destination.id,
    detectedAt: now.toISOString(),
  }
}

/** Masks every credential of `destination` found in `text` (URL, secret, token). */
function scrub(text: string, destination: Destination): string {
  let out = redactUrlsIn(text, true)
  for (const secret of [destination.url, destination.secret, destination.token]) {
    if (secret) out = out.split(secret).join(MASK)
  }
  return out
}

export async function testSend(
  destination: Destination,
  channel: Channel,
  deps: ChannelDeps,
): Promise<TestSendResult> {
  try {
    const result = await channel.send(
      { kind: 'alert', alerts: [sampleAlert(destination, deps.now)] },
      destination,
      deps,
    )
    return { outcome: 'delivered', status: result.status }
  } catch (error) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(errorMessage(error), { channel: destination.type, retryable: true })
    return {
      outcome: failure.retryable ? 'retry' : 'permanent',
      status: failure.status,
      retryAfterSeconds: failure.retryAfterSeconds,
      error: scrub(failure.message, destination),
    }
  }
}
