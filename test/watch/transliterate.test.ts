// Transliteration keys (src/watch/transliterate.ts): the one-pass implementation must give what
// the scheme's plain statement gives: romanise the Cyrillic letters, then take the skeleton.
import { describe, expect, it } from 'vitest'
import {
  computeTransliterationKey,
  crossKey,
  crossKeyBaseLength,
  crossLetters,
  readingKey,
  readingKeyOrNull,
  OWN_KEY,
  SCRIPT_CYRILLIC,
  SCRIPT_LATIN,
  SCRIPT_OTHER,
  isOwnKeyUnits,
  keyInto,
  latinKeyInto,
  prefixKeyInto,
  romanisePrefixes,
  shapeOfUnits,
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

/** The cross key's four steps as docs/query-language.md states them, the straightforward way. */
function crossReference(key: string): string {
  const consonant = /[b-df-hj-np-tv-z]$/
  const iso: Record<string, string> = { sgcg: 's', tcg: 'c', cg: 'c', sg: 's', zg: 'z', ts: 'c' }
  let out = ''
  for (let i = 0; i < key.length;) {
    const rest = key.slice(i)
    const m = /^(sgcg|tcg|cg|sg|zg|ts)/.exec(rest)
    let emit: string
    // 1. ISO 9's letters (h is g in a key): shch tch ch sh zh ts are s c c s z c.
    if (m) emit = iso[m[1]!]!
    // 2. u after a vowel is v (ў); io after a consonant is e (ё).
    else if (rest[0] === 'u' && /[aeiou]$/.test(out)) emit = 'v'
    else if (rest.startsWith('io') && consonant.test(out)) emit = 'e'
    else {
      out += rest[0]
      i++
      continue
    }
    // A double these make collapses.
    if (!out.endsWith(emit)) out += emit
    i += m ? m[1]!.length : rest[0] === 'u' ? 1 : 2
  }
  // 3. Final vowels go, unless fewer than 4 units would remain.
  const cut = out.replace(/[aeiou]+$/, '')
  if (cut.length >= 4) out = cut
  // 4. An i or e between consonants at the end of 4+ units is o.
  if (out.length >= 4) out = out.replace(/([b-df-hj-np-tv-z])[ie]([b-df-hj-np-tv-z])$/, '$1o$2')
  return out
}

describe('word shapes (script and own key in one pass)', () => {
  /** The two questions as their definitions state them, with regexes. */
  function plainShape(word: string): number {
    const latin = /[a-z]/.test(word)
    const cyrillic = /[\u0400-\u04ff]/.test(word)
    const script = latin === cyrillic ? SCRIPT_OTHER : latin ? SCRIPT_LATIN : SCRIPT_CYRILLIC
    const own = !cyrillic && !/[hjwxy]/.test(word) && !/([\s\S])\1/.test(word)
    return own ? script | OWN_KEY : script
  }
  /** By UTF-16 unit, as the lexicon holds a term (an emoji is two). */
  const units = (w: string) => Uint16Array.from({ length: w.length }, (_, i) => w.charCodeAt(i))

  it.each([
    ['belgorod', SCRIPT_LATIN | OWN_KEY],
    ['kharkiv', SCRIPT_LATIN],
    ['summit', SCRIPT_LATIN],
    ['белгород', SCRIPT_CYRILLIC],
    ['2024', SCRIPT_OTHER | OWN_KEY],
    ['2000', SCRIPT_OTHER],
    ['bеlgorod', SCRIPT_OTHER],
  ])('takes %s as %i', (word, shape) => {
    expect(shapeOfUnits(units(word), 0, word.length)).toBe(shape)
  })

  it('agrees with the plain statements, isOwnKeyUnits and Latin keys on 5,000 random words', () => {
    let latin = 0
    const mixed = [...'abehjkpswxyz09 аґгеёєжзийіїклмопрстуўхцчшщъыьэюя東😀']
    // Half the words without Cyrillic letters, so that many are Latin.
    const latinAndOther = [...'abcehjkpstuwxyz09 ß東😀']
    const random = prng(515)
    for (let k = 0; k < 5000; k++) {
      let word = ''
      const length = 1 + Math.floor(random() * 10)
      const alphabet = k % 2 === 0 ? mixed : latinAndOther
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)]
      // Read from the middle of a longer array, as the gate reads the lexicon's rows.
      const src = units(`xx${word}hh`)
      const shape = shapeOfUnits(src, 2, word.length)
      expect(shape, word).toBe(plainShape(word))
      expect(isOwnKeyUnits(src, 2, word.length), word).toBe((shape & OWN_KEY) !== 0)
      if ((shape & ~OWN_KEY) !== SCRIPT_LATIN) continue
      latin++
      const out = new Uint16Array(4 * word.length)
      const key = [...out.subarray(0, latinKeyInto(src, 2, word.length, out))]
      expect(key, word).toEqual([...out.subarray(0, keyInto(src, 2, word.length, out))])
    }
    expect(latin).toBeGreaterThan(1000)
  })
})

