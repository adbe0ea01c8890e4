// Test-side client of the loopback server (test/support/loopback-server.ts), usable from workerd.
import { inject } from 'vitest'
import type { RecordedRequest, ScriptedResponse } from './loopback-types'

export type { RecordedRequest, ScriptedResponse }

export const loopbackUrl = (): string => inject('loopbackUrl')

/** Script the answers for `path` (each in turn; the last repeats). */
export async function script(path: string, ...responses: ScriptedResponse[]): Promise<string> {
  const res = await fetch(`${loopbackUrl()}/_control/routes`, {
    method: 'PUT',
    body: JSON.stringify({ path, responses }),
  })
  if (!res.ok) throw new Error(`scripting ${path} failed: ${res.status}`)
  return `${loopbackUrl()}${path}`
}

/** Requests the server received whose path starts with `prefix`, oldest first. */
export async function received(prefix: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${loopbackUrl()}/_control/requests?prefix=${encodeURIComponent(prefix)}`)
  return (await res.json()) as RecordedRequest[]
}

export async function forget(prefix: string): Promise<void> {
  await fetch(`${loopbackUrl()}/_control/requests?prefix=${encodeURIComponent(prefix)}`, {
    method: 'DELETE',
  })
}

/** Base64 of bytes, for scripting bodies in encodings other than UTF-8. */
export function base64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** The raw messages Miniflare's send_email binding wrote that contain `text` (e.g. an alert id). */
export async function sentMail(text: string): Promise<string[]> {
  const res = await fetch(`${loopbackUrl()}/_control/mail?contains=${encodeURIComponent(text)}`)
  return (await res.json()) as string[]
}
