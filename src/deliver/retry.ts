// When to try a failed delivery again: pure, from the attempt number, the destination's own
// Retry-After and a random draw (passed in, so tests are deterministic).
//
// Five attempts in all (wrangler.toml: max_retries = 4). The default waits follow the shape of
// Svix's schedule, shortened to fit Cloudflare Queues' 24-hour retention on the free plan:
// 5 s, 5 min, 30 min, 2 h — about 2.6 hours from the first failure to the dead letter.

/** Attempts before an alert is parked as a dead letter: wrangler.toml's max_retries + 1. */
export const MAX_ATTEMPTS = 5

export const DEFAULT_RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200]

/** Queues refuse a retry delay above 12 hours. */
export const MAX_RETRY_DELAY_SECONDS = 12 * 3600

/** ±15 % jitter so that alerts failing together do not all come back together. */
const JITTER = 0.15

/** Parses the RETRY_DELAYS_SECONDS variable ("5,300,1800,7200"); the default when absent. */
export function parseRetryDelays(value: string | undefined): number[] {
  if (!value) return DEFAULT_RETRY_DELAYS_SECONDS
  const delays = value.split(',').map((s) => Number(s.trim()))
  if (delays.length === 0 || delays.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new Error(`RETRY_DELAYS_SECONDS: expected comma-separated seconds, got "${value}"`)
  }
  return delays
}

/**
 * Seconds to wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed.
 * A destination's Retry-After is honoured when it asks for longer than the schedule.
 */
export function retryDelaySeconds(
  attempt: number,
  delays: number[],
  random: number,
  retryAfterSeconds?: number,
): number {
  const scheduled = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0
  const jittered = Math.round(scheduled * (1 + JITTER * (2 * random - 1)))
  const wanted = Math.max(jittered, retryAfterSeconds ?? 0)
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(0, wanted))
}

export type Verdict = 'delivered' | 'retry' | 'permanent'

/**
 * Classifies an HTTP answer from a destination. Only 2xx is success; 3xx is a failure (a webhook
 * must not be redirected); 408, 425, 429 and 5xx are worth retrying; any other 4xx will fail the
 * same way every time.
 */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered'
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry'
  return 'permanent'
}
