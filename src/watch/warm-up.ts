// The matcher's start-up warm-up: run once in a Worker's global scope (src/startup.ts), it builds
// snapshots of a small synthetic index and of a third of it, loads them and matches synthetic
// articles, forgetting every word it met along the way and at the end. What stays is V8's
// compiled, optimised code for the per-word paths (the scanner, the lexicon, the first-sight
// gate, stems, transliteration, readings, evaluation and explanations), so that a tick in a new
// isolate matches at the speed of a warm one instead of interpreting that code for its first
// ~50 items. Why at start-up: the platform limits the global scope's CPU on its own (1 s),
// apart from each invocation's (10 ms on the free plan); docs/decisions.md, 31, has the
// figures and the reasoning.
// Not responsible for what is matched (nothing here reaches a user) nor for timing itself
// (bench/watch.bench.ts measures it).
//
// The words are made up from syllables, so no user's vocabulary is involved, and none of them
// survive it: the lexicon, the folded-word, transliteration and stem memos are emptied after
// (forgetVocabulary), so the first real item meets every word for the first time, as it would
// without the warm-up. Every query shape and option, every script the tokenizer treats
// differently and every language with a stemmer or reading rules appear, so that the code a
// tick runs is the code warmed.

import { prng } from '../lib/prng'
import { matchItem, type MatchInput, type WatchSpec } from './index'
import { foldMemo } from './normalize'
import { buildIndexSnapshot, loadIndexSnapshot } from './snapshot'
import { forgetStems, stemsHeld } from './stem'
import { transliterationKey } from './transliterate'
import { lexicon } from './word'

/**
 * Articles matched: enough for V8 to have optimised the per-word functions fully before a tick's
 * first items (96 left several to be optimised during them: a fresh isolate's load + 20 items at
 * 1,000 watches took ~11 ms against ~8.7 with 160; 192 and 240 did no better;
 * docs/decisions.md, 31), few enough to keep the global scope's CPU far below the platform's
 * start-up limit (~225 ms in all, of 1 s).
 */
export const WARM_UP_ARTICLES = 160
const WARM_UP_WATCHES = 120
/** The warm-up forgets every word it met every this many articles (warmUpMatcher says why). */
const FORGET_EVERY = 8
/** Every this many articles go to the second index (warmUpMatcher says why). */
const OTHER_INDEX_EVERY = 4
const ARTICLE_WORDS = 260
/** Made-up words per language: enough that each article brings many never seen before. */
const WORDS_PER_LANGUAGE = 1500

/**
 * Syllables per language (Russian's in CYRILLIC, each with its romanisation, for cross-script
 * watches): every language with a stemmer or reading rules, and the scripts the tokenizer
 * treats apart.
 */
const SYLLABLES: Record<string, string> = {
  en:
    'ar ber cal den fer gan hol ing ton man ster well ford ley wick ham ash cor dun el gil ' +
    'jack quo vex yan zip kno wry pho the ight ough tch sq',
  fr:
    'bou char mont ville lac roche fon tain eau ier ette val bois cour mar sau lieu beau ' +
    'gn ill oi où çon ê ï ÿ xa zé jé qui phi yè œu',
  de:
    'berg burg dorf stein bach feld hau sen wald brück heim ger mann kirch straß müh öl ' +
    'schw tsch ck pf qu ei ie äu eu chs zw jo ver ung lich',
  es: 'cas ter man ria ñor llo vi da cor ti jo sal mi gue ra do bel món ca güe xo zá',
  it: 'gio van ni rel lo cci bel la tor ro mar co fio ren ti pa ter na gli sce zz',
  nl: 'ge ver ij aal oor sch uit ijk heid en ste lijk kerk dam berg huis',
  pt: 'ção ões nh lh ão ã õ ç ei ro da mun ta pe dro gal vés',
  el: 'κα λο με ρα νι κος θε ση πο λι τα μα ρι ζα ψυ χή ξέ ώ ΐ',
  ar: 'مح مد عب دال لك تا بر سا لة قا هر',
  zh: '東 京 都 北 海 道 大 阪 名 古 屋',
}
const CYRILLIC: Array<[string, string]> = [
  ['бел', 'bel'],
  ['гор', 'gor'],
  ['род', 'rod'],
  ['ков', 'kov'],
  ['мир', 'mir'],
  ['сла', 'sla'],
  ['вин', 'vin'],
  ['дон', 'don'],
  ['кам', 'kam'],
  ['ник', 'nik'],
  ['зар', 'zar'],
  ['пол', 'pol'],
  ['тих', 'tikh'],
  ['чер', 'cher'],
  ['шуб', 'shub'],
  ['юр', 'yur'],
  ['жу', 'zhu'],
  ['цы', 'tsy'],
  ['щё', 'shchyo'],
  ['эф', 'ef'],
  ['ян', 'yan'],
  ['ль', 'l'],
  ['ъе', 'ye'],
  ['ой', 'oy'],
  ['ха', 'kha'],
]
const LANGUAGES = ['en', 'fr', 'de', 'ru', 'es', 'it', 'el', 'ar', 'zh', 'uk', 'nl', 'pt']

