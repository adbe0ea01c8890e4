import { describe, expect, it } from 'vitest'
import { SEEN_MAX, SEEN_MIN, updateSeen } from '../../src/monitor/seen'

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe('updateSeen', () => {
  it('finds the items not seen before, in feed order', () => {
    const first = updateSeen([], ['a', 'b'], 1)
    expect(first.fresh).toEqual(['a', 'b'])
    const second = updateSeen(first.next, ['c', 'a', 'b'], 2)
    expect(second.fresh).toEqual(['c'])
    expect(second.next).toContainEqual(['c', 2])
  })

  it('reports no change when nothing is new', () => {
    const first = updateSeen([], ['a', 'b'], 1)
    expect(updateSeen(first.next, ['b', 'a'], 2)).toMatchObject({ fresh: [], changed: false })
  })

  it('counts a duplicated key in one feed once', () => {
    expect(updateSeen([], ['a', 'a'], 1).fresh).toEqual(['a'])
  })

  it('forgets the oldest items that left the feed once over the bound', () => {
    let seen = updateSeen([], keys('old', SEEN_MIN), 1).next
    seen = updateSeen(seen, keys('new', 10), 2).next
    expect(seen).toHaveLength(SEEN_MIN)
    expect(seen.map(([k]) => k)).toEqual([...keys('old', SEEN_MIN).slice(10), ...keys('new', 10)])
  })

  it('never forgets an item still in the feed', () => {
    const big = keys('k', SEEN_MAX + 50)
    const result = updateSeen([], big, 1)
    expect(result.next).toHaveLength(SEEN_MAX + 50)
    expect(updateSeen(result.next, big, 2).fresh).toEqual([])
  })
})
