// When a digest is due: pure, from a DigestSchedule (src/model.ts) and `now`. Not responsible for
// holding alerts or sending (the ledger and the consumer do that).
//
// - `{ everyMinutes: N }`: the next multiple of N minutes since the Unix epoch, so a restart or a
//   deploy never shifts the rhythm.
// - `{ dailyAt: 'HH:MM', timeZone }`: the next instant whose wall-clock time in the IANA zone is
//   HH:MM, DST-correct with the rules of RFC 9557 / Temporal's "compatible" disambiguation: a time
//   skipped by a spring-forward change is sent that many minutes later (02:30 → 03:30 in Paris), a
//   time that occurs twice in autumn is sent at its first occurrence.
import type { DigestSchedule } from '../model'
import { ConfigError } from '../lib/errors'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

/** Formatters are costly to build; one per zone, kept for the isolate's life. */
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch (cause) {
      throw new ConfigError('digest.timeZone', `unknown time zone "${timeZone}"`, { cause })
    }
    formatters.set(timeZone, f)
  }
  return f
}

/** The zone's offset from UTC at instant `ms`, in ms (Paris in summer: +2 h). */
function offsetAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return wall - Math.floor(ms / 1000) * 1000
}

/** The instant of a wall-clock time (given as if it were UTC) in `timeZone`, "compatible". */
function instantOf(wallMs: number, timeZone: string): number {
  // The offsets a day either side bracket any DST change of that day.
  const before = offsetAt(wallMs - DAY_MS, timeZone)
  const after = offsetAt(wallMs + DAY_MS, timeZone)
  const candidates = [wallMs - before, wallMs - after].filter(
    (t) => t + offsetAt(t, timeZone) === wallMs,
  )
  // Twice (autumn): the first; never (spring gap): shifted forward by the gap.
  if (candidates.length > 0) return Math.min(...candidates)
  return wallMs - before
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/

/** The first instant after `now` at which a digest on `schedule` is due. */
export function nextDigestAt(schedule: DigestSchedule, now: Date): Date {
  const t = now.getTime()
  if ('everyMinutes' in schedule) {
    const step = schedule.everyMinutes * MINUTE_MS
    if (!(step > 0)) throw new ConfigError('digest.everyMinutes', 'must be a positive number')
    return new Date((Math.floor(t / step) + 1) * step)
  }
  const m = HH_MM.exec(schedule.dailyAt)
  if (!m) throw new ConfigError('digest.dailyAt', `expected HH:MM, got "${schedule.dailyAt}"`)
  const minutes = Number(m[1]) * 60 + Number(m[2])
  // Today's date on the zone's wall clock, then that day's HH:MM, else tomorrow's.
  const wallNow = t + offsetAt(t, schedule.timeZone)
  const midnight = Math.floor(wallNow / DAY_MS) * DAY_MS
  for (let day = 0; day <= 2; day++) {
    const at = instantOf(midnight + day * DAY_MS + minutes * MINUTE_MS, schedule.timeZone)
    if (at > t) return new Date(at)
  }
  throw new ConfigError('digest', 'no next digest time found within two days')
}