/** What warmUpMatcher did: the tests check that it matched, and matched every kind of watch. */
export interface WarmUpReport {
  watches: number
  errors: number
  articles: number
  alerts: number
  /**
   * The query shapes (makeWatches's list) and options (stem, transliterate) that no article
   * matched: code the warm-up did not reach. The tests want none.
   */
  unmatched: string[]
}

/**
 * Builds, loads and matches the synthetic indexes and articles, forgetting their words every
 * FORGET_EVERY articles and at the end.
 */
export function warmUpMatcher(): WarmUpReport {
  const random = prng(0x5eed)
  const words = vocabularies(random)
  const watches = makeWatches(words, random)
  const index = loadIndexSnapshot(buildIndexSnapshot(watches, 1), 1)
  // A second, smaller index takes every OTHER_INDEX_EVERYth article: V8 then compiles the
  // presearcher's code for indexes whose tables differ (some languages without stems, other
  // filters), and the first real index, which differs from both, finds that code still valid.
  // Optimised against one index only, memoStem, fileStems and the presearcher's bind were
  // thrown away on the first real items ("code dependencies", node --trace-deopt).
  const other = loadIndexSnapshot(
    buildIndexSnapshot(
      watches.filter((_, i) => i % 3 === 0),
      1,
    ),
    1,
  )
  const matched = new Set<string>()
  let alerts = 0
  for (let i = 0; i < WARM_UP_ARTICLES; i++) {
    // Forgetting along the way, not only at the end: the first clear of the lexicon makes fields
    // that had held one value variable, which throws away code optimised before it (findAll,
    // add, wordsOf); cleared early and often, the code is optimised knowing they vary, and the
    // last clear costs the first real item nothing. Each article also meets more unseen words.
    if (i % FORGET_EVERY === FORGET_EVERY - 1) forgetVocabulary()
    const into = i % OTHER_INDEX_EVERY === OTHER_INDEX_EVERY - 1 ? other : index
    for (const alert of matchItem(into, makeArticle(words, random, i))) {
      matched.add(alert.watchId)
      alerts++
    }
  }
  forgetVocabulary()
  const reached = new Set([...matched].flatMap((id) => id.split('-').slice(2, 4)))
  const kinds = [...SHAPES.map((_, k) => `shape${k}`), 'stem', 'transliterate']
  return {
    watches: index.size,
    errors: index.errors.length,
    articles: WARM_UP_ARTICLES,
    alerts,
    unmatched: kinds.filter((kind) => !reached.has(kind)),
  }
}

/** How many words the isolate's word caches hold (the tests check the warm-up leaves none). */
export function vocabularyHeld(): number {
  return lexicon.size + foldMemo.size + transliterationKey.size + stemsHeld()
}

/** Empties the lexicon and the word memos. Between items only (see Lexicon.clear). */
export function forgetVocabulary(): void {
  lexicon.clear()
  foldMemo.clear()
  transliterationKey.clear()
  forgetStems()
}

interface Vocabulary {
  /** Per language, its made-up words. */
  words: Record<string, string[]>
  /** The romanisation of each Russian word, in the same order. */
  romanised: string[]
}

function vocabularies(random: () => number): Vocabulary {
  const words: Record<string, string[]> = {}
  const romanised: string[] = []
  for (const [lang, text] of Object.entries(SYLLABLES)) {
    const syllables = text.split(' ')
    const cjk = lang === 'zh'
    words[lang] = Array.from({ length: WORDS_PER_LANGUAGE }, () => {
      let w = ''
      const n = (cjk ? 1 : 2) + Math.floor(random() * 3)
      for (let k = 0; k < n; k++) w += pick(syllables, random)
      return w
    })
  }
  const cyrillic: string[] = []
  for (let i = 0; i < WORDS_PER_LANGUAGE; i++) {
    let c = ''
    let l = ''
    const n = 2 + Math.floor(random() * 2)
    for (let k = 0; k < n; k++) {
      const [cy, la] = pick(CYRILLIC, random)
      c += cy
      l += la
    }
    cyrillic.push(c)
    romanised.push(l)
  }
  words.ru = cyrillic
  words.uk = cyrillic.map((w) => w.replace(/и/g, 'і'))
  return { words, romanised }
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!
}

/** What a query shape draws its words from. */
interface Draw {
  /** The watch's language. */
  lang: string
  /** A word of the watch's language, from the part of its list articles use most. */
  word(): string
  /** One of the language's dozen commonest words (for proximity operators). */
  common(): string
  /** A Latin-script word of six letters or more. */
  long(): string
  /** A German word with an umlaut, written with its transcription (ü as ue). */
  transcribed(): string
  /** The romanisation of a Russian word. */
  romanised(): string
  below(n: number): number
}

