// The work budget as tables: what a poll is expected to cost, when an invocation starts one more,
// how far apart shard writes go for a daily budget, and how daily usage rolls over.
import { describe, expect, it } from 'vitest'
import {
  BYTE_PATH_CPU_FACTOR,
  CPU_MS_PER_ITEM_MATCHED,
  CPU_MS_PER_ITEM_READ,
  CPU_MS_PER_KB_OPENED,
  CPU_MS_PER_KB_READ,
  CPU_MS_PER_POLL,
  DEFAULT_BODY_BYTES,
  DEFAULT_ITEM_COUNT,
  DEFAULT_BUDGETS,
  EXPECTED_NEW_ITEMS,
  WorkAccount,
  actualCost,
  budgetStatus,
  estimatePoll,
  mayWrite,
  todaysUsage,
  writeSpacingMinutes,
} from '../../src/monitor/budget'
import { BYTE_PATH_MIN_BYTES } from '../../src/ingest/limits'
import { SEEN_RUN_TO_STOP } from '../../src/monitor/seen'
import type { FeedState } from '../../src/store/shards'

const state = (over: Partial<FeedState> = {}): FeedState => ({
  url: 'https://example.org/feed',
  intervalMinutes: 15,
  failures: 0,
  health: 'ok',
  seen: [],
  lastSuccessAt: '2026-12-01T00:00:00.000Z',
  ...over,
})
/** CPU of opening `bytes` and reading `read` of its `count` items. */
const open = (bytes: number, read: number, count: number) =>
  (bytes / 1024) * CPU_MS_PER_KB_OPENED +
  (bytes / 1024) * (read / count) * CPU_MS_PER_KB_READ +
  read * CPU_MS_PER_ITEM_READ
const NOW = new Date('2026-12-01T00:30:00.000Z')
const partial = EXPECTED_NEW_ITEMS + SEEN_RUN_TO_STOP

describe('what a poll is expected to cost', () => {
  it.each([
    [
      'a new feed: a typical body read whole, no matching (its first poll is silent)',
      undefined,
      open(DEFAULT_BODY_BYTES, DEFAULT_ITEM_COUNT, DEFAULT_ITEM_COUNT),
    ],
    [
      'a known feed read whole this hour: its last body and the expected news',
      state({ bodyBytes: 10_240, itemCount: 20, seen: [['a', 1]] }),
      open(10_240, 20, 20) + EXPECTED_NEW_ITEMS * CPU_MS_PER_ITEM_MATCHED,
    ],
    [
      'a known feed read whole lately: down to a run of seen items',
      state({
        bodyBytes: 10_240,
        itemCount: 20,
        seen: [['a', 1]],
        readWholeAt: '2026-12-01T00:00:00.000Z',
      }),
      open(10_240, partial, 20) + EXPECTED_NEW_ITEMS * CPU_MS_PER_ITEM_MATCHED,
    ],
    [
      'a feed whose last parse found one new item: one expected',
      state({
        bodyBytes: 10_240,
        itemCount: 20,
        seen: [['a', 1]],
        readWholeAt: '2026-12-01T00:00:00.000Z',
        lastFresh: 1,
      }),
      open(10_240, 1 + SEEN_RUN_TO_STOP, 20) + CPU_MS_PER_ITEM_MATCHED,
    ],
    [
      'a feed whose last change brought nothing new: still one expected',
      state({
        bodyBytes: 10_240,
        itemCount: 20,
        seen: [['a', 1]],
        readWholeAt: '2026-12-01T00:00:00.000Z',
        lastFresh: 0,
      }),
      open(10_240, 1 + SEEN_RUN_TO_STOP, 20) + CPU_MS_PER_ITEM_MATCHED,
    ],
    [
      'a feed that adds items beneath older ones: always whole',
      state({
        bodyBytes: 10_240,
        itemCount: 20,
        seen: [['a', 1]],
        readWholeAt: '2026-12-01T00:00:00.000Z',
        insertsBelow: true,
      }),
      open(10_240, 20, 20) + EXPECTED_NEW_ITEMS * CPU_MS_PER_ITEM_MATCHED,
    ],
    [
      'a feed never read yet: no matching',
      state({ lastSuccessAt: undefined, bodyBytes: 2048, itemCount: 10 }),
      open(2048, 10, 10),
    ],
  ])('%s', (_, s, cpu) => {
    const estimate = estimatePoll(s, NOW)
    expect(estimate.cpuMs).toBeCloseTo(CPU_MS_PER_POLL + cpu, 6)
    expect(estimate.subrequests).toBe(2)
  })

  it.each([
    [
      'a 304: no parse, one request',
      { bytesParsed: 0, bytesRead: 0, itemsRead: 0, itemsMatched: 0, fetches: 1, sends: 0 },
      CPU_MS_PER_POLL,
      1,
    ],
    [
      'a redirect and a body read whole with 3 new items sent once',
      {
        bytesParsed: 40_960,
        bytesRead: 40_960,
        itemsRead: 50,
        itemsMatched: 3,
        fetches: 2,
        sends: 1,
      },
      CPU_MS_PER_POLL + open(40_960, 50, 50) + 3 * CPU_MS_PER_ITEM_MATCHED,
      3,
    ],
    [
      'a body read down to a run of seen items, with 1 new item',
      {
        bytesParsed: 40_960,
        bytesRead: 4_915,
        itemsRead: 6,
        itemsMatched: 1,
        fetches: 1,
        sends: 1,
      },
      CPU_MS_PER_POLL + open(40_960, 6, 50) + CPU_MS_PER_ITEM_MATCHED,
      2,
    ],
    [
      'a body read over its bytes (the byte path) at its measured surcharge',
      {
        bytesParsed: BYTE_PATH_MIN_BYTES,
        bytesRead: BYTE_PATH_MIN_BYTES / 10,
        itemsRead: 6,
        itemsMatched: 0,
        fetches: 1,
        sends: 0,
      },
      CPU_MS_PER_POLL +
        BYTE_PATH_CPU_FACTOR *
          ((BYTE_PATH_MIN_BYTES / 1024) * CPU_MS_PER_KB_OPENED +
            (BYTE_PATH_MIN_BYTES / 10240) * CPU_MS_PER_KB_READ) +
        6 * CPU_MS_PER_ITEM_READ,
      1,
    ],
  ])('costs %s', (_, work, cpu, subrequests) => {
    const cost = actualCost(work)
    expect(cost.cpuMs).toBeCloseTo(cpu, 2)
    expect(cost.subrequests).toBe(subrequests)
  })
})

