// Matching semantics per operator and per language, through matchQuery (src/watch/index.ts).
import { describe, expect, it } from 'vitest'
import {
  compileWatchIndex,
  matchItem,
  matchQuery,
  previewQuery,
  type MatchInput,
} from '../../src/watch'
import { wildcardRegExp, wildcardTest } from '../../src/watch/compile'
import { prng } from '../support/prng'
import { matchInput } from './inputs'

const item = (fields: Partial<MatchInput>): MatchInput =>
  matchInput(fields, { feedId: 'feed-1', feedTags: ['world'] })

type Row = [name: string, query: string, fields: Partial<MatchInput>, expected: boolean]

function check(query: string, fields: Partial<MatchInput>, expected: boolean, options = {}) {
  expect(matchQuery(query, item(fields), options) !== null).toBe(expected)
}

describe('the issue’s examples', () => {
  it.each<Row>([
    ['otan catches « l’Otan »', 'otan', { title: 'Sommet de l’Otan à Vilnius' }, true],
    [
      'armes catches « d’armes »',
      'armes',
      { content: 'des livraisons d’armes de facture belge' },
      true,
    ],
    [
      'a phrase matches across « d’armes »',
      '"armes de facture belge"',
      { content: 'des livraisons d’armes de facture belge' },
      true,
    ],
    [
      'hauptstrasse catches Hauptstraße',
      'hauptstrasse',
      { content: 'Unfall in der Hauptstraße' },
      true,
    ],
    ['елки catches «Ёлки»', 'елки', { title: '«Ёлки» вышли в прокат' }, true],
    [
      'title: ignores a body-only mention',
      'title:belgorod',
      { content: 'Shelling in Belgorod' },
      false,
    ],
    ['title: finds a title mention', 'title:belgorod', { title: 'Shelling in Belgorod' }, true],
    ['-football excludes', 'belgorod -football', { content: 'Belgorod football club wins' }, false],
    ['-football keeps others', 'belgorod -football', { content: 'Belgorod under fire' }, true],
    ['lang:fr filters out English', 'otan lang:fr', { title: 'OTAN', lang: 'en' }, false],
    ['lang:fr keeps French', 'otan lang:fr', { title: 'OTAN', lang: 'fr' }, true],
    ['lang:fr matches a regional tag', 'lang:fr', { lang: 'fr-CA' }, true],
    ['lang:fr falls back to the feed language', 'lang:fr', { feedLang: 'fr' }, true],
    ['site: matches a subdomain', 'site:example.com', { url: 'https://news.example.com/a' }, true],
    ['site: matches the host itself', 'site:example.com', { url: 'https://example.com/a' }, true],
    [
      'site: ignores look-alike hosts',
      'site:example.com',
      { url: 'https://badexample.com/' },
      false,
    ],
    ['белгород* catches «Белгороде»', 'белгород*', { content: 'Взрывы в Белгороде' }, true],
    ['Cyrillic phrase', '"белгородская область"', { content: 'Белгородская область, ночь' }, true],
    [
      'Cyrillic phrase needs the order',
      '"область белгородская"',
      { content: 'Белгородская область' },
      false,
    ],
  ])('%s', (_name, query, fields, expected) => check(query, fields, expected))
})

