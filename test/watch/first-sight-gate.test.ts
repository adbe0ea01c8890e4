// The presearcher's first-sight gate (src/watch/first-sight-gate.ts) must never turn away a word
// that reaches a watch or a leaf: on random vocabularies of every script and reader rule, words
// near the index's strings (one letter more, one less, another last letter, inflected, written in
// the other script or as French and German write Russian names) get the same memos with the gate
// as without it. And a gate missing one filed string loses the word that reaches it, so those
// checks can fail. Seeded: a failure reproduces.
import { describe, expect, it } from 'vitest'
import { compileQuery, type CompiledQuery } from '../../src/watch/compile'
import { FirstSightGate, type GateSources } from '../../src/watch/first-sight-gate'
import { prepareItem } from '../../src/watch/item'
import { buildPresearcher, firstSightSources } from '../../src/watch/presearcher'
import { prefixFilters } from '../../src/watch/prefix-filter'
import { readerRules, type ReaderRules } from '../../src/watch/reader-rules'
import {
  crossKeyInto,
  prefixKeyInto,
  romanisePrefixes,
  transliterationKey,
} from '../../src/watch/transliterate'
import { MEMO_JOINS, ROW, STEM_MEMO, TERM_MEMO, lexicon } from '../../src/watch/word'
import { evaluate } from '../../src/watch/evaluate'
import { prng } from '../support/prng'

/** Letters (or syllables) each vocabulary's words are made of: every script and rule. */
const ALPHABETS: Record<string, string[]> = {
  latin: [...'abcdefghijklmnopqrstuvwxyz'],
  'latin, keys (h j w x y, doubles)': [...'aeiouhjwxykpsczt', 'kh', 'ph', 'ye', 'ss', 'tt'],
  'french readings': ['tch', 'ch', 'ou', 'j', 'k', 'r', 's', 'a', 'e', 'i', 'o', 'n', 'b'],
  'german readings': ['tsch', 'sch', 'ch', 'ss', 'z', 'sa', 'se', 'sy', 'w', 'j', 'a', 'e', 'r'],
  'russian cyrillic': [...'абвгдежзийклмнопрстуфхцчшщъыьэюя'],
  'ukrainian and belarusian cyrillic': [...'абвгґдеєжзиіїйклмнопрстуўфхцчшщьюя'],
  'cross spellings (iso 9, yo, u after a vowel)': ['c', 's', 'z', 'yo', 'au', 'iv', 'ov', 'ts'],
  'other scripts': [...'αβγδεζηθικλμνξοπρστυφχψω', ...'東京都大阪'],
  mixed: [...'abkмнoе', 'ch', 'щ'],
}

/** Endings that inflect a word on the item side (Russian, Ukrainian, French, English, German). */
const ENDINGS = ['a', 'e', 'u', 'om', 'ami', 's', 'es', 'ing', 'ов', 'ами', 'е', 'у', 'ой', 'і']
/** A Latin spelling for Cyrillic letters, to write vocabulary words in the other script. */
const TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'б',
  v: 'в',
  g: 'г',
  d: 'д',
  e: 'е',
  z: 'з',
  i: 'и',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  f: 'ф',
  h: 'х',
  c: 'ц',
  y: 'ы',
}
const LANGS = ['en', 'fr', 'de', 'ru', 'uk', 'es', undefined]

function vocabulary(letters: string[], random: () => number, size: number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  return Array.from({ length: size }, () => {
    const n = 2 + Math.floor(random() * 6)
    let w = ''
    for (let i = 0; i < n; i++) w += pick(letters)
    return w
  })
}

/** Watches on the vocabulary: terms, `*` wildcards, `?` patterns, with random options. */
function watches(words: string[], random: () => number): CompiledQuery[] {
  const out: CompiledQuery[] = []
  for (const word of words) {
    const chars = [...word]
    const r = random()
    let query = word
    if (r < 0.2 && chars.length > 3) {
      query = `${chars.slice(0, 3 + Math.floor(random() * (chars.length - 3))).join('')}*`
    } else if (r < 0.35 && chars.length > 2) {
      chars[Math.floor(random() * chars.length)] = '?'
      query = chars.join('')
    }
    const options = { stem: random() < 0.4, transliterate: random() < 0.5 }
    try {
      out.push(compileQuery(query, options))
    } catch {
      // A pattern the parser refuses (a `?` where a wildcard cannot have one): not a watch.
    }
  }
  return out
}

