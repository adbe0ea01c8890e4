// Synthetic corpus for bench/watch.bench.ts: seeded news-like articles (~300 words) in English,
// French, German and Russian, and watches mixing every operator. Not a test fixture: figures only.
import { prng } from '../test/support/prng'

export { prng }

const VOCABULARIES: Record<string, string> = {
  en: `the of and to in a is for on that with as by at from it was are this an be has have said
    government minister president election parliament vote party opposition coalition budget
    tax economy inflation growth market bank interest rates prices energy gas oil electricity
    climate emissions summit talks agreement treaty sanctions trade exports imports tariffs
    war army troops soldiers missile missiles drone drones strike strikes attack attacks
    border ceasefire negotiations refugees humanitarian aid police court judge trial prison
    investigation report officials spokesman statement announced confirmed denied according
    city region capital village residents hospital school university students teachers
    health doctors patients vaccine virus outbreak company shares profits workers strike union
    technology software data privacy security cyber hackers network company chips factory
    weapons military defence alliance Belgorod Kursk Kharkiv Kyiv Moscow Brussels Paris Berlin
    London Washington NATO's Europe's union's week month year today yesterday Monday Tuesday`,
  fr: `le la les de des du un une et en à au aux pour par sur dans est que qui ne pas plus
    gouvernement ministre président élection élections parlement vote parti opposition budget
    impôt économie inflation croissance marché banque taux prix énergie gaz pétrole électricité
    climat émissions sommet négociations accord traité sanctions commerce exportations
    guerre armée troupes soldats missile missiles drone drones frappe frappes attaque attaques
    frontière cessez-le-feu réfugiés aide humanitaire police tribunal juge procès prison
    enquête rapport responsables porte-parole déclaration annoncé confirmé démenti selon
    ville région capitale village habitants hôpital école université étudiants enseignants
    santé médecins patients vaccin virus épidémie entreprise actions bénéfices salariés grève
    syndicat technologie logiciel données sécurité armes armement armements livraison
    livraisons l’Otan l’Europe d’armes d’Ukraine qu’il aujourd’hui Belgorod Koursk Kharkiv
    Kyiv Moscou Bruxelles Paris Berlin Londres semaine mois année lundi mardi cœur État`,
  de: `der die das und in den von zu mit ist im für auf ein eine des dem nicht sich auch
    Regierung Minister Präsident Wahl Wahlen Parlament Abstimmung Partei Opposition Haushalt
    Steuer Wirtschaft Inflation Wachstum Markt Bank Zinsen Preise Energie Gas Öl Strom
    Klima Emissionen Gipfel Verhandlungen Abkommen Vertrag Sanktionen Handel Exporte Zölle
    Krieg Armee Truppen Soldaten Rakete Raketen Drohne Drohnen Angriff Angriffe Grenze
    Waffenruhe Flüchtlinge Hilfe Polizei Gericht Richter Prozess Gefängnis Ermittlungen
    Bericht Behörden Sprecher Erklärung angekündigt bestätigt dementiert laut Stadt Region
    Hauptstadt Dorf Einwohner Krankenhaus Schule Universität Studenten Lehrer Gesundheit
    Ärzte Patienten Impfstoff Virus Ausbruch Unternehmen Aktien Gewinne Arbeiter Streik
    Gewerkschaft Technologie Software Daten Sicherheit Waffen Hauptstraße Straße Häuser
    Belgorod Kursk Charkiw Kiew Moskau Brüssel Paris Berlin London Woche Monat Jahr Montag`,
  ru: `и в на с по не что как к из за о от для это он она они был была были также уже
    правительство министр президент выборы парламент голосование партия оппозиция бюджет
    налог экономика инфляция рост рынок банк ставки цены энергия газ нефть электричество
    климат выбросы саммит переговоры соглашение договор санкции торговля экспорт пошлины
    война армия войска солдаты ракета ракеты беспилотник беспилотники удар удары атака
    граница перемирие беженцы помощь полиция суд судья процесс тюрьма расследование
    доклад власти представитель заявление объявил подтвердил опроверг согласно город
    область столица село жители больница школа университет студенты учителя здоровье
    врачи пациенты вакцина вирус вспышка компания акции прибыль рабочие забастовка
    профсоюз технологии данные безопасность оружие Белгород Белгороде Белгородской Курск
    Курске Харьков Киев Москва Москве Брюссель Париж Берлин Лондон неделя месяц год Ёлки`,
}

/** Syllables for the long tail of each vocabulary: names, places and rare words. */
const SYLLABLES: Record<string, string[]> = {
  en: `ar ber cal den fer gan hol ing ton man ster well ford ley bridge wick ham shire ash bel
    cor dun el fitz gil har kel lin mor nor pel quin ros sal tal ul ver win yor zel`.split(/\s+/),
  fr: `bou char mont ville lac roche fon tain eau ier ette val bois cour mar sau lieu beau
    cha de gre lan mou neu pi que ro sa tou vi bri clo dru gau jo lu mi`.split(/\s+/),
  de: `berg burg dorf stein bach feld hau sen wald brück heim au lin ger mann kirch alt
    bre dor eck fal gru hof kra lau mei not ost rei schw tan uhl vog wei zim`.split(/\s+/),
  ru: `ов ев ин ско град бор мир слав рос вол дон кам ник туш ель гор вск ан бел вер
    дуб жук зар кос лип мох нар пол ряб сос тих фед хол чер шуб щук юр яр`.split(/\s+/),
}
/** Real news vocabularies have tens of thousands of words; watches mostly name rare ones. */
const TAIL_WORDS = 30_000