describe('keys of prefixes (one romanisation for all)', () => {
  const units = (w: string) => Uint16Array.from({ length: w.length }, (_, i) => w.charCodeAt(i))
  const key = (src: Uint16Array, from: number, n: number, into: typeof keyInto) => {
    const out = new Uint16Array(4 * n)
    return [...out.subarray(0, into(src, from, n, out))]
  }

  it('gives keyInto of every prefix on 3,000 random words', () => {
    // Digits, Serbian љ (Cyrillic but not romanised) and doubles: prefixes copied, not keyed.
    const alphabet = [...'abehjkswxy09 аеёєжийіїклорсхцчшщъьюяљ😀', 'хх', 'љљ', '00']
    const random = prng(616)
    for (let k = 0; k < 3000; k++) {
      let word = ''
      const length = 1 + Math.floor(random() * 8)
      for (let i = 0; i < length; i++) word += alphabet[Math.floor(random() * alphabet.length)]
      const src = units(`щ${word}`)
      romanisePrefixes(src, 1, word.length)
      // All prefixes first: keyInto shares prefixKeyInto's scratch.
      const lengths = Array.from({ length: word.length + 1 }, (_, j) => word.length - j)
      const keys = lengths.map((j) => key(src, 1, j, prefixKeyInto))
      expect(keys, word).toEqual(lengths.map((j) => key(src, 1, j, keyInto)))
    }
  })
})

describe('cross keys', () => {
  it.each([
    ['чернігів', 'cernigiv'],
    ['житомир', 'zitomir'],
    ['шостка', 'sostka'],
    ['донецк', 'doneck'],
    ['хрущев', 'hrusev'],
    ['браслаў', 'braslaw'],
    ['браслаў', 'braslau'],
    ['петр', 'pyotr'],
    ['харкова', 'kharkiv'],
    ['львова', 'lviv'],
    ['чайковский', 'tchaikovsky'],
  ])('gives %s and %s one cross key', (cyrillic, latin) => {
    expect(crossKey(transliterationKey(cyrillic))).toBe(crossKey(transliterationKey(latin)))
  })

  it.each([
    ['мер', 'mir'],
    ['курс', 'kursk'],
    ['роса', 'rossiya'],
  ])('keeps %s and %s apart', (cyrillic, latin) => {
    expect(crossKey(transliterationKey(cyrillic))).not.toBe(crossKey(transliterationKey(latin)))
  })

  it('agrees with the plain statement of the four steps on 5,000 random keys', () => {
    const alphabet = [...'abcegiostuvz', 'sgcg', 'tcg', 'cg', 'sg', 'zg', 'ts', 'io', 'au', '東']
    const random = prng(10)
    for (let n = 0; n < 5000; n++) {
      let key = ''
      const length = 1 + Math.floor(random() * 8)
      for (let i = 0; i < length; i++) key += alphabet[Math.floor(random() * alphabet.length)]
      expect({ key, cross: crossKey(key) }).toEqual({ key, cross: crossReference(key) })
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
