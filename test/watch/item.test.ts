// An item's word lookups by stem, transliteration key and prefix (src/watch/item.ts): each must
// return exactly the words a scan of all the item's words would, in the item's word order.
import { describe, expect, it } from 'vitest'
import {
  prepareItem,
  wordsByKey,
  wordsByKeyPrefix,
  wordsByPrefix,
  wordsByStem,
} from '../../src/watch/item'
import { prefixKey } from '../../src/watch/word'
import { prng } from '../support/prng'

/** Few letters, so many words share a prefix, a stem or a key. */
const LETTERS = ['a', 'b', 'e', 'r', 's', 'ar', 'ment', 'é', 'б', 'е', 'л', 'г', 'о', 'ро', 'д']

function randomText(random: () => number, words: number): string {
  const out: string[] = []
  for (let n = 0; n < words; n++) {
    let word = ''
    const length = 3 + Math.floor(random() * 4)
    for (let i = 0; i < length; i++) word += LETTERS[Math.floor(random() * LETTERS.length)]
    out.push(word)
  }
  return out.join(' ')
}

describe('item word lookups', () => {
  it.each([0, 1, 5, 40, 400])('agree with a scan of the words (%i words)', (count) => {
    const random = prng(count + 1)
    const item = prepareItem({ content: randomText(random, count), lang: 'fr' })
    const terms = item.words.map((w) => w.term)
    const probes = [...terms, ...terms.map((t) => t.slice(0, 3)), 'zzz', 'armement', 'белгород']
    for (const probe of probes) {
      const stem = item.words.find((w) => w.term === probe)?.stem('fr') ?? probe
      const expectStem = item.words.filter((w) => w.stem('fr') === stem)
      expect(wordsByStem(item, 'fr', stem) ?? []).toEqual(expectStem)
      const key = item.words.find((w) => w.term === probe)?.translit() ?? probe
      expect(wordsByKey(item, key) ?? []).toEqual(item.words.filter((w) => w.translit() === key))
      if (probe.length < 3) continue
      const byPrefix = item.words.filter((w) => w.prefix === prefixKey(probe))
      expect(wordsByPrefix(item, probe) ?? []).toEqual(byPrefix)
      const byKeyPrefix = item.words.filter((w) => w.keyPrefix() === prefixKey(probe))
      expect(wordsByKeyPrefix(item, probe) ?? []).toEqual(byKeyPrefix)
    }
  })
})
