// What the presearcher's first-sight filters rely on (src/watch/stem.ts's STEM_ENDINGS,
// transliterate.ts's crossKeyBaseLength, prefix-filter.ts): a stem is a prefix of its word
// followed by one of its language's endings, so a word whose stem an index holds always passes the index's
// filter, and a Cyrillic word's key starts with the base of its cross key. Words are generated
// from each language's letters and the suffixes its stemmer's rules rewrite, folded as items
// are; seeded, so a failure reproduces.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, matchItem, matchQuery, normalizeWord } from '../../src/watch'
import { PrefixFilter } from '../../src/watch/prefix-filter'
import { STEM_ENDINGS, stemWord } from '../../src/watch/stem'
import {
  computeTransliterationKey,
  crossKey,
  crossKeyBaseLength,
  crossLetters,
} from '../../src/watch/transliterate'
import { prng } from '../support/prng'

/** Syllables to start words with, and the endings each stemmer's rules act on. */
const LANGUAGES: Record<string, { syllables: string; endings: string }> = {
  en: {
    syllables:
      'ab ac ad ag al an ar at ba be bi bl ca ce co cr de di do dr ea ec ed el em en ' +
      'er ev fa fe fi fo ga ge gi go ha he hi ho ic id il im in ir is it iv iz la le li lo ma ' +
      'me mi mo na ne ni no ob oc od of og ol om on op or os ot ou ov ow pa pe pi po pr qu ra ' +
      're ri ro sa se si so st ta te ti to tr ua ub ud ul um un up ur us ut va ve vi wa we wi ' +
      'ya ye yo yi',
    endings:
      's es ies sses ss us ed eed eedly ing ingly edly y ly ying ational tional enci ency anci ' +
      'ancy izer izers bli bly ably ibly alli ally entli ently eli ely ousli ously ization ' +
      'izations ation ations ator ators alism iveness fulness ousness aliti ality alities iviti ' +
      'ivity ivities biliti bility bilities logi logy logies icate icated icating ative alize ' +
      'alized alizing iciti icity ical ically ful fully ness al als ance ence er ers ic ics ' +
      'able ible ant ement ment ent sion tion ion ou ism isms ate ated ating iti ous ive ize ' +
      'ized izing e ll at bl iz hop tt ff ss',
  },
  fr: {
    syllables:
      'ab ac af ai al am an ar au ba be bi bo ca ce ch ci co cu da de di do du ea ec ' +
      'ef el em en er es et eu fa fe fi fo ga ge gi go gu ha he hi il im in ir is it iv ja je ' +
      'jo la le li lo lu ma me mi mo mu na ne ni no nu ob oc oi ol on or ou pa pe pi po pu qu ' +
      'ra re ri ro ru sa se si so su ta te ti to tu ua ue ui un ur us va ve vi vo ya ye yo',
    endings:
      'e es s ance ances ique iques isme ismes able ables iste istes euse euses atrice ateur ' +
      'ation ations ication ications icateur icatrice logie logies usion ution ence ences ' +
      'ement ements ivement eusement ablement iquement ierement ite ites abilite icite ivite ' +
      'if ifs ive ives icatif icative ative eaux aux eux issement issements amment emment ment ' +
      'ments ira ie isse issante i irai ir iras ies is irais issais irions issions irons ' +
      'issons issants it irait issait issant iraient issaient irent issent iront iriez issiez ' +
      'irez issez a era asse ante ee ai erai er as eras ames asses antes ates ees ais erais ' +
      'ions erions assions erons ants ait erait ant aient eraient erent assent eront at ez iez ' +
      'eriez assiez erez ier iere ieres ion y ay oy uy ell elle eill enn enne onn onne ett ette ' +
      'gue guer que quer qui uy aye uyer',
  },
  de: {
    syllables:
      'ab an au be bu da de di ei en er ge ha he hi ho in ka ke la le li ma me mi ne ' +
      'ni nu ob pa re ri sa sc sch se si so st ta te ti to tu ue um un ur va ve vo wa we wi ' +
      'ya yo zu',
    endings:
      'em ern er e en es s ens ers ung ungen heit keit isch lich ig igen end ende endes ' +
      'est ten nisse nissen erin erinnen ik ig ische lichkeit uer ue',
  },
  ru: {
    syllables:
      'ба бе бо ва ве во га ге го да де до жа же за зе ка ке ко ла ле ли ло ма ме мо ' +
      'на не но па пе по ра ре ро са се со та те то ты фа ха це ча ша ще ы е ю я ов ев ин',
    endings:
      'а я о е ы и у ю ой ей ом ем ам ями ах ях ами ого его ому ему ый ий ая яя ое ее ые ие ' +
      'ых их ым им ыми ими ую юю ость ости ост ейше ейш нн ь ать ять ить ыть ешь ет ем ете ут ' +
      'ют ил ыл ла ло ли вши вшись ся сь ание ение ия ье ьё ев ов ией ии иями иях',
  },
  uk: {
    syllables:
      'ба бі ва ві га гі да ді за зі ка кі ла лі ма мі на ні па пі ра рі са сі та ті ха ' +
      'хі ча ші ґа є ї і я ю ов ев ин',
    endings:
      'а я о е є у ю і ї ий ій их іх ів ім им ими іми йми ої ою ова ове ого ому ам ах ами ев ' +
      'еві ей ем ею єм єю їв ием ию ия иям иях ові ой ом ью ья ям ями ях ість ості ость сть нн ' +
      'ь ейше ав али ати вши ив ити ме ся ши учи яти ячи ать ять иві ці сі зі',
  },
}

