// Standard Webhooks v1 signing (https://www.standardwebhooks.com/): the signature is
// HMAC-SHA256 over the exact bytes `${id}.${timestamp}.${body}`, keyed with the base64-decoded part
// of a `whsec_…` secret, sent as `webhook-signature: v1,<base64>`.

const SECRET_PREFIX = 'whsec_'
const encoder = new TextEncoder()

function fromBase64(s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** Whether `secret` is a usable Standard Webhooks secret (whsec_ + base64 of 24–64 bytes). */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false
  try {
    const key = fromBase64(secret.slice(SECRET_PREFIX.length))
    return key.length >= 24 && key.length <= 64
  } catch {
    return false // not base64: the caller reports the field as invalid
  }
}

/** A fresh secret: 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)))
}

/** The `webhook-signature` header value for one delivery attempt. */
export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(secret.slice(SECRET_PREFIX.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    encoder.encode(`${id}.${timestampSeconds}.${body}`),
  )
  return `v1,${toBase64(new Uint8Array(mac))}`
}