/** Every query shape and operator a watch can use. */
const SHAPES: Array<(d: Draw) => string> = [
  (d) => d.word(),
  (d) => `${d.word()} ${d.word()}`,
  (d) => `"${d.common()} ${d.common()}"`,
  (d) => `${d.long().slice(0, -2)}*`,
  (d) => `${d.word()} OR ${d.word()} OR ${d.word()}`,
  (d) => `(${d.word()} | ${d.word()}) ${d.word()}`,
  (d) => `${d.word()} -${d.word()}`,
  (d) => `${d.common()} NEAR/5 ${d.common()}`,
  (d) => `${d.common()} ONEAR/3 ${d.common()}`,
  (d) => `title:${d.common()}`,
  (d) => `title:(${d.common()} OR ${d.common()}) lang:${d.lang}`,
  (d) => `${d.word()} site:site${d.below(8)}.example`,
  (d) => `-${d.word()} feed:feed${d.below(6)}`,
  (d) => {
    const w = d.long()
    return `${w.slice(0, 3)}?${w.slice(4)}`
  },
  (d) => d.transcribed(),
  (d) => `"${d.romanised()}"`,
]

function makeWatches(v: Vocabulary, random: () => number): WatchSpec[] {
  const latin = ['en', 'fr', 'de', 'es', 'it']
  const umlauts = v.words.de!.slice(0, 200).filter((w) => /[äöü]/.test(w))
  let lang = 'en'
  // Watch words come from the first 200 of a list, which articles draw from most.
  const fromHead = (list: string[]) => list[Math.floor(random() ** 2 * 200)]!
  const draw: Draw = {
    get lang() {
      return lang
    },
    word: () => fromHead(v.words[lang]!),
    common: () => v.words[lang]![Math.floor(random() * 12)]!,
    long() {
      for (;;) {
        const w = fromHead(v.words[pick(latin, random)]!)
        if (w.length >= 6) return w
      }
    },
    transcribed: () =>
      pick(umlauts, random).replace(/[äöü]/g, (c) => `${'aou'['äöü'.indexOf(c)]}e`),
    romanised: () => v.romanised[Math.floor(random() * 12)]!,
    below: (n) => Math.floor(random() * n),
  }
  return Array.from({ length: WARM_UP_WATCHES }, (_, i) => {
    lang = pick(LANGUAGES, random)
    const shape = i % SHAPES.length
    // A romanised word reaches Russian text only through its transliteration key.
    const r = shape === SHAPES.length - 1 ? 0.3 : random()
    const option = r < 0.2 ? 'stem' : r < 0.35 ? 'transliterate' : 'plain'
    const options = option === 'plain' ? undefined : { [option]: true }
    return { id: `warm-up-shape${shape}-${option}-${i}`, query: SHAPES[shape]!(draw), options }
  })
}

/**
 * One article in the `i`th language: words drawn with a long tail (most distinct, many unseen
 * before), with what the tokenizer handles apart: elisions, hyphens, possessives, contractions,
 * numbers, capitals, decomposed accents, soft hyphens and runs of Han characters.
 */
function makeArticle(v: Vocabulary, random: () => number, i: number): MatchInput {
  const lang = LANGUAGES[i % LANGUAGES.length]!
  const list = v.words[lang]!
  const draw = () => list[Math.floor(list.length * random() ** 3)]!
  const special = (w: string): string => {
    switch (Math.floor(random() * 40)) {
      case 0:
        return `l’${w}`
      case 1:
        return `d'${w}`
      case 2:
        return `${w}-${draw()}`
      case 3:
        return `${w}'s`
      case 4:
        return `F-${Math.floor(random() * 40)}`
      case 5:
        return `${Math.floor(random() * 3000)}.${Math.floor(random() * 10)}`
      case 6:
        return w.toUpperCase()
      case 7:
        return w.normalize('NFD')
      case 8:
        return `${w.slice(0, 2)}\u00ad${w.slice(2)}`
      case 9:
        return `${w}'ll`
      default:
        return w
    }
  }
  const sentence = (n: number) => {
    const words = Array.from({ length: n }, () => special(draw()))
    return words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.'
  }
  const paragraphs: string[] = []
  for (let n = 0; n < ARTICLE_WORDS;) {
    const k = 8 + Math.floor(random() * 16)
    paragraphs.push(sentence(k))
    n += k
  }
  return {
    title: sentence(8),
    summary: sentence(20),
    content: paragraphs.join(' '),
    url: `https://www.site${i % 8}.example/${lang}/${i}`,
    categories: [draw(), draw()],
    lang: i % 7 === 6 ? undefined : lang,
    feedLang: lang,
    feedId: `feed${i % 6}`,
    feedTags: [lang],
  }
}