/** Words of `lang`: one to three syllables, then an ending or none, folded. */
function wordsOf(lang: string, count: number, seed: number): string[] {
  const { syllables, endings } = LANGUAGES[lang]!
  const starts = syllables.split(/\s+/)
  const ends = ['', ...endings.split(/\s+/)]
  const random = prng(seed)
  const pick = (list: string[]) => list[Math.floor(random() * list.length)]!
  return Array.from({ length: count }, () => {
    let word = ''
    const n = 1 + Math.floor(random() * 3)
    for (let i = 0; i < n; i++) word += pick(starts)
    return normalizeWord(word + pick(ends))
  })
}

/** What `stem` has beyond the longest prefix it shares with `word`. */
function ending(word: string, stem: string): string {
  let common = 0
  while (common < stem.length && common < word.length && stem[common] === word[common]) common++
  return stem.slice(common)
}

describe('how a stem strays from its word', () => {
  it.each(Object.entries(STEM_ENDINGS))(
    'a %s stem is a prefix of its word and one of %j, on 20,000 words',
    (lang, endings) => {
      const strays: string[] = []
      for (const word of wordsOf(lang, 20_000, lang.charCodeAt(0))) {
        const stem = stemWord(word, lang)
        if (!endings.includes(ending(word, stem))) strays.push(`${word} → ${stem}`)
      }
      expect(strays).toEqual([])
    },
  )

  it.each([
    ['en', 'hoping', 'hope', 'e'],
    ['en', 'happy', 'happi', 'i'],
    ['en', 'probability', 'probabl', 'l'],
    ['fr', 'evidemment', 'evident', 'nt'],
    ['fr', 'indication', 'indiqu', 'qu'],
    ['fr', 'chevaux', 'cheval', 'l'],
    ['fr', 'heureuse', 'heureux', 'x'],
    ['fr', 'differences', 'different', 't'],
  ])('adds letters where its rules do: %s %s → %s (%s)', (lang, word, stem, added) => {
    expect(stemWord(word, lang)).toBe(stem)
    expect(ending(word, stem)).toBe(added)
    expect(STEM_ENDINGS[lang]).toContain(added)
  })
})

describe("the presearcher's stem filter", () => {
  it.each(Object.entries(STEM_ENDINGS))(
    'lets through every %s word whose stem is filed (endings %j)',
    (lang, endings) => {
      // The watches' words and the item's words share starts, so many stems coincide.
      const watchWords = wordsOf(lang, 40, 7)
      const stems = new Set(watchWords.map((w) => stemWord(w, lang)))
      const filter = new PrefixFilter(stems.size * 2)
      for (const stem of stems) {
        for (const end of endings)
          if (stem.endsWith(end)) filter.file(stem, stem.length - end.length)
      }
      let filed = 0
      let refused = 0
      for (const word of wordsOf(lang, 20_000, 8)) {
        if (stems.has(stemWord(word, lang))) {
          filed++
          expect({ word, passes: filter.mayStart(word) }).toEqual({ word, passes: true })
        } else if (!filter.mayStart(word)) refused++
      }
      // The test means something only if both kinds of word occur.
      expect(filed).toBeGreaterThan(20)
      expect(refused).toBeGreaterThan(1000)
    },
  )
})

describe("a Cyrillic word's cross letters start with the bases of its cross keys", () => {
  it.each(['ru', 'uk'])(
    'on 20,000 %s words, ы before е and digraphs at the stem end included',
    (lang) => {
      const words = [
        ...wordsOf(lang, 20_000, 9),
        ...['добрые', 'красные', 'выезд', 'новыэ', 'отчёт', 'сгорел', 'тщательно', 'щука', 'птицы'],
        ...['харкова', 'львові', 'браслаў', 'нёман', 'донецка', 'житомира', 'шостці'],
      ]
      for (const word of words) {
        const key = computeTransliterationKey(word)
        const letters = crossLetters(key)
        // Its stem's cross key, and its own (transliterate.ts's queryCrossKeys).
        for (const cross of [
          crossKey(computeTransliterationKey(stemWord(word, lang))),
          crossKey(key),
        ]) {
          const base = cross.slice(0, crossKeyBaseLength(cross))
          expect({ word, cross, starts: letters.startsWith(base) }).toEqual({
            word,
            cross,
            starts: true,
          })
        }
      }
    },
  )
})

describe('item languages that are no language', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'an item in "%s" is matched exactly, its words not stemmed',
    (lang) => {
      const item = {
        title: 'Livraisons et armements',
        summary: '',
        content: '',
        categories: [],
        lang,
        feedId: 'f1',
        feedTags: [],
      }
      const options = { stem: true, transliterate: true }
      expect(matchQuery('livraison', item, options)).toBeNull()
      expect(matchQuery('armements', item, options)?.terms).toEqual(['armements'])
      const index = compileWatchIndex([{ id: 'w', query: 'livraisons', options }])
      expect(matchItem(index, item).map((m) => m.watchId)).toEqual(['w'])
    },
  )
})
