// Watches that think like the reader (issue #16): per language, what each rule catches and what
// it refuses, through matchQuery and through an index (the two must agree). The rules are stated
// with the same examples in docs/query-language.md.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, matchItem, matchQuery, type MatchInput } from '../../src/watch'
import type { MatchOptions } from '../../src/watch/compile'
import { matchInput } from './inputs'

type Row = [name: string, query: string, text: string, lang: string | undefined, expected: boolean]

function check(query: string, text: string, lang: string | undefined, options: MatchOptions = {}) {
  const item: MatchInput = matchInput({ content: text, lang })
  const alone = matchQuery(query, item, options) !== null
  const index = compileWatchIndex([{ id: 'w', query, options }])
  expect(matchItem(index, item).length === 1).toBe(alone)
  return alone
}

describe('English: contractions are two words', () => {
  it.each<Row>([
    ["hell refuses he'll", 'hell', "He'll be there", 'en', false],
    ['hell catches hell', 'hell', 'All hell broke loose', 'en', true],
    ["well refuses we'll", 'well', "We'll see", 'en', false],
    ['well catches well', 'well', 'All is well', 'en', true],
    ["-well keeps an item saying we'll", 'summit -well', "We'll attend the summit", 'en', true],
    ['-well still drops an item saying well', 'summit -well', 'The summit went well', 'en', false],
    ["were refuses we're", 'were', "We're ready", 'en', false],
    ["id refuses I'd", 'id', "I'd rather not", 'en', false],
    ["dont refuses don't", 'dont', "Don't panic", undefined, false],
    ["we'll as a query is the phrase of its parts", "we'll", 'We’ll see', 'en', true],
    ["we'll as a query refuses well", "we'll", 'All is well', 'en', false],
    ["he catches he'll", 'he', "He'll be there", 'en', true],
    ['oneill catches O’Neill', 'oneill', 'Statement by O’Neill', 'en', true],
    ["o'neill catches O'Neill", "o'neill", "Statement by O'Neill", 'en', true],
    ['neill catches O’Neill', 'neill', 'Statement by O’Neill', 'en', true],
    ['NATO’s still finds nato', 'nato', 'NATO’s summit', 'en', true],
  ])('%s', (_name, query, text, lang, expected) => {
    expect(check(query, text, lang)).toBe(expected)
  })
})

describe('French and Italian: elisions as before', () => {
  it.each<Row>([
    ['otan catches « l’Otan »', 'otan', 'Sommet de l’Otan', 'fr', true],
    ['armes catches « d’armes »', 'armes', 'livraisons d’armes', 'fr', true],
    ['il catches « qu’il »', 'il', 'qu’il vienne', 'fr', true],
    ['unione catches « dell’Unione »', 'unione', 'dell’Unione europea', 'it', true],
    ['aujourd’hui keeps its solid form', 'aujourdhui', 'aujourd’hui', 'fr', true],
  ])('%s', (_name, query, text, lang, expected) => {
    expect(check(query, text, lang)).toBe(expected)
  })
})

describe('numbers: a range is not a number', () => {
  it.each<Row>([
    ['46 refuses "4-6"', '46', 'temperatures of 4-6 degrees', 'en', false],
    ['24 refuses "2-4"', '24', 'a 2-4 defeat', 'en', false],
    ['4 catches "4-6"', '4', 'temperatures of 4-6 degrees', 'en', true],
    ['"4-6" as a query catches "4-6"', '4-6', 'temperatures of 4-6 degrees', 'en', true],
    ['"4-6" as a query refuses 46', '4-6', 'a score of 46', 'en', false],
    ['f16 catches "F-16"', 'f16', 'a fleet of F-16 jets', 'en', true],
    ['F-16 catches "F16"', 'F-16', 'a fleet of F16 jets', 'en', true],
    ['email catches "e-mail"', 'email', 'send an e-mail', 'en', true],
    ['covid19 catches "COVID-19"', 'covid19', 'COVID-19 cases', 'en', true],
  ])('%s', (_name, query, text, lang, expected) => {
    expect(check(query, text, lang)).toBe(expected)
  })
})