describe('operators', () => {
  const text = {
    title: 'Missile strike on Belgorod',
    content: 'Officials in Kursk reported drones.',
  }
  it.each<Row>([
    ['a term', 'belgorod', text, true],
    ['a missing term', 'kharkiv', text, false],
    ['implicit AND', 'belgorod kursk', text, true],
    ['implicit AND fails when one is missing', 'belgorod kharkiv', text, false],
    ['explicit AND', 'belgorod AND drones', text, true],
    ['OR', 'kharkiv OR kursk', text, true],
    ['| is OR', 'kharkiv | kursk', text, true],
    ['OR with neither', 'kharkiv OR odesa', text, false],
    ['NOT', 'belgorod NOT kursk', text, false],
    ['-term', 'belgorod -kharkiv', text, true],
    ['lowercase or is a word', 'belgorod or kursk', text, false],
    ['parentheses', '(kharkiv OR kursk) belgorod', text, true],
    ['NOT binds tighter than AND', 'NOT kharkiv belgorod', text, true],
    ['AND binds tighter than OR', 'kharkiv belgorod OR drones', text, true],
    ['AND binds tighter than OR (false)', 'kharkiv drones OR odesa', text, false],
    ['negated group', 'belgorod -(kursk OR odesa)', text, false],
    ['pure negation matches what lacks the term', '-football', text, true],
    ['trailing wildcard', 'belg*', text, true],
    ['wildcard needs the prefix', 'kharkiv*', text, false],
    ['? is one character', 'kur?k', text, true],
    ['? is exactly one character', 'ku?k', text, false],
    ['? and * together', 'dr?ne*', text, true],
    ['phrase', '"missile strike"', text, true],
    ['phrase order matters', '"strike missile"', text, false],
    ['NEAR within distance', 'officials NEAR/2 reported', text, true],
    ['NEAR either order', 'reported NEAR/2 officials', text, true],
    ['NEAR too far', 'officials NEAR/1 drones', text, false],
    ['NEAR/0 means adjacent', 'kursk NEAR/0 reported', text, true],
    ['ONEAR in order', 'officials ONEAR/3 drones', text, true],
    ['ONEAR reversed', 'drones ONEAR/3 officials', text, false],
    ['NEAR never crosses fields', 'belgorod NEAR/10 officials', text, false],
    ['NEAR with a phrase operand', '"missile strike" NEAR/1 belgorod', text, true],
    ['NEAR with an OR operand', '(odesa OR missile) NEAR/1 strike', text, true],
    ['NEAR with a wildcard operand', 'offic* NEAR/3 drone*', text, true],
    ['field on a group', 'title:(kursk OR belgorod)', text, true],
    ['field on a group (false)', 'content:(missile OR belgorod)', text, false],
    ['summary: field', 'summary:belgorod', text, false],
    ['text: is title, summary and content', 'text:kursk', text, true],
    ['field on a phrase', 'title:"strike on belgorod"', text, true],
  ])('%s: %s', (_name, query, fields, expected) => check(query, fields, expected))
})

describe('metadata fields', () => {
  const meta = {
    title: 'Zelensky visits',
    author: 'Jean-Pierre Dupont',
    categories: ['Politique', 'Europe de l’Est'],
    url: 'https://www.lemonde.fr/international/article/2026/kyiv-visit',
    feedId: 'lemonde',
    feedTags: ['press', 'fr'],
  }
  it.each<Row>([
    ['author: term', 'author:dupont', meta, true],
    ['author: hyphenated', 'author:jean-pierre', meta, true],
    ['author: does not look in the text', 'author:zelensky', meta, false],
    ['category: term', 'category:politique', meta, true],
    ['category: elided word', 'category:est', meta, true],
    ['category: phrase within one category', 'category:"europe de l’est"', meta, true],
    ['category: phrase never spans categories', 'category:"politique europe"', meta, false],
    ['url: word', 'url:kyiv', meta, true],
    ['site: parent domain', 'site:lemonde.fr', meta, true],
    ['site: with a scheme typed', 'site:https://lemonde.fr', meta, true],
    ['site: other domain', 'site:lefigaro.fr', meta, false],
    ['feed: id', 'feed:lemonde', meta, true],
    ['feed: tag', 'feed:press', meta, true],
    ['feed: unknown', 'feed:bbc', meta, false],
    ['feed: group', 'feed:(bbc OR press)', meta, true],
  ])('%s: %s', (_name, query, fields, expected) => check(query, fields, expected))
})

describe('languages and normalisation', () => {
  it.each<Row>([
    ['French accents folded', 'etat', { content: 'L’État français' }, true],
    ['accented query on plain text', 'état', { content: 'l etat' }, true],
    ['French œ ligature', 'coeur', { content: 'Au cœur de Paris' }, true],
    ['qu’ elision', 'il', { content: 'qu’il' }, true],
    ['jusqu’ elision', 'aujourd’hui', { content: 'jusqu’aujourd’hui' }, true],
    ['German ß', 'strasse', { content: 'Die Straße' }, true],
    ['German umlaut folded', 'muller', { content: 'Thomas Müller' }, true],
    ['Polish ł', 'lodz', { content: 'w Łodzi i Łódź' }, true],
    ['Russian й is not и', 'маи', { content: 'май' }, false],
    ['Russian ё query finds е text', 'ёлки', { content: 'елки' }, true],
    ['Ukrainian ї kept', 'київ', { content: 'Київ' }, true],
    ['Greek accents', 'αθηνα', { content: 'στην Αθήνα' }, true],
    ['Greek final sigma', 'κοσμοσ', { content: 'ΚΌΣΜΟΣ' }, true],
    ['Arabic', 'الخارجية', { content: 'وزير الخارجية' }, true],
    ['Arabic without harakat', 'محمد', { content: 'مُحَمَّد' }, true],
    ['Hebrew', 'הממשלה', { content: 'ראש הממשלה' }, true],
    ['Japanese bigram word', '東京', { content: '東京都知事' }, true],
    ['Chinese phrase by bigrams', '北京大学', { content: '他在北京大学读书' }, true],
    ['Chinese non-contiguous', '北京大学', { content: '北京的大学' }, false],
    ['English possessive', 'nato', { content: "NATO's summit" }, true],
    ['hyphenated: parts', 'pierre', { content: 'Jean-Pierre' }, true],
    ['hyphenated: as a phrase', 'jean-pierre', { content: 'Jean-Pierre' }, true],
    ['hyphenated query finds spaced text', 'jean-pierre', { content: 'Jean Pierre' }, true],
    ['hyphenated query finds solid text', 'e-mail', { content: 'email' }, true],
    ['numbers are terms', '2024', { content: 'In 2024, elections' }, true],
    ['alphanumeric', 'f-16', { content: 'delivered F-16 jets' }, true],
    ['curly quote variants unify', 'l‘otan', { content: 'l’OTAN' }, true],
  ])('%s: %s', (_name, query, fields, expected) => check(query, fields, expected))
})

