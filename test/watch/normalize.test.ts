// The normaliser's decisions (src/watch/normalize.ts), one row each, named by behaviour.
import { describe, expect, it } from 'vitest'
import { normalizeWord } from '../../src/watch'
import { maybeGerman } from '../../src/watch/normalize'
import { prng } from '../support/prng'

describe('normalizeWord', () => {
  it.each([
    ['folds case', 'Belgorod', 'belgorod'],
    ['folds ß to ss (full case folding)', 'Hauptstraße', 'hauptstrasse'],
    ['folds capital ẞ to ss', 'HAUPTSTRAẞE', 'hauptstrasse'],
    ['folds French accents', 'Élysée', 'elysee'],
    ['folds cedilla', 'façade', 'facade'],
    ['folds Polish ł', 'Łódź', 'lodz'],
    ['folds Scandinavian ø', 'Søren', 'soren'],
    ['folds German umlauts to the base letter', 'Müller', 'muller'],
    ['splits the œ ligature', 'Œuvre', 'oeuvre'],
    ['splits the æ ligature', 'Æsir', 'aesir'],
    ['NFKC: fi ligature', 'ﬁnance', 'finance'],
    ['NFKC: fullwidth letters', 'ＮＡＴＯ', 'nato'],
    ['folds Russian ё to е', 'Ёлки', 'елки'],
    ['keeps Russian й', 'Йошкар', 'йошкар'],
    ['keeps Ukrainian ї', 'Київ', 'київ'],
    ['keeps Belarusian ў', 'Беларусь ў', 'беларусь ў'],
    ['strips Russian stress marks', 'каза́к', 'казак'],
    ['folds Greek tonos and final sigma', 'Αθήνας', 'αθηνασ'],
    ['strips Arabic harakat', 'مُحَمَّد', 'محمد'],
    ['folds Arabic hamza forms of alef', 'أحمد', 'احمد'],
    ['strips Hebrew niqqud', 'שָׁלוֹם', 'שלום'],
    ['keeps Devanagari vowel signs', 'हिन्दी', 'हिन्दी'],
    ['removes soft hyphens', 'Bel\u00adgorod', 'belgorod'],
    ['folds dotless ı', 'Istanbul', 'istanbul'],
    ['folds Turkish İ', 'İzmir', 'izmir'],
    ['keeps digits', '2024', '2024'],
  ])('%s: %s → %s', (_name, input, expected) => {
    expect(normalizeWord(input)).toBe(expected)
  })
})

describe('the quick test before German spellings', () => {
  it('finds exactly what /[äöüÄÖÜ\u0308]|[aouAOU][eE]/ finds, on 5,000 random words', () => {
    const regex = /[äöüÄÖÜ\u0308]|[aouAOU][eE]/
    const alphabet = [...'aouAOUeEäöüÄÖÜbxÀĀŐ\u0308 ']
    const random = prng(17)
    for (let n = 0; n < 5000; n++) {
      let word = ''
      const length = 1 + Math.floor(random() * 6)
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)]
      expect({ word, maybe: maybeGerman(word) }).toEqual({ word, maybe: regex.test(word) })
    }
  })
})
