// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Read by the fetcher (a publisher
// asking us to slow down) and by delivery (a destination asking the same).

/** Retry-After as whole seconds from `nowMs`, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - nowMs) / 1000))
}
