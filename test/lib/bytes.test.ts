// concatBytes (src/lib/bytes.ts): chunks joined in order, whatever their sizes.
import { describe, expect, it } from 'vitest'
import { concatBytes } from '../../src/lib/bytes'

describe('concatBytes', () => {
  it.each([
    ['no chunk', [], []],
    ['one chunk', [[1, 2, 3]], [1, 2, 3]],
    ['chunks with an empty one between', [[1], [], [2, 3], [4]], [1, 2, 3, 4]],
  ])('joins %s in order', (_, chunks, expected) => {
    expect([...concatBytes(chunks.map((c) => Uint8Array.from(c)))]).toEqual(expected)
  })
})