describe('CJK: digits inside a run are a word of their own', () => {
  it.each<Row>([
    ['200 catches 价格200元', '200', '价格200元', 'zh', true],
    ['价格 catches 价格200元', '价格', '价格200元', 'zh', true],
    ['价格200元 as a query catches itself', '价格200元', '商品价格200元', 'zh', true],
    ['2000 refuses 价格200元', '2000', '价格200元', 'zh', false],
    ['20 refuses 价格200元', '20', '价格200元', 'zh', false],
  ])('%s', (_name, query, text, lang, expected) => {
    expect(check(query, text, lang)).toBe(expected)
  })
})

describe('German: ue/oe/ae and ü/ö/ä are one letter, in German text', () => {
  it.each<Row>([
    ['muenchen catches München', 'muenchen', 'Wetter in München', 'de', true],
    ['münchen catches Muenchen', 'münchen', 'Wetter in Muenchen', 'de', true],
    ['fuer catches für', 'fuer', 'Hilfe für Kiew', 'de', true],
    ['koeln catches Köln', 'koeln', 'Karneval in Köln', 'de', true],
    ['aerzte catches Ärzte', 'aerzte', 'Ärzte streiken', 'de', true],
    ['"fuer die" catches « für die »', '"fuer die"', 'Hilfe für die Ukraine', 'de', true],
    ['munchen still catches München (accents fold)', 'munchen', 'Wetter in München', 'de', true],
    [
      'muenchen refuses München in an item of no language',
      'muenchen',
      'in München',
      undefined,
      false,
    ],
    ['muenchen refuses München in English text', 'muenchen', 'Weather in München', 'en', false],
    ['mueller refuses Müller in English text', 'mueller', 'Thomas Müller scored', 'en', false],
    ['mueller catches Müller in German text', 'mueller', 'Thomas Müller traf', 'de', true],
    ['blue refuses blü (a word-final ue is not ü)', 'blue', 'blü', 'de', false],
    ['neuen refuses neün (ue after a vowel is a diphthong)', 'neuen', 'die neün', 'de', false],
    ['quelle refuses qülle (never after q)', 'quelle', 'qülle', 'de', false],
    ['blue catches Blue', 'blue', 'Blue Origin startet', 'de', true],
    ['neün refuses neuen (the same rule read backwards)', 'neün', 'die neuen Regeln', 'de', false],
    ['blü refuses Blue', 'blü', 'Blue Origin startet', 'de', false],
    [
      'boeing refuses Bing (the umlaut reading needs an umlaut)',
      'boeing',
      'Suche bei Bing',
      'de',
      false,
    ],
    [
      'muenchen refuses Munchen (written without the umlaut)',
      'muenchen',
      'in Munchen',
      'de',
      false,
    ],
    ['boeing catches Boeing', 'boeing', 'Der Boeing-Konzern', 'de', true],
  ])('%s', (_name, query, text, lang, expected) => {
    expect(check(query, text, lang)).toBe(expected)
  })

  it('uses the feed’s language when the item has none', () => {
    const item = matchInput({ content: 'Wetter in München', feedLang: 'de-AT' })
    expect(matchQuery('muenchen', item)).not.toBeNull()
  })
})

type CrossRow = [
  name: string,
  query: string,
  text: string,
  lang: string | undefined,
  options: MatchOptions,
  expected: boolean,
]
const T: MatchOptions = { transliterate: true }
const ST: MatchOptions = { stem: true, transliterate: true }

