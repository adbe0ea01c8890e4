import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  MAX_RETRY_DELAY_SECONDS,
  classifyStatus,
  parseRetryDelays,
  retryDelaySeconds,
} from '../../src/deliver/retry'
import { parseRetryAfter } from '../../src/lib/retry-after'

describe('classifyStatus', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [301, 'permanent'],
    [400, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i is %s', (status, verdict) => {
    expect(classifyStatus(status)).toBe(verdict)
  })
})

describe('retryDelaySeconds', () => {
  it.each([
    [1, 0.5, 5],
    [2, 0.5, 300],
    [4, 0.5, 7200],
    [9, 0.5, 7200],
  ])('after attempt %i waits the scheduled delay', (attempt, random, expected) => {
    expect(retryDelaySeconds(attempt, DEFAULT_RETRY_DELAYS_SECONDS, random)).toBe(expected)
  })

  it('adds at most ±15 % jitter', () => {
    expect(retryDelaySeconds(2, DEFAULT_RETRY_DELAYS_SECONDS, 0)).toBe(255)
    expect(retryDelaySeconds(2, DEFAULT_RETRY_DELAYS_SECONDS, 1)).toBe(345)
  })

  it('honours a longer Retry-After, capped at the queue’s 12 hours', () => {
    expect(retryDelaySeconds(1, DEFAULT_RETRY_DELAYS_SECONDS, 0.5, 120)).toBe(120)
    expect(retryDelaySeconds(1, DEFAULT_RETRY_DELAYS_SECONDS, 0.5, 10 ** 6)).toBe(
      MAX_RETRY_DELAY_SECONDS,
    )
  })
})

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-29T12:00:00Z')
  it.each([
    ['120', 120],
    ['Sun, 29 Nov 2026 12:01:00 GMT', 60],
    ['Sun, 29 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('reads %s as %s seconds', (value, expected) => {
    expect(parseRetryAfter(value, now.getTime())).toBe(expected)
  })
})

describe('parseRetryDelays', () => {
  it('reads a comma-separated list and defaults when absent', () => {
    expect(parseRetryDelays('1, 2,3')).toEqual([1, 2, 3])
    expect(parseRetryDelays(undefined)).toEqual(DEFAULT_RETRY_DELAYS_SECONDS)
  })
  it('names the variable when the value is wrong', () => {
    expect(() => parseRetryDelays('5,soon')).toThrow(/RETRY_DELAYS_SECONDS/)
  })
})
