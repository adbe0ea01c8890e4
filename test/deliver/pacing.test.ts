// Pacing a destination with a token bucket, and coalescing a burst per watch: pure tables.
import { describe, expect, it } from 'vitest'
import { coalescedCount, planMessages, takeTokens, type Bucket } from '../../src/deliver/pacing'
import type { Alert } from '../../src/model'

const alert = (id: string, watchId: string): Alert =>
  ({ id, watch: { id: watchId, name: watchId, query: 'q' } }) as Alert

const T0 = 1_000_000

describe('takeTokens', () => {
  it.each<[string, Bucket | undefined, number, number, number, number, object]>([
    [
      'a machine receiver (no pace) takes everything one by one',
      undefined,
      0,
      10,
      1,
      0,
      { granted: 10, coalesce: false },
    ],
    [
      'a fresh bucket sends a lone alert',
      undefined,
      1000,
      1,
      1,
      0,
      { granted: 1, coalesce: false, nextAt: T0 + 1000 },
    ],
    [
      'a burst beyond the pace is coalesced into one message per watch',
      undefined,
      1000,
      12,
      1,
      0,
      { granted: 1, coalesce: true },
    ],
    [
      'two watches in a burst: one goes now, the other waits for the next token',
      undefined,
      1000,
      5,
      2,
      0,
      { granted: 1, coalesce: true, nextAt: T0 + 1000 },
    ],
    [
      'an empty bucket grants nothing and says when the next token comes',
      { tokens: 0, at: T0 - 400 },
      1000,
      3,
      1,
      0,
      { granted: 0, nextAt: T0 + 600 },
    ],
    ['a refilled bucket grants again', { tokens: 0, at: T0 - 1000 }, 1000, 1, 1, 0, { granted: 1 }],
    [
      'Google Chat’s 60/min pace refills in a second',
      { tokens: 0, at: T0 - 999 },
      1000,
      1,
      1,
      0,
      { granted: 0, nextAt: T0 + 1 },
    ],
    [
      'a Retry-After in force grants nothing until it ends',
      undefined,
      1000,
      1,
      1,
      T0 + 30_000,
      { granted: 0, nextAt: T0 + 30_000 },
    ],
    [
      'a Retry-After also holds back a machine receiver',
      undefined,
      0,
      4,
      1,
      T0 + 5_000,
      { granted: 0, nextAt: T0 + 5_000 },
    ],
  ])('%s', (_, bucket, interval, individual, coalesced, blockedUntil, expected) => {
    expect(takeTokens(bucket, T0, interval, individual, coalesced, blockedUntil)).toMatchObject(
      expected,
    )
  })
})

describe('planMessages', () => {
  const burst = [alert('a', 'w1'), alert('b', 'w2'), alert('c', 'w1'), alert('d', 'w1')]

  it('sends one message per alert, in order, when not coalescing', () => {
    expect(planMessages(burst, false).map((p) => p.message.alerts.map((a) => a.id))).toEqual([
      ['a'],
      ['b'],
      ['c'],
      ['d'],
    ])
  })

  it('merges each watch’s alerts into one burst, watches in order of first appearance', () => {
    const plan = planMessages(burst, true)
    expect(plan.map((p) => [p.watchId, p.message.kind, p.message.alerts.map((a) => a.id)])).toEqual(
      [
        ['w1', 'burst', ['a', 'c', 'd']],
        ['w2', 'alert', ['b']],
      ],
    )
    expect(coalescedCount(burst)).toBe(2)
  })
})