/** Item words near the vocabulary's: the words, and each changed as the gate's edges ask. */
function nearWords(words: string[], random: () => number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const out: string[] = []
  for (const word of words) {
    const chars = [...word]
    const key = transliterationKey(word)
    out.push(
      word,
      word + pick(ENDINGS),
      chars.slice(0, -1).join(''),
      chars.slice(0, -1).join('') + pick([...'aeiouxмн']),
      pick([...'abмн']) + word,
      key,
      key + pick(ENDINGS),
      [...key].map((c) => TO_CYRILLIC[c] ?? c).join(''),
      [...key].map((c) => TO_CYRILLIC[c] ?? c).join('') + pick(ENDINGS),
    )
  }
  return out.filter((w) => w !== '')
}

/**
 * What `presearcher` makes of an item of `words` in `lang`: whether each word joins leaves
 * (through its term, through its stem), and the watches that match. With the first-sight
 * filters off (the reference), every watch is evaluated; with them on, only the candidates.
 * (Which watches a word selects may differ: a filter may skip a lookup that only finds
 * candidates that cannot match, such as a plain watch term equal to the word's stem.)
 */
function outcome(
  presearcher: ReturnType<typeof buildPresearcher>,
  queries: CompiledQuery[],
  words: string[],
  lang: string | undefined,
  filters: boolean,
): { joins: number[]; matches: number[] } {
  const item = prepareItem({ content: words.join(' '), lang })
  // A bind that stems nothing leaves the stem memo alone: start from an empty one.
  for (const id of item.words) lexicon.rows[id * ROW + STEM_MEMO] = 0
  prefixFilters.on = filters
  let candidates: Int32Array
  try {
    candidates = presearcher.bind(item)
  } finally {
    prefixFilters.on = true
  }
  const joins = Array.from(
    item.words,
    (id) =>
      (lexicon.rows[id * ROW + TERM_MEMO]! & MEMO_JOINS) |
      ((lexicon.rows[id * ROW + STEM_MEMO]! & MEMO_JOINS) << 2),
  )
  const evaluated = filters ? Array.from(candidates) : queries.map((_, i) => i)
  return { joins, matches: evaluated.filter((i) => evaluate(queries[i]!.root, item)) }
}

function withRules<T>(rules: Partial<ReaderRules>, run: () => T): T {
  const before = { ...readerRules }
  Object.assign(readerRules, rules)
  try {
    return run()
  } finally {
    Object.assign(readerRules, before)
  }
}

