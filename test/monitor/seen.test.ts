import { describe, expect, it } from 'vitest'
import {
  READ_WHOLE_EVERY_MINUTES,
  SEEN_MAX,
  SEEN_MIN,
  readPlan,
  seenCap,
  updateSeen,
} from '../../src/monitor/seen'

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

describe('a poll that read only the newest items', () => {
  it('never forgets the feed’s unread items: the newest entries, as many as the feed holds', () => {
    // A 100-item feed, remembered at its bound; one new item read with the 5 seen under it.
    const feed = keys('k', 100)
    let seen = updateSeen([], keys('gone', seenCap(100) - 100), 1).next
    seen = updateSeen(seen, feed, 2).next
    expect(seen).toHaveLength(seenCap(100))
    const read = ['new', ...feed.slice(0, 5)]
    const partial = updateSeen(seen, read, 3, seenCap(100), 100)
    expect(partial.fresh).toEqual(['new'])
    const kept = new Set(partial.next.map(([k]) => k))
    // Every item still in the feed, read or not, is remembered; the oldest gone one made room.
    for (const k of feed) expect(kept.has(k)).toBe(true)
    expect(kept.has('gone0')).toBe(false)
    expect(partial.next).toHaveLength(seenCap(100))
  })
})

describe('how much of a feed a poll reads', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute))
  const known = { seen: [['a', 1]] as Array<[string, number]> }
  it.each([
    ['its first read: whole', known, true, 10, true],
    ['nothing remembered yet: whole', { seen: [] }, false, 10, true],
    ['never read whole: whole', known, false, 10, true],
    [
      'read whole lately: down to a run of seen items',
      { ...known, readWholeAt: at(0).toISOString() },
      false,
      10,
      false,
    ],
    [
      'read whole an hour ago: whole',
      { ...known, readWholeAt: at(0).toISOString() },
      false,
      READ_WHOLE_EVERY_MINUTES,
      true,
    ],
    [
      'a feed that adds items beneath older ones: whole',
      { ...known, readWholeAt: at(0).toISOString(), insertsBelow: true },
      false,
      10,
      true,
    ],
  ])('%s', (_name, state, first, minute, whole) => {
    expect(readPlan(state, at(minute), first)).toEqual({ whole })
  })
})
