// Transliteration keys (src/watch/transliterate.ts): the one-pass implementation must give what
// the scheme's plain statement gives: romanise the Cyrillic letters, then take the skeleton.
import { describe, expect, it } from 'vitest'
import { computeTransliterationKey, transliterationKey } from '../../src/watch/transliterate'
import { prng } from '../support/prng'

/** The scheme as docs/query-language.md states it, written the straightforward way. */
function reference(word: string): string {
  const romanise: Record<string, string> = Object.fromEntries(
    'а a б b в v г g ґ g д d е e ё e є ie ж zh з z и i і i ї i й i к k л l м m н n о o п p р r с s т t у u ў u ф f х kh ц ts ч ch ш sh щ shch ъ _ ы y ь _ э e ю iu я ia'
      .split(' ')
      .reduce<string[][]>((pairs, x, i, all) => (i % 2 ? pairs : [...pairs, [x, all[i + 1]!]]), [])
      .map(([c, latin]) => [c!, latin === '_' ? '' : latin!]),
  )
  if (!/[a-zа-яёєіїґў]/.test(word)) return word
  const latin = [...word].map((c) => romanise[c] ?? c).join('')
  const skeleton = latin
    .replace(/ye/g, 'e')
    .replace(/kh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/[hwxjy]/g, (c) => ({ h: 'g', w: 'v', x: 'ks', j: 'i', y: 'i' })[c]!)
  // Doubles collapse by UTF-16 unit (a repeated emoji is two units repeated, not one).
  return skeleton.replace(/(.)\1+/gs, '$1')
}

describe('transliteration keys', () => {
  it.each([
    ['белгород', 'belgorod'],
    ['київ', 'kyiv'],
    ['харків', 'kharkiv'],
    ['ельцин', 'yeltsin'],
    ['дмитрий', 'dmitriy'],
    ['дмитрий', 'dmitry'],
    ['гамбург', 'hamburg'],
    ['щукин', 'shchukin'],
  ])('gives %s and %s one key', (cyrillic, latin) => {
    expect(transliterationKey(cyrillic)).toBe(transliterationKey(latin))
  })

  it('leaves words of other scripts as they are', () => {
    expect(computeTransliterationKey('東京')).toBe('東京')
    expect(computeTransliterationKey('αθήνα')).toBe('αθήνα')
  })

  it('agrees with the plain statement of the scheme on 5,000 random words', () => {
    const alphabet = [
      ...'abehjkpswxyz09 аґгеёєжзийіїклмопрстуўхцчшщъыьэюя東😀',
      'ye',
      'kh',
      'ph',
      'хх',
    ]
    const random = prng(9)
    for (let n = 0; n < 5000; n++) {
      let word = ''
      const length = 1 + Math.floor(random() * 10)
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)]
      expect({ word, key: computeTransliterationKey(word) }).toEqual({
        word,
        key: reference(word),
      })
    }
  })
})