describe('Russian and Ukrainian across scripts: transliteration and stemming compose', () => {
  it.each<CrossRow>([
    ['belgorod catches «Белгород»', 'belgorod', 'Обстрел: Белгород', 'ru', T, true],
    ['belgorod catches «Белгороде» (locative)', 'belgorod', 'Взрывы в Белгороде', 'ru', T, true],
    ['belgorod catches «Белгорода» (genitive)', 'belgorod', 'Жители Белгорода', 'ru', T, true],
    ['belgorod catches «Белгородом» (instrumental)', 'belgorod', 'Над Белгородом', 'ru', T, true],
    ['with stem as well, the same', 'belgorod', 'Взрывы в Белгороде', 'ru', ST, true],
    [
      'with stem, a Cyrillic query catches its inflections',
      'белгород',
      'в Белгороде',
      'ru',
      ST,
      true,
    ],
    [
      'kursk catches «Курске» in an item of no language',
      'kursk',
      'Взрыв в Курске',
      undefined,
      T,
      true,
    ],
    ['odesa catches «Одесі» (Ukrainian locative)', 'odesa', 'Вибухи в Одесі', 'uk', T, true],
    ['moskva catches «Москве»', 'moskva', 'Саммит в Москве', 'ru', T, true],
    ['ukraina catches «Украины»', 'ukraina', 'Президент Украины', 'ru', T, true],
    ['москве catches "Moskva"', 'москве', 'Summit in Moskva', 'en', T, true],
    [
      'rossiya refuses «роса» (too short a stem to compare)',
      'rossiya',
      'утренняя роса',
      'ru',
      T,
      false,
    ],
    ['kursk refuses «курс» (a consonant is not an ending)', 'kursk', 'курс рубля', 'ru', T, false],
    ['kharkov* catches «Харкові»', 'kharkov*', 'Вибухи у Харкові', 'uk', T, true],
    ['белгород catches "Belgorod’s"', 'белгород', 'Belgorod’s governor', 'en', T, true],
    ['белгороде catches "Belgorod" (the query stemmed)', 'белгороде', 'in Belgorod', 'en', T, true],
    ['курске catches "Kursk"', 'курске', 'Shelling in Kursk', 'en', T, true],
    [
      'belgorod refuses «Белгородской» (an adjective: use belgorod*)',
      'belgorod',
      'Белгородской области',
      'ru',
      T,
      false,
    ],
    ['belgorod* catches «Белгородской»', 'belgorod*', 'Белгородской области', 'ru', T, true],
    [
      'without the option, belgorod refuses «Белгороде»',
      'belgorod',
      'в Белгороде',
      'ru',
      {},
      false,
    ],
    [
      'transliteration alone stems only across scripts: weapon refuses weapons',
      'weapon',
      'new weapons',
      'en',
      T,
      false,
    ],
    [
      'transliteration alone: белгород refuses «Белгороде» (same script)',
      'белгород',
      'в Белгороде',
      'ru',
      T,
      false,
    ],
    ['a phrase composes too', '"belgorod region"', 'Belgorod region', 'en', T, true],
  ])('%s', (_name, query, text, lang, options, expected) => {
    expect(check(query, text, lang, options)).toBe(expected)
  })
})

