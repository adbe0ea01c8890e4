// `mode` and `digest` on watches and destinations: instant delivery, or a digest sent every N
// minutes (5..10080) or daily at a local HH:MM in a named IANA time zone. Time zones are checked
// with the runtime's own Intl data, so what is accepted here is what the digest scheduler can use.
// Not responsible for when a digest is sent (src/deliver does that).
import type { DeliveryMode, DigestSchedule } from '../model'
import { ConfigError } from '../lib/errors'
import { MAX_DIGEST_MINUTES, MIN_DIGEST_MINUTES } from '../http/limits'

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/

/** Is `zone` an IANA time zone name the runtime knows (Europe/Paris, UTC)? */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch (error) {
    if (error instanceof RangeError) return false // the documented answer for an unknown zone
    throw error
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses a `digest` value or throws a ConfigError naming the offending part of it. */
export function parseDigest(value: unknown, field = 'digest'): DigestSchedule {
  const shape = `must be { "everyMinutes": ${MIN_DIGEST_MINUTES}–${MAX_DIGEST_MINUTES} } or { "dailyAt": "HH:MM", "timeZone": "Europe/Paris" }`
  if (!isRecord(value)) throw new ConfigError(field, shape)
  const keys = Object.keys(value).sort().join(',')
  if (keys === 'everyMinutes') {
    const n = value.everyMinutes
    if (
      typeof n !== 'number' ||
      !Number.isInteger(n) ||
      n < MIN_DIGEST_MINUTES ||
      n > MAX_DIGEST_MINUTES
    ) {
      throw new ConfigError(
        `${field}.everyMinutes`,
        `must be a whole number of minutes from ${MIN_DIGEST_MINUTES} to ${MAX_DIGEST_MINUTES}`,
      )
    }
    return { everyMinutes: n }
  }
  if (keys === 'dailyAt,timeZone') {
    const { dailyAt, timeZone } = value
    if (typeof dailyAt !== 'string' || !HH_MM.test(dailyAt)) {
      throw new ConfigError(`${field}.dailyAt`, 'must be a 24-hour time "HH:MM"')
    }
    if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
      throw new ConfigError(`${field}.timeZone`, 'must be an IANA time zone such as Europe/Paris')
    }
    return { dailyAt, timeZone }
  }
  throw new ConfigError(field, shape)
}

/**
 * The delivery fields of an entry after a change: `digest` is required in digest mode and refused
 * otherwise; switching back to instant drops the stored schedule.
 */
export function resolveDelivery(
  mode: DeliveryMode | undefined,
  digest: unknown,
  digestGiven: boolean,
): { mode?: DeliveryMode; digest?: DigestSchedule } {
  if (mode === 'digest') {
    if (digest === undefined) {
      throw new ConfigError('digest', 'is required when mode is "digest"')
    }
    return { mode, digest: parseDigest(digest) }
  }
  if (digestGiven && digest !== undefined) {
    throw new ConfigError('digest', 'is only used when mode is "digest"')
  }
  return mode === undefined ? {} : { mode }
}
