// When digests fall due: epoch-aligned intervals, and daily local times across Europe/Paris's
// 2026 changes (spring forward 29 March 02:00 → 03:00, fall back 25 October 03:00 → 02:00).
import { describe, expect, it } from 'vitest'
import { nextDigestAt } from '../../src/deliver/digest-schedule'
import type { DigestSchedule } from '../../src/model'

const paris = (dailyAt: string): DigestSchedule => ({ dailyAt, timeZone: 'Europe/Paris' })

describe('nextDigestAt', () => {
  it.each([
    ['the next quarter hour', 15, '2026-12-04T10:07:30Z', '2026-12-04T10:15:00Z'],
    ['the following slot when exactly on one', 15, '2026-12-04T10:15:00Z', '2026-12-04T10:30:00Z'],
    ['an hour-long slot aligned to the epoch', 60, '2026-12-04T23:59:59Z', '2026-12-05T00:00:00Z'],
  ])('every N minutes: %s', (_, everyMinutes, now, expected) => {
    expect(nextDigestAt({ everyMinutes }, new Date(now)).toISOString()).toBe(
      new Date(expected).toISOString(),
    )
  })

  it.each([
    ['later today in winter (UTC+1)', '08:00', '2026-01-15T05:00:00Z', '2026-01-15T07:00:00Z'],
    [
      'tomorrow once today’s time has passed',
      '08:00',
      '2026-01-15T07:00:00Z',
      '2026-01-16T07:00:00Z',
    ],
    ['in summer (UTC+2)', '08:00', '2026-07-01T12:00:00Z', '2026-07-02T06:00:00Z'],
    [
      'the morning after spring forward keeps 08:00 local',
      '08:00',
      '2026-03-28T12:00:00Z',
      '2026-03-29T06:00:00Z',
    ],
    [
      'a time skipped by spring forward is sent an hour later (03:30)',
      '02:30',
      '2026-03-28T12:00:00Z',
      '2026-03-29T01:30:00Z',
    ],
    [
      'the morning after fall back keeps 08:00 local',
      '08:00',
      '2026-10-24T12:00:00Z',
      '2026-10-25T07:00:00Z',
    ],
    [
      'a time that happens twice in autumn is sent at its first occurrence',
      '02:30',
      '2026-10-24T12:00:00Z',
      '2026-10-25T00:30:00Z',
    ],
    [
      'and not again at its second occurrence',
      '02:30',
      '2026-10-25T00:30:00Z',
      '2026-10-26T01:30:00Z',
    ],
    [
      'midnight after spring forward is 22:00 UTC',
      '00:00',
      '2026-03-28T23:30:00Z',
      '2026-03-29T22:00:00Z',
    ],
  ])('daily: %s', (_, dailyAt, now, expected) => {
    const schedule = paris(dailyAt)
    expect(nextDigestAt(schedule, new Date(now)).toISOString()).toBe(
      new Date(expected).toISOString(),
    )
  })

  it('reads a zone ahead of UTC the same way (Asia/Tokyo, no DST)', () => {
    const schedule: DigestSchedule = { dailyAt: '15:00', timeZone: 'Asia/Tokyo' }
    expect(nextDigestAt(schedule, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    )
  })

  it.each([
    ['an unknown zone', { dailyAt: '08:00', timeZone: 'Mars/Olympus' }, /digest.timeZone/],
    ['a time out of range', paris('24:00'), /digest.dailyAt: expected HH:MM/],
    ['a zero interval', { everyMinutes: 0 }, /digest.everyMinutes/],
  ])('refuses %s, naming the field', (_, schedule, message) => {
    expect(() => nextDigestAt(schedule as DigestSchedule, new Date())).toThrow(message)
  })
})
