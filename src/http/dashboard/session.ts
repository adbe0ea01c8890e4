// The dashboard's sign-in session and CSRF tokens. A session is a cookie holding an expiry and a
// random id, signed with HMAC-SHA256 under a key derived from ADMIN_TOKEN (changing the token signs
// every session out); nothing is stored server-side. The CSRF token of a session is another HMAC of
// its id, so it cannot be forged without the key and is different for every session.
// Not responsible for the cookie's attributes or the Origin check (routes.tsx sets those).
import { timingSafeEqual } from 'hono/utils/buffer'
import { base64url } from '../../lib/hash'

/** A working day: a stolen laptop's session does not outlive the evening. */
export const SESSION_SECONDS = 12 * 60 * 60
/** `__Host-`: the browser keeps it to this origin, path `/`, Secure only (RFC 6265bis, 4.1.3.2). */
export const SESSION_COOKIE = '__Host-feedwatch-session'

const encoder = new TextEncoder()

async function hmac(token: string, label: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(`feedwatch dashboard v1\u0000${label}\u0000${token}`),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data))))
}

export interface Session {
  id: string
  expiresAt: number
}

/** A new session's cookie value. */
export async function createSession(token: string, now: Date): Promise<string> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(18)))
  const expiresAt = Math.floor(now.getTime() / 1000) + SESSION_SECONDS
  const body = `${expiresAt}.${id}`
  return `${body}.${await hmac(token, 'session', body)}`
}

/** The session a cookie value proves, or null (absent, forged, or expired). */
export async function readSession(
  token: string,
  value: string | undefined,
  now: Date,
): Promise<Session | null> {
  const parts = value?.split('.') ?? []
  if (parts.length !== 3) return null
  const [exp, id, sig] = parts as [string, string, string]
  const expected = await hmac(token, 'session', `${exp}.${id}`)
  if (!(await timingSafeEqual(expected, sig))) return null
  const expiresAt = Number(exp)
  if (!Number.isInteger(expiresAt) || expiresAt * 1000 <= now.getTime()) return null
  return { id, expiresAt }
}

export const csrfToken = (token: string, session: Session): Promise<string> =>
  hmac(token, 'csrf', session.id)

export async function checkCsrf(
  token: string,
  session: Session,
  given: string | undefined,
): Promise<boolean> {
  if (!given) return false
  return timingSafeEqual(await csrfToken(token, session), given)
}
