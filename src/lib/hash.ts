// Short, stable digests for identities that are stored or sent: seen-item keys in shard documents
// and alert ids. SHA-256 (Web Crypto, native in workerd) truncated to 72 bits and base64url-encoded:
// 12 characters, so thousands fit in one KV document, with collision odds of ~1 in 10^15 for a
// feed's 2,000 remembered items.
const encoder = new TextEncoder()

/** Base64url (no padding) of bytes. */
export function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A 12-character digest of bytes. */
export async function shortHashBytes(data: Uint8Array): Promise<string> {
  // The cast only narrows for Node's DOM typings (benches); bodies are never SharedArrayBuffers.
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>),
  )
  return base64url(digest.subarray(0, 9))
}

/** A 12-character digest of the parts, joined unambiguously. */
export async function shortHash(...parts: string[]): Promise<string> {
  return shortHashBytes(encoder.encode(parts.map((p) => `${p.length}:${p}`).join('|')))
}