describe('stemming (opt-in)', () => {
  it.each<Row>([
    ['French plural', 'armement', { content: 'les armements', lang: 'fr' }, true],
    ['French verb forms', 'livrer', { content: 'ils livraient', lang: 'fr' }, true],
    ['English plural', 'weapon', { content: 'new weapons', lang: 'en' }, true],
    ['English -ing', 'strike', { content: 'striking targets', lang: 'en-GB' }, true],
    ['German', 'haus', { content: 'die Häuser', lang: 'de' }, true],
    ['Russian case endings', 'белгород', { content: 'в Белгороде', lang: 'ru' }, true],
    [
      'feed language used when the item has none',
      'armement',
      { content: 'armements', feedLang: 'fr' },
      true,
    ],
    ['no language, no stemming', 'armement', { content: 'armements' }, false],
    ['stemmed phrase', '"livraison arme"', { content: 'livraisons d’armes', lang: 'fr' }, true],
  ])('%s: %s', (_name, query, fields, expected) => check(query, fields, expected, { stem: true }))

  it('is off unless the watch opts in', () => {
    check('armement', { content: 'les armements', lang: 'fr' }, false)
  })
})

describe('transliteration (opt-in)', () => {
  it.each<Row>([
    ['Latin query, Cyrillic text', 'belgorod', { content: 'Белгород' }, true],
    ['Cyrillic query, Latin text', 'белгород', { content: 'Belgorod' }, true],
    ['Ukrainian ї ↔ yi', 'kyiv', { content: 'Київ' }, true],
    ['Russian Киев ↔ Kiev', 'kiev', { content: 'Киев' }, true],
    ['kh ↔ х, and Ukrainian и', 'kharkiv', { content: 'Харків' }, true],
    ['Russian Харьков', 'kharkov', { content: 'Харьков' }, true],
    ['ye ↔ е at the start', 'yeltsin', { content: 'Ельцин' }, true],
    ['ya ↔ я', 'yanukovych', { content: 'Янукович' }, true],
    ['shch ↔ щ', 'khrushchev', { content: 'Хрущев' }, true],
    ['-iy ↔ -ий', 'dmitriy', { content: 'Дмитрий' }, true],
    ['wildcard across scripts', 'belgorod*', { content: 'в Белгороде' }, true],
    ['phrase across scripts', '"belgorodskaya oblast"', { content: 'Белгородская область' }, true],
    ['different names stay different', 'moskva', { content: 'Минск' }, false],
  ])('%s: %s', (_name, query, fields, expected) =>
    check(query, fields, expected, { transliterate: true }),
  )

  it('is off unless the watch opts in', () => {
    check('belgorod', { content: 'Белгород' }, false)
  })
})

