// Byte arrays joined end to end: a response body read in chunks (src/ingest/fetch-feed.ts), a
// snapshot stored in rows (src/store/config-object.ts). Pure.

/** The chunks as one array; a single chunk is returned as it is, not copied. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
