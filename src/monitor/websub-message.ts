// The message a WebSub callback puts on the pushes queue (wrangler.toml, PUSHES) for the consumer
// (src/index.ts routes that queue to src/monitor/websub-consumer.ts): which subscription was pushed to, and the verified payload when it
// was small enough to travel in the message. No payload means "fetch the topic" (a thin ping, an
// unverifiable signature, or a payload too large for a queue message).

export interface PushMessage {
  websub: {
    subscriptionId: string
    feedId: string
    /** The verified body, base64 (feeds are bytes in any encoding). */
    body?: string
    contentType?: string
    /** ISO time the callback received it (the alert latency starts here). */
    receivedAt: string
  }
}

/**
 * Queue messages are limited to 128 KB; a verified body up to this size travels base64-encoded
 * (4/3 larger) with room for the envelope. Larger ones become a fetch of the topic.
 */
export const MAX_INLINE_PUSH_BYTES = 64 * 1024

/** The queue's name in wrangler.toml. */
export const PUSH_QUEUE = 'feedwatch-pushes'