export const LANGUAGES = Object.keys(VOCABULARIES)
const WORDS: Record<string, string[]> = Object.fromEntries(
  Object.entries(VOCABULARIES).map(([lang, text]) => {
    const random = prng(lang.charCodeAt(0) * 31 + lang.charCodeAt(1))
    const syllables = SYLLABLES[lang]!
    const tail = Array.from({ length: TAIL_WORDS }, () => {
      const n = 3 + Math.floor(random() * 2)
      let w = ''
      for (let i = 0; i < n; i++) w += syllables[Math.floor(random() * syllables.length)]
      return w
    })
    return [lang, [...text.split(/\s+/).filter(Boolean), ...tail]]
  }),
)

export interface BenchArticle {
  title: string
  summary: string
  content: string
  url: string
  categories: string[]
  lang: string
  feedId: string
  feedTags: string[]
}

/**
 * How article words are drawn from each language's list (function words first, then the
 * hand-written news words, then the long synthetic tail):
 * - `zipf`: Zipf's law (rank r drawn with probability ∝ 1 / (r + 2.7), Mandelbrot's form), as
 *   in real text: the 150 commonest words make about half of all words, and a 300-word article
 *   has ~200 distinct words.
 * - `long-tail`: rank ⌊n·u³⌋ for uniform u, a stress test: only ~1 word in 6 comes from the head,
 *   so nearly every word of an article is distinct and most are rare (~95 % distinct).
 */
export type Distribution = 'zipf' | 'long-tail'

export function makeArticles(
  count: number,
  random: () => number,
  distribution: Distribution = 'long-tail',
): BenchArticle[] {
  const draw = distribution === 'zipf' ? drawZipf(random) : drawLongTail(random)
  const sentence = (list: string[], n: number) => {
    const words = Array.from({ length: n }, () => draw(list))
    return words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.'
  }
  return Array.from({ length: count }, (_, i) => {
    const lang = LANGUAGES[i % LANGUAGES.length]!
    const list = WORDS[lang]!
    const paragraphs: string[] = []
    let words = 0
    while (words < 290) {
      const n = 8 + Math.floor(random() * 18)
      paragraphs.push(sentence(list, n))
      words += n
    }
    return {
      title: sentence(list, 8),
      summary: sentence(list, 20),
      content: paragraphs.join(' '),
      url: `https://${['news', 'www', 'www'][i % 3]}.site${i % 20}.example/${lang}/${i}`,
      categories: [draw(list), draw(list)],
      lang,
      feedId: `feed${i % 50}`,
      feedTags: [lang],
    }
  })
}

function drawLongTail(random: () => number): (list: string[]) => string {
  return (list) => list[Math.floor(list.length * random() ** 3)]!
}

const ZIPF_Q = 2.7

/** Inverse of the continuous Zipf–Mandelbrot CDF (s = 1): ln((r + q) / q) / ln((n + q) / q). */
function drawZipf(random: () => number): (list: string[]) => string {
  return (list) => {
    const r = ZIPF_Q * Math.exp(random() * Math.log((list.length + ZIPF_Q) / ZIPF_Q)) - ZIPF_Q
    return list[Math.min(list.length - 1, Math.floor(r))]!
  }
}

/** Roughly the hand-written news vocabulary at the head of each list. */
const HEAD_WORDS = 150
/** Share of watch words drawn from that head (the rest are rare words). */
const COMMON_WORD_SHARE = 0.01

export interface BenchWatch {
  id: string
  query: string
  options?: { stem?: boolean; transliterate?: boolean }
}

export function makeWatches(count: number, random: () => number): BenchWatch[] {
  // Watches name topics: mostly rare words (names, places), sometimes an everyday news word
  // (which then matches most articles of its language, as "government" would).
  const word = () => {
    const list = WORDS[LANGUAGES[Math.floor(random() * LANGUAGES.length)]!]!
    if (random() < COMMON_WORD_SHARE) return list[20 + Math.floor(random() * (HEAD_WORDS - 20))]!
    return list[HEAD_WORDS + Math.floor(random() * (list.length - HEAD_WORDS))]!
  }
  const plain = () => {
    for (;;) {
      const w = word()
      if (/^[\p{L}]{5,}$/u.test(w)) return w
    }
  }
  const shapes: Array<() => string> = [
    () => word(),
    () => `${word()} ${word()}`,
    () => `"${word()} ${word()}"`,
    () => `${plain().slice(0, -2)}*`,
    () => `${word()} OR ${word()} OR ${word()}`,
    () => `(${word()} | ${word()}) ${word()}`,
    () => `${word()} -${word()}`,
    () => `${word()} NEAR/5 ${word()}`,
    () => `${word()} ONEAR/3 ${word()}`,
    () => `title:${word()}`,
    () => `title:(${word()} OR ${word()}) lang:${LANGUAGES[Math.floor(random() * 4)]}`,
    () => `${word()} site:site${Math.floor(random() * 20)}.example`,
    () => `-${word()} feed:feed${Math.floor(random() * 50)}`,
    () => {
      const w = plain()
      return `${w.slice(0, 3)}?${w.slice(4)}`
    },
  ]
  return Array.from({ length: count }, (_, i) => {
    const r = random()
    const options = r < 0.1 ? { stem: true } : r < 0.15 ? { transliterate: true } : undefined
    return { id: `w${i}`, query: shapes[Math.floor(random() * shapes.length)]!(), options }
  })
}
