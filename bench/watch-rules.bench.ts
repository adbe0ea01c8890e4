// `npm run bench watch-rules`: how many matches each reader rule of issue #16 adds and removes
// (src/watch/reader-rules.ts), so that a rule costing more precision than it brings in recall
// shows. Each rule is switched off in turn and every (watch, article) match compared with all
// rules on. Prints counts; never fails on them.
//
// The corpus: the watch bench's articles and watches (bench/watch-corpus.ts: 1,000 articles in
// en/fr/de/ru, 10,000 watches), which hold almost none of the cases the rules are about (its
// words are single and synthetic), so each article also gets, one time in two, one to three
// sentences of its language written with them (contractions, ranges, German spellings, inflected
// Russian names, words a rule must not catch), and the watches include the reader's queries below.
import { compileWatchIndex, matchItem, type WatchSpec } from '../src/watch'
import { readerRules, type ReaderRules } from '../src/watch/reader-rules'
import { makeArticles, makeWatches, prng, type BenchArticle } from './watch-corpus'

const ARTICLES = 1000
const WATCHES = 10_000
const SEED = 1_600_000

/** Sentences a reader meets, per language, with the cases the rules are about. */
const SENTENCES: Record<string, string[]> = {
  en: [
    "He'll visit Kyiv next week.",
    "We'll see what the summit brings.",
    "We're ready, officials said.",
    "I'd rather wait, the minister said.",
    "Don't expect a ceasefire.",
    'All is well in the capital.',
    'Temperatures of 4-6 degrees are expected.',
    'The club lost 2-4 at home.',
    'A score of 46 points.',
    'A fleet of F-16 jets arrived.',
    "Send an e-mail to O'Neill.",
    "Belgorod's governor spoke.",
    'The summit in Moskva ended.',
    'Thomas Müller scored twice.',
    'Robert Mueller testified.',
    'Blue Origin launched a rocket.',
    'Fighting near Cernihiv and Doneck.',
    'A cat and a car.',
    'Trip to Braslaw.',
  ],
  fr: [
    'Sommet de l’Otan à Vilnius.',
    'La centrale de Tchernobyl.',
    'Vladimir Poutine a parlé.',
    'Tour de France à Jitomir.',
    'Il a dit qu’il viendrait.',
    'Des frappes sur Koursk.',
    'Des températures de 4-6 degrés.',
    'Livraisons d’armes à l’Ukraine.',
  ],
  de: [
    'Wetter in München.',
    'Stau in Muenchen.',
    'Hilfe für die Ukraine.',
    'Geld fuer die Ukraine.',
    'Karneval in Köln.',
    'Thomas Müller traf.',
    'Blue Origin startet.',
    'Die neuen Regeln gelten.',
    'Angriffe auf Charkiw.',
    'Präsident Selenskyj sagte.',
    'Sankt Petersburg und Sachsen.',
  ],
  uk: [
    'Обстріл Чернігова.',
    'Вибухи у Харкові.',
    'Біля Харкова.',
    'Поїзд зі Львова.',
    'Місто Шостка.',
    'Обстріл: Житомир.',
  ],
  be: ['Горад Браслаў.', 'Рака Нёман.', 'Горад Гродна.'],
  ru: [
    'Взрывы в Белгороде.',
    'Жители Белгорода.',
    'Белгородской области.',
    'Саммит в Москве.',
    'Президент Украины.',
    'Взрыв в Курске.',
    'Курс рубля упал.',
    'Утренняя роса.',
    'Мер города сказал.',
    'Пётр Первый.',
    'Обстрел Донецка.',
  ],
}

const T = { transliterate: true }
const ST = { stem: true, transliterate: true }