describe('first-sight gate', () => {
  it.each(Object.keys(ALPHABETS))(
    'lets through every word that reaches something (%s)',
    (name) => {
      const random = prng(name.length * 7919 + 17)
      const words = vocabulary(ALPHABETS[name]!, random, 120)
      const queries = watches(words, random)
      const items = nearWords(words, random)
      const gated = buildPresearcher(queries)
      const open = buildPresearcher(queries)
      let joining = 0
      let matches = 0
      for (const lang of LANGS) {
        const expected = outcome(open, queries, items, lang, false)
        expect(outcome(gated, queries, items, lang, true)).toEqual(expected)
        joining += expected.joins.filter((f) => f !== 0).length
        matches += expected.matches.length
      }
      // The vocabulary exercises the gate: many words reach something, and most do not.
      expect(joining).toBeGreaterThan(20)
      expect(matches).toBeGreaterThan(50)
      const gate = new FirstSightGate(firstSightSources(gated)!)
      const units = (w: string) => Uint16Array.from(w, (c) => c.charCodeAt(0))
      const rejected = items.filter((w) => !gate.mayTerm(units(w), 0, w.length)).length
      if (name !== 'mixed') expect(rejected).toBeGreaterThan(items.length / 5)
    },
    30_000,
  )

  it.each<[string, Partial<ReaderRules>]>([
    ['cross spellings off', { crossSpellings: false }],
    ['readings off', { readings: false }],
    ['cross-script stems off', { crossScriptStems: false }],
  ])('lets them through with %s', (_, rules) => {
    withRules(rules, () => {
      const random = prng(4242)
      const letters = [...ALPHABETS['russian cyrillic']!, ...ALPHABETS['german readings']!]
      const words = vocabulary(letters, random, 120)
      const queries = watches(words, random)
      const items = nearWords(words, random)
      const gated = buildPresearcher(queries)
      const open = buildPresearcher(queries)
      for (const lang of LANGS) {
        const expected = outcome(open, queries, items, lang, false)
        expect(outcome(gated, queries, items, lang, true)).toEqual(expected)
      }
    })
  })

  const units = (w: string) => Uint16Array.from(w, (c) => c.charCodeAt(0))
  /** The gate of `queries`, and one built from the same strings less `drop` from `field`. */
  function gates(queries: CompiledQuery[], field: keyof GateSources, drop: string) {
    const sources = firstSightSources(buildPresearcher(queries))!
    const list = [...(sources[field] as Iterable<string | { prefix: string }>)]
    const without = list.filter((s) => (typeof s === 'string' ? s : s.prefix) !== drop)
    expect(without.length).toBeLessThan(list.length)
    return {
      full: new FirstSightGate(sources),
      less: new FirstSightGate({ ...sources, [field]: without }),
    }
  }

  it.each<
    [string, string, { stem?: boolean; transliterate?: boolean }, string, keyof GateSources, string]
  >([
    ['a term', 'belgorod', {}, 'belgorod', 'exact', 'belgorod'],
    ['a wildcard prefix', 'belg*', {}, 'belgorodka', 'starts', 'belg'],
    ['a `?` pattern', 'bel?orod', {}, 'belgorod', 'sized', 'bel'],
    ['a transliteration key', 'belgorod', { transliterate: true }, 'белгород', 'exact', 'belgorod'],
  ])('loses the word when the gate misses %s', (_, query, options, word, field, drop) => {
    const { full, less } = gates([compileQuery(query, options)], field, drop)
    expect(full.mayTerm(units(word), 0, word.length)).toBe(true)
    expect(less.mayTerm(units(word), 0, word.length)).toBe(false)
  })

  // A Cyrillic word reaches a Latin query word when the cross key of any of its prefixes (its
  // stem's, or its own) is that word's: each word here has one prefix, drawn at random, whose
  // cross key is filed, beside keys near it (another last letter, one more, one less).
  it("finds a Cyrillic word by any one prefix's cross key, on 4,000 random words", () => {
    const random = prng(2718)
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
    const letters = [...'абвгґдеєжзиіїйклмнопрстуўфхцчшщъыьэюя', 'ые', 'йо', 'ау', 'тс', 'кх']
    const toString = (u: Uint16Array, n: number) => String.fromCharCode(...u.subarray(0, n))
    let found = 0
    for (let k = 0; k < 4000; k++) {
      let word = ''
      for (let i = 1 + Math.floor(random() * 12); i > 0; i--) word += pick(letters)
      const src = units(word)
      const j = 1 + Math.floor(random() * word.length)
      romanisePrefixes(src, 0, word.length)
      const key = new Uint16Array(4 * word.length + 4)
      const cross = new Uint16Array(4 * word.length + 4)
      const m = prefixKeyInto(src, 0, j, key)
      const filed = toString(cross, crossKeyInto(key, 0, m, cross))
      if (filed === '' || filed.length > 31) continue
      const near = [
        filed.slice(0, -1) + pick([...'aeioubcdgz']),
        filed + pick([...'aeioubcdgz']),
        filed.slice(0, -1),
        filed.slice(0, -2) + 'zz',
      ].filter((s) => s !== filed && s !== '')
      const gate = new FirstSightGate({
        exact: [],
        starts: [],
        sized: [],
        open: false,
        keys: true,
        crossFromCyrillic: [],
        crossFromLatin: [filed, ...near],
        crossBases: null,
      })
      expect(gate.mayStem(src, 0, word.length, 'ru', undefined), `${word}: ${filed}`).toBe(true)
      found++
    }
    expect(found).toBeGreaterThan(3500)
  })

  it.each<[string, string, string, string | undefined, keyof GateSources, string]>([
    ['a French reading', 'kursk', 'koursk', 'fr', 'exact', 'kursk'],
    ['a German reading', 'charkow', 'charkow', 'de', 'exact', 'garkov'],
    [
      'a Latin cross key, for a Cyrillic word',
      'belgorod',
      'белгороде',
      'ru',
      'crossFromLatin',
      'belgorod',
    ],
    [
      'a Cyrillic cross key, for a Latin word',
      'белгород',
      'belgorodu',
      'en',
      'crossFromCyrillic',
      'belgorod',
    ],
    // kharkiv is not its own key (h), belgorodu is: the gate reads the latter's key in place.
    [
      'a Cyrillic cross key, for a Latin word with a key of its own',
      'харків',
      'kharkiv',
      'en',
      'crossFromCyrillic',
      'garkov',
    ],
  ])('loses the word when the gate misses %s', (_, query, word, lang, field, drop) => {
    const { full, less } = gates([compileQuery(query, { transliterate: true })], field, drop)
    expect(full.mayStem(units(word), 0, word.length, lang, undefined)).toBe(true)
    expect(less.mayStem(units(word), 0, word.length, lang, undefined)).toBe(false)
  })
})
