// Transliteration keys (src/watch/transliterate.ts): the one-pass implementation must give what
// the scheme's plain statement gives: romanise the Cyrillic letters, then take the skeleton.
import { describe, expect, it } from 'vitest'
import {
  computeTransliterationKey,
  readingKey,
  readingKeyOrNull,
  transliterationKey,
} from '../../src/watch/transliterate'
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

/** The readings as docs/query-language.md states them: a global regex alternation and a map. */
const READING_REFERENCE: Record<string, { re: RegExp; map: Record<string, string> }> = {
  fr: { re: /tch|ch|ou|j/g, map: { tch: 'ch', ch: 'sh', ou: 'u', j: 'zh' } },
  de: {
    re: /tsch|sch|ch|ss|z|s(?=[aeiouy])/g,
    map: { tsch: 'ch', sch: 'sh', ch: 'kh', ss: 's', z: 'ts', s: 'z' },
  },
}

describe('readings (French and German renderings)', () => {
  it.each([
    ['koursk', 'fr', 'kursk'],
    ['tchernobyl', 'fr', 'chernobyl'],
    ['jitomir', 'fr', 'zhitomir'],
    ['charkiw', 'de', 'kharkiv'],
    ['tschernobyl', 'de', 'chernobyl'],
    ['selenskyj', 'de', 'zelenskyi'],
  ])('reads %s in a %s item as %s', (word, lang, english) => {
    expect(readingKey(word, lang)).toBe(transliterationKey(english))
  })

  it('answers null when the reading rewrites nothing, or the language has none', () => {
    expect(readingKeyOrNull('berlin', 'fr')).toBeNull()
    expect(readingKeyOrNull('kursk', 'de')).toBeNull()
    expect(readingKeyOrNull('sankt', 'de')).toBe(transliterationKey('zankt'))
    expect(readingKeyOrNull('koursk', 'en')).toBeNull()
  })

  it('agrees with the regex statement of each reading on 5,000 random words', () => {
    const alphabet = [...'aeiouychjstzkwрк', 'tsch', 'sch', 'tch', 'ou', 'ss']
    const random = prng(16)
    for (let n = 0; n < 5000; n++) {
      let word = ''
      const length = 1 + Math.floor(random() * 8)
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)]
      for (const lang of ['fr', 'de']) {
        const { re, map } = READING_REFERENCE[lang]!
        const expected = computeTransliterationKey(word.replace(re, (m) => map[m]!))
        expect({ word, lang, key: readingKey(word, lang) }).toEqual({ word, lang, key: expected })
      }
    }
  })
})