/** The reader's queries: what each rule is meant to catch, and the traps it must avoid. */
const READER_WATCHES: Array<Omit<WatchSpec, 'id'>> = [
  { query: 'hell' },
  { query: 'well' },
  { query: 'were' },
  { query: 'id' },
  { query: 'dont' },
  { query: 'summit -well' },
  { query: '46' },
  { query: '24' },
  { query: 'f16' },
  { query: 'email' },
  { query: 'oneill' },
  { query: 'muenchen' },
  { query: 'münchen' },
  { query: 'fuer' },
  { query: 'koeln' },
  { query: 'mueller' },
  { query: 'blue' },
  { query: 'neün' },
  { query: 'belgorod', options: T },
  { query: 'belgorod', options: ST },
  { query: 'moskva', options: T },
  { query: 'ukraina', options: T },
  { query: 'kursk', options: T },
  { query: 'rossiya', options: T },
  { query: 'белгород', options: T },
  { query: 'москве', options: T },
  { query: 'charkiw', options: T },
  { query: 'kharkiv', options: T },
  { query: 'chernobyl', options: T },
  { query: 'zelensky', options: T },
  { query: 'путин', options: T },
  { query: 'tour', options: T },
  { query: 'sankt', options: T },
  { query: 'zankt', options: T },
  { query: 'cernihiv', options: T },
  { query: 'chernihiv', options: T },
  { query: 'lviv', options: T },
  { query: 'zitomir', options: T },
  { query: 'sostka', options: T },
  { query: 'doneck', options: T },
  { query: 'донецк', options: T },
  { query: 'braslaw', options: T },
  { query: 'nyoman', options: T },
  { query: 'pyotr', options: T },
  { query: 'mir', options: T },
  { query: 'chat', options: T },
  { query: 'tsar', options: T },
]

function withSentences(articles: BenchArticle[], random: () => number): BenchArticle[] {
  return articles.map((a) => {
    if (random() < 0.5) return a
    // A third of the Russian ones become short Ukrainian or Belarusian items: the corpus has
    // neither language.
    const other = a.lang === 'ru' && random() < 1 / 3 ? (random() < 0.7 ? 'uk' : 'be') : undefined
    const list = SENTENCES[other ?? a.lang] ?? []
    const n = 1 + Math.floor(random() * 3)
    const extra = Array.from({ length: n }, () => list[Math.floor(random() * list.length)]!)
    if (other) return { ...a, lang: other, title: extra[0]!, summary: '', content: extra.join(' ') }
    return { ...a, content: `${a.content} ${extra.join(' ')}` }
  })
}

/** Every match as `watch index` → article indices. */
function matches(watches: WatchSpec[], articles: BenchArticle[]): Set<string> {
  const index = compileWatchIndex(watches)
  const out = new Set<string>()
  articles.forEach((article, k) => {
    for (const { watchId } of matchItem(index, article)) out.add(`${watchId} ${k}`)
  })
  return out
}

const random = prng(SEED)
const articles = withSentences(makeArticles(ARTICLES, prng(SEED + 1)), random)
const watches: WatchSpec[] = [
  ...makeWatches(WATCHES, prng(WATCHES)),
  ...READER_WATCHES.map((w, i) => ({ ...w, id: `r${i}` })),
]
const queryOf = new Map(watches.map((w) => [w.id, w]))

const all = matches(watches, articles)
const readerCount = [...all].filter((m) => m.startsWith('r')).length
console.log(
  `${ARTICLES} articles (about half with reader sentences), ${watches.length} watches ` +
    `(${READER_WATCHES.length} reader queries): ${all.size} matches with every rule on, ` +
    `${readerCount} of them by the reader queries`,
)

const RULES: Array<[keyof ReaderRules, string]> = [
  ['contractions', 'English contractions have no solid form'],
  ['numericRanges', 'numeric ranges have no solid form'],
  ['germanSpellings', 'German ue/oe/ae = ü/ö/ä in German items'],
  ['crossScriptStems', 'Latin and Cyrillic meet by their stems'],
  ['readings', 'French and German renderings of Russian names'],
  ['crossSpellings', 'ISO 9, Belarusian, yo and і/о across scripts'],
]
for (const [rule, label] of RULES) {
  readerRules[rule] = false
  const without = matches(watches, articles)
  readerRules[rule] = true
  const added = [...all].filter((m) => !without.has(m))
  const removed = [...without].filter((m) => !all.has(m))
  const byWatch = (list: string[]) => {
    const counts = new Map<string, number>()
    for (const m of list) {
      const w = queryOf.get(m.split(' ')[0]!)!
      const name = `${w.query}${w.options?.transliterate ? ' (T)' : ''}`
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    return [...counts].map(([q, n]) => `${q} ${n}`).join(', ') || '—'
  }
  console.log(`\n${label}: adds ${added.length} matches, removes ${removed.length}`)
  console.log(`  added:   ${byWatch(added)}`)
  console.log(`  removed: ${byWatch(removed)}`)
}
