// WebSub callback routes (W3C WebSub §5.3, §7, §8) and the subscriptions' status, mounted outside
// the bearer-protected /api (hubs carry no token: the unguessable path is the credential).
//   GET  /websub/:id  verification of intent: echoes hub.challenge only for this subscription's
//                     (callback, topic, mode), else 404; records a hub's denial.
//   POST /websub/:id  content distribution: 410 for an unknown subscription, a body cap, then
//                     X-Hub-Signature checked against the raw body; answered 202 at once, the work
//                     goes through the queue (src/monitor/websub-push.ts). A missing or wrong
//                     signature on a subscription with a secret: the content is ignored (§8) and
//                     the topic is fetched instead, the same as a thin ping.
//   GET  /api/websub  every subscription's state (bearer token; secrets never shown).
// Not responsible for when to subscribe or renew (src/monitor/websub.ts).
import { Hono } from 'hono'
import { requireAdmin } from './auth'
import { limitBody } from './body'
import { describe } from './contract'
import type { AppEnv } from './app-env'
import { applyVerification, CALLBACK_PREFIX, isLive, publicSubscriptions } from '../monitor/websub'
import { MAX_INLINE_PUSH_BYTES, type PushMessage } from '../monitor/websub-message'
import { loadWebSub, updateWebSub } from '../store/websub'

/**
 * Hubs push the new entries (or the feed document): real pushes are kilobytes. 2 MiB leaves room for
 * a whole large feed, while a stranger with the callback URL cannot make the Worker buffer the
 * fetched-feed cap (MAX_FEED_BYTES) per request. A larger push gets 413.
 */
export const MAX_PUSH_BYTES = 2 * 1024 * 1024

/** X-Hub-Signature algorithms (§8) and their Web Crypto names. */
const ALGORITHMS: Record<string, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16))
}

/**
 * Whether `header` (`method=hexdigest`) is the HMAC of `body` under `secret`. The comparison is
 * Web Crypto's verify, which does not leak how many bytes matched.
 */
export async function verifyHubSignature(
  header: string | undefined,
  body: Uint8Array,
  secret: string,
): Promise<boolean> {
  const m = /^\s*(sha1|sha256|sha384|sha512)=([0-9a-f]+)\s*$/i.exec(header ?? '')
  const hash = m ? ALGORITHMS[(m[1] ?? '').toLowerCase()] : undefined
  const signature = m ? hexToBytes(m[2] ?? '') : undefined
  if (!hash || !signature) return false
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash },
    false,
    ['verify'],
  )
  return crypto.subtle.verify('HMAC', key, signature, body)
}

function base64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(s)
}

export const websubRoutes = new Hono<AppEnv>()
  .get(`${CALLBACK_PREFIX}:id`, async (c) => {
    const q = (name: string) => c.req.query(`hub.${name}`)
    const id = c.req.param('id')
    const now = c.get('deps').now()
    const challenge = await updateWebSub(c.env, (doc) =>
      applyVerification(
        doc,
        id,
        {
          mode: q('mode'),
          topic: q('topic'),
          challenge: q('challenge'),
          leaseSeconds: q('lease_seconds'),
          reason: q('reason'),
        },
        now,
        Math.random(),
      ),
    )
    if (challenge === undefined) return c.text('no such subscription request', 404)
    return c.text(challenge, 200)
  })
  .post(`${CALLBACK_PREFIX}:id`, limitBody(MAX_PUSH_BYTES), async (c) => {
    const id = c.req.param('id')
    const sub = (await loadWebSub(c.env)).subscriptions[id]
    // 410: hubs drop a subscriber that says it is gone (§7 leaves the code to the subscriber).
    if (!sub || !isLive(sub)) return c.text('no such subscription', 410)
    const body = new Uint8Array(await c.req.arrayBuffer())
    const verified = await verifyHubSignature(c.req.header('x-hub-signature'), body, sub.secret)
    if (!verified) {
      await updateWebSub(c.env, (doc) => {
        const current = doc.subscriptions[id]
        if (current) current.rejected += 1
      })
    }
    const message: PushMessage = {
      websub: {
        subscriptionId: id,
        feedId: sub.feedId,
        receivedAt: c.get('deps').now().toISOString(),
      },
    }
    if (verified && body.byteLength > 0 && body.byteLength <= MAX_INLINE_PUSH_BYTES) {
      message.websub.body = base64(body)
      message.websub.contentType = c.req.header('content-type')
    }
    await c.env.PUSHES.send(message)
    return c.body(null, 202)
  })
  .get(
    '/api/websub',
    requireAdmin,
    describe({
      summary: 'WebSub push subscriptions: each one’s state, and each feed’s last discovery',
      description: 'Secrets are never shown. See docs/websub.md for the states.',
      responses: { 200: 'the subscriptions and discoveries' },
    }),
    async (c) => {
      const doc = await loadWebSub(c.env)
      const subscriptions = publicSubscriptions(doc)
      return c.json({ enabled: Boolean(c.env.PUBLIC_URL), subscriptions, feeds: doc.probes })
    },
  )