describe('transliteration schemes news uses for Russian and Ukrainian names', () => {
  it.each<CrossRow>([
    ['BGN/PCGN: kharkiv catches «Харків»', 'kharkiv', 'Вибухи: Харків', 'uk', T, true],
    ['BGN/PCGN: yelets catches «Елец»', 'yelets', 'Город Елец', 'ru', T, true],
    ['BGN/PCGN: shchukin catches «Щукин»', 'shchukin', 'Музей Щукин', 'ru', T, true],
    [
      'Ukrainian national: zaporizhzhia catches «Запоріжжя»',
      'zaporizhzhia',
      'Запоріжжя',
      'uk',
      T,
      true,
    ],
    ['Ukrainian national: kyiv catches «Київ»', 'kyiv', 'Київ', 'uk', T, true],
    [
      'ISO 9 without diacritics (х = h): harkiv catches «Харків»',
      'harkiv',
      'Харків',
      'uk',
      T,
      true,
    ],
    ['French: kursk catches « Koursk »', 'kursk', 'Frappes sur Koursk', 'fr', T, true],
    ['French: koursk catches «Курск»', 'koursk', 'Взрыв: Курск', 'ru', T, true],
    [
      'French: chernobyl catches « Tchernobyl »',
      'chernobyl',
      'La centrale de Tchernobyl',
      'fr',
      T,
      true,
    ],
    ['French: zhitomir catches « Jitomir »', 'zhitomir', 'Frappes sur Jitomir', 'fr', T, true],
    [
      'French: путин catches « Poutine » (cross keys)',
      'путин',
      'Vladimir Poutine a dit',
      'fr',
      T,
      true,
    ],
    ['German: kharkiv catches "Charkiw"', 'kharkiv', 'Angriffe auf Charkiw', 'de', T, true],
    ['German: харків catches "Charkiw"', 'харків', 'Angriffe auf Charkiw', 'de', T, true],
    ['German: charkiw catches «Харків»', 'charkiw', 'Харків', 'uk', T, true],
    [
      'German: zelensky catches "Selenskyj"',
      'zelensky',
      'Präsident Selenskyj sagte',
      'de',
      T,
      true,
    ],
    ['German: shoigu catches "Schoigu"', 'shoigu', 'Minister Schoigu', 'de', T, true],
    ['German: chernobyl catches "Tschernobyl"', 'chernobyl', 'Das AKW Tschernobyl', 'de', T, true],
    [
      'German readings stay in German items: kharkiv refuses "Charkiw" in English',
      'kharkiv',
      'Charkiw',
      'en',
      T,
      false,
    ],
    [
      'French readings stay in French items: shostka refuses "Chostka" in German',
      'shostka',
      'Chostka',
      'de',
      T,
      false,
    ],
    ['French: shostka catches « Chostka »', 'shostka', 'Chostka', 'fr', T, true],
    [
      'ISO 9 without diacritics: cernigiv catches «Чернігів» (ч = c)',
      'cernigiv',
      'Чернігів',
      'uk',
      T,
      true,
    ],
    ['ISO 9: cernihiv catches «Чернігова» (genitive)', 'cernihiv', 'біля Чернігова', 'uk', T, true],
    ['ISO 9: zitomir catches «Житомир» (ж = z)', 'zitomir', 'Обстріл: Житомир', 'uk', T, true],
    ['ISO 9: sostka catches «Шостка» (ш = s)', 'sostka', 'Місто Шостка', 'uk', T, true],
    ['ISO 9: hrusev catches «Хрущёв» (щ = s)', 'hrusev', 'Никита Хрущёв', 'ru', T, true],
    ['ISO 9: doneck catches «Донецк» (ц = c)', 'doneck', 'Обстрел Донецка', 'ru', T, true],
    [
      'ISO 9 the other way: чернігів catches "Cernigiv"',
      'чернігів',
      'near Cernigiv',
      'en',
      T,
      true,
    ],
    [
      'ISO 9 stays across scripts: chernihiv refuses "Cernihiv"',
      'chernihiv',
      'Cernihiv',
      'en',
      T,
      false,
    ],
    ['ISO 9 stays across scripts: chat refuses "cat"', 'chat', 'a cat', 'en', T, false],
    ['ISO 9 stays across scripts: tsar refuses "car"', 'tsar', 'a car', 'en', T, false],
    ['Belarusian national: braslaŭ catches «Браслаў»', 'braslaŭ', 'Горад Браслаў', 'be', T, true],
    ['Belarusian: hrodna catches «Гродна» (г is h)', 'hrodna', 'Горад Гродна', 'be', T, true],
    ['Belarusian BGN/PCGN: braslaw catches «Браслаў» (ў = w)', 'braslaw', 'Браслаў', 'be', T, true],
    ['Belarusian BGN/PCGN: nyoman catches «Нёман» (ё = yo)', 'nyoman', 'Рака Нёман', 'be', T, true],
    ['Belarusian: браслаў catches "Braslaw"', 'браслаў', 'in Braslaw', 'en', T, true],
    ['Russian BGN/PCGN: pyotr catches «Пётр» (ё = yo)', 'pyotr', 'Пётр Первый', 'ru', T, true],
    ['Ukrainian і/о: kharkiv catches «Харкова»', 'kharkiv', 'біля Харкова', 'uk', T, true],
    ['Ukrainian і/о: kharkiv catches «Харкові»', 'kharkiv', 'Вибухи у Харкові', 'uk', T, true],
    ['Ukrainian і/о: kharkiv catches Russian «Харькове»', 'kharkiv', 'в Харькове', 'ru', T, true],
    ['Ukrainian і/о: lviv catches «Львова»', 'lviv', 'з Львова', 'uk', T, true],
    ['Ukrainian і/о: харків catches "Kharkov"', 'харків', 'Kharkov region', 'en', T, true],
    [
      'і/о only in a last closed syllable of 4+ letters: mir refuses «мер»',
      'mir',
      'мер города',
      'ru',
      T,
      false,
    ],
    [
      'і/о is not a consonant change: kharkiv refuses «Харківська»',
      'kharkiv',
      'Харківська область',
      'uk',
      T,
      false,
    ],
  ])('%s', (_name, query, text, lang, options, expected) => {
    expect(check(query, text, lang, options)).toBe(expected)
  })
})
