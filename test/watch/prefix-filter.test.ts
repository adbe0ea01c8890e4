// The bit filter under the presearcher's prefix filters and the first-sight gate
// (src/watch/prefix-filter.ts): "no" must be certain, and "may" by chance rare, since every
// chance "may" costs a new word a memo that finds nothing.
import { describe, expect, it } from 'vitest'
import { PrefixFilter } from '../../src/watch/prefix-filter'
import { prng } from '../support/prng'

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

function randomWord(random: () => number, length: number): string {
  let word = ''
  for (let i = 0; i < length; i++) word += LETTERS[Math.floor(random() * LETTERS.length)]
  return word
}

describe('PrefixFilter', () => {
  const random = prng(4242)
  const bases = new Set<string>()
  while (bases.size < 2_000) bases.add(randomWord(random, 5 + Math.floor(random() * 6)))
  const filter = new PrefixFilter(bases.size)
  for (const base of bases) filter.file(base)

  it('says "may" for every word that starts with a base filed, read as a string or as units', () => {
    for (const base of bases) {
      const word = base + randomWord(random, Math.floor(random() * 4))
      const units = Uint16Array.from(word, (c) => c.charCodeAt(0))
      expect({ word, may: filter.mayStart(word) }).toEqual({ word, may: true })
      expect({ word, may: filter.mayStartUnits(units, 0, units.length) }).toEqual({
        word,
        may: true,
      })
    }
  })

  it('says "may" by chance for fewer than 1 word in 500 that starts with none', () => {
    // Words of 12 letters test all six base lengths filed (5 to 10): six chances each.
    const words = 100_000
    let chance = 0
    for (let k = 0; k < words; k++) {
      const word = randomWord(random, 12)
      let starts = false
      for (let n = 5; n <= 10 && !starts; n++) starts = bases.has(word.slice(0, n))
      if (!starts && filter.mayStart(word)) chance++
    }
    // Measured: two bits a base let 2.1% through (about 1 in 250 a test), four 0.1%.
    expect(chance / words).toBeLessThan(1 / 500)
  })

  it('answers the same when read back from its stored form', () => {
    const stored = new PrefixFilter(filter.words())
    for (let k = 0; k < 20_000; k++) {
      const word = randomWord(random, 3 + Math.floor(random() * 10))
      expect(stored.mayStart(word)).toBe(filter.mayStart(word))
    }
  })
})
