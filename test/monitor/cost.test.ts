// The cost model as a table: which plan carries a set-up, and why not, from the tick's constants.
import { describe, expect, it } from 'vitest'
import { costOf, type SetUp } from '../../src/monitor/cost'

const setUp = (over: Partial<SetUp>): SetUp => ({
  feeds: 5,
  intervalMinutes: 15,
  itemsPerDay: 20,
  watches: 100,
  matchRate: 0.05,
  shards: 1,
  ...over,
})

describe('the cost calculator', () => {
  it.each([
    ['a handful of feeds fits the free plan', {}, [], []],
    ['500 feeds need the paid plan for their CPU', { feeds: 500, watches: 1000 }, ['CPU'], []],
    [
      '5,000 feeds need the paid plan for CPU, subrequests and Queues',
      { feeds: 5000, watches: 10_000, shards: 5 },
      ['CPU', 'subrequests', 'Queues'],
      [],
    ],
  ])('%s', (_, over, freeWhy, paidWhy) => {
    const { fits } = costOf(setUp(over))
    expect(fits.free.map((w) => w.split(':')[0])).toEqual(freeWhy)
    expect(fits.paid.map((w) => w.split(':')[0])).toEqual(paidWhy)
  })

  it('reads 50 busy feeds more often on the free plan with fan-out, paying for it in Queues operations', () => {
    const busy = { feeds: 50, itemsPerDay: 100, watches: 1000 }
    const every = (r: ReturnType<typeof costOf>) =>
      Number(/read about every (\d+) minutes/.exec(r.fits.free.join(' '))?.[1] ?? 15)
    const inline = costOf(setUp(busy))
    const fanned = costOf(setUp({ ...busy, fanOut: true }))
    expect(every(fanned)).toBeLessThan(every(inline))
    const ops = (r: ReturnType<typeof costOf>) =>
      r.lines.find((l) => l.resource.startsWith('Queues'))!.use
    expect(ops(fanned)).toBeGreaterThan(ops(inline))
    expect(ops(fanned)).toBeLessThanOrEqual(9_000)
  })

  it('never counts more KV writes than the free spacing allows, however busy', () => {
    const { lines } = costOf(setUp({ feeds: 200, itemsPerDay: 500 }))
    const writes = lines.find((l) => l.resource.startsWith('KV writes'))!
    expect(writes.use).toBeLessThanOrEqual(900)
  })
})