describe('NEAR over many occurrences', () => {
  /** Words at positions 0..n-1: `drone` and `strike` sprinkled over filler, sparsely or densely. */
  function text(random: () => number, n: number, share: number): string[] {
    return Array.from({ length: n }, () => {
      const r = random()
      return r < share ? 'drone' : r < 2 * share ? 'strike' : 'filler'
    })
  }

  /** Every pair, the way the language defines NEAR/n and ONEAR/n. */
  function near(words: string[], distance: number, ordered: boolean): boolean {
    for (let i = 0; i < words.length; i++) {
      if (words[i] !== 'drone') continue
      for (let j = 0; j < words.length; j++) {
        if (words[j] !== 'strike') continue
        if (j > i && j - i - 1 <= distance) return true
        if (!ordered && i > j && i - j - 1 <= distance) return true
      }
    }
    return false
  }

  it.each(Array.from({ length: 40 }, (_, seed) => seed))(
    'agrees with checking every pair (seed %i)',
    (seed) => {
      const random = prng(seed)
      // Sparse enough that some texts have no pair within reach, with 20-60 of each word.
      const words = text(random, 2000, 0.01 + random() * 0.02)
      const distance = Math.floor(random() * 4)
      for (const ordered of [false, true]) {
        const query = `drone ${ordered ? 'ONEAR' : 'NEAR'}/${distance} strike`
        const got = matchQuery(query, item({ content: words.join(' ') })) !== null
        expect(got).toBe(near(words, distance, ordered))
      }
    },
  )

  it('bounds the explanation of two words that occur everywhere', () => {
    const content = Array.from({ length: 3000 }, (_, i) => (i % 2 ? 'drone' : 'strike')).join(' ')
    const result = matchQuery('drone NEAR/100 strike', item({ content }))!
    expect(result.terms).toEqual(['drone', 'strike'])
    expect(result.hits.length).toBeGreaterThan(0)
    expect(result.hits.length).toBeLessThanOrEqual(2000)
  })
})

describe('one compiled wildcard over successive items', () => {
  // A wildcard remembers the words it matched in the item it saw last (evaluate.ts): each new
  // item must be matched afresh, in every field, by pattern and by transliteration key.
  it('matches and explains each item on its own words', () => {
    const results = previewQuery(
      'title:belgorod* OR summary:bel?orod*',
      [
        { title: 'Belgorodskaya oblast', summary: 'nothing here' },
        { title: 'nothing here', summary: 'nothing here' },
        { title: 'nothing', summary: 'in Belgorode today' },
        { title: 'Белгороде', summary: 'Belgorod' },
        { title: 'Belgorod again', summary: 'Belgorod again' },
      ],
      { transliterate: true },
    )
    expect(results.map((r) => r.matched)).toEqual([true, false, true, true, true])
    expect(results.map((r) => r.hits.map((h) => `${h.field}:${h.start}-${h.end}`))).toEqual([
      ['title:0-13'],
      [],
      ['summary:3-12'],
      ['summary:0-8', 'title:0-9'],
      ['summary:0-8', 'title:0-8'],
    ])
  })

  it('gives the same answers through an index as one query at a time', () => {
    const index = compileWatchIndex([
      { id: 'w', query: 'белгород* -kursk*', options: { transliterate: true } },
    ])
    const items = ['Belgorodskaya', 'Kursk Belgorod', 'Белгороде', 'nothing', 'belgorod']
    for (const content of items) {
      const fields = item({ content })
      const viaIndex = matchItem(index, fields).map((m) => m.explanation)
      const single = matchQuery('белгород* -kursk*', fields, { transliterate: true })
      expect(viaIndex).toEqual(single ? [single] : [])
    }
  })
})

describe('a `?` pattern read in place', () => {
  // wildcardTest reads patterns whose pieces have no surrogate unit without a RegExp
  // (compile.ts's fitsPieces): it must answer as the RegExp does, on every term.
  const units = ['a', 'b', 'é', 'ж', '東', '😀', '\ud83d', '\ude00', '\n', '\u2028', '?', '.']
  const draw = (random: () => number, max: number) =>
    Array.from(
      { length: Math.floor(random() * (max + 1)) },
      () => units[Math.floor(random() * units.length)]!,
    ).join('')

  it('answers as the RegExp on random pieces and terms', () => {
    const random = prng(1515)
    let inPlace = 0
    let fits = 0
    for (let round = 0; round < 4000; round++) {
      const pieces = Array.from({ length: 2 + Math.floor(random() * 3) }, () => draw(random, 2))
      const star = random() < 0.5
      const test = wildcardTest(pieces, star)
      const re = wildcardRegExp(pieces, star)
      if (!/[\ud800-\udfff]/.test(pieces.join(''))) inPlace++
      for (let t = 0; t < 8; t++) {
        // Terms built from the pattern itself, so that many fit, and random ones.
        const term =
          t % 2 === 0
            ? pieces.map((p, k) => (k === 0 ? '' : draw(random, 1)) + p).join('') + draw(random, 1)
            : draw(random, 7)
        const expected = re.test(term)
        if (expected) fits++
        expect(test(term), `${JSON.stringify(pieces)} ${star} ${JSON.stringify(term)}`).toBe(
          expected,
        )
      }
    }
    // Both paths ran, and on terms that fit as well as terms that do not.
    expect(inPlace).toBeGreaterThan(1000)
    expect(inPlace).toBeLessThan(4000)
    expect(fits).toBeGreaterThan(3000)
  })
})