describe('an invocation’s account', () => {
  it('starts polls while their estimates fit, and always the first', () => {
    const account = new WorkAccount({ cpuMs: 5, subrequests: 10 })
    const big = { cpuMs: 8, subrequests: 2 }
    expect(account.tryStart(big)).toBe(true)
    expect(account.tryStart({ cpuMs: 0.1, subrequests: 1 })).toBe(false)
    account.settle(big, { cpuMs: 1, subrequests: 1 })
    expect(account.tryStart({ cpuMs: 3, subrequests: 2 })).toBe(true)
    expect(account.tryStart({ cpuMs: 1.5, subrequests: 2 })).toBe(false)
    expect(account.used).toEqual({ cpuMs: 4, subrequests: 3 })
  })

  it('stops at the subrequest budget however cheap the CPU', () => {
    const account = new WorkAccount(DEFAULT_BUDGETS.free)
    let started = 0
    while (account.tryStart({ cpuMs: 0, subrequests: 2 })) started++
    expect(started).toBe(Math.floor(DEFAULT_BUDGETS.free.subrequests / 2))
  })
})

describe('spacing shard writes within the daily KV write budget', () => {
  it.each([
    ['free, one shard', 900, 1, 2],
    ['free, four shards', 900, 4, 7],
    ['paid', 30_000, 1, 1],
    ['a tiny budget', 24, 1, 60],
  ])('%s: one write every %s writes a day → %s', (_, perDay, shards, minutes) => {
    const spacing = writeSpacingMinutes(perDay, shards)
    expect(spacing).toBe(minutes)
    // The most a busy day can write, one per spacing per shard, stays within the budget.
    expect(Math.floor(1440 / spacing) * shards).toBeLessThanOrEqual(Math.max(perDay, 1440))
  })

  it.each([
    ['after the spacing, with room', 2, 2, 10, 900, true],
    ['not before the spacing', 1, 2, 10, 900, false],
    ['not once the day’s budget is spent', 30, 2, 900, 900, false],
  ])('writes %s', (_, since, spacing, today, perDay, ok) => {
    expect(
      mayWrite({
        minutesSinceWrite: since,
        spacingMinutes: spacing,
        writesToday: today,
        kvWritesPerDay: perDay,
      }),
    ).toBe(ok)
  })

  it('counts usage per UTC day', () => {
    const now = new Date('2026-12-04T23:59:00Z')
    const usage = { day: '2026-12-04', kvWrites: 5, queueOps: 30 }
    expect(todaysUsage(usage, now)).toEqual(usage)
    expect(todaysUsage(usage, new Date('2026-12-05T00:00:00Z'))).toEqual({
      day: '2026-12-05',
      kvWrites: 0,
      queueOps: 0,
    })
    const status = budgetStatus([usage, undefined, usage], DEFAULT_BUDGETS.free, 3, now)
    expect(status.kvWrites).toEqual({ used: 10, budget: 900, limit: 1000 })
    expect(status.queueOps).toEqual({ used: 60, budget: 9000, limit: 10_000 })
    expect(status.writeSpacingMinutes).toBe(5)
  })
})
