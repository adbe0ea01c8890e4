// Transliteration keys, for watches that opt in with `options.transliterate`: a Latin and a
// Cyrillic spelling of one name get the same key, so `belgorod` finds «Белгород» and `белгород`
// finds "Belgorod". Not responsible for folding (words arrive normalised, ё already е).
// Scheme (our own, deterministic, documented in docs/query-language.md): Russian and Ukrainian
// Cyrillic are romanised close to the BGN/PCGN and Ukrainian national (2010) systems, then both
// scripts' Latin forms are reduced to a skeleton that erases the spelling choices those systems
// (and French/German/Polish habits) disagree on:
//   Cyrillic → Latin: а a, б b, в v, г g, ґ g, д d, е e, є ie, ж zh, з z, и i, і i, ї i, й i,
//   к k, л l, м m, н n, о o, п p, р r, с s, т t, у u, ф f, х kh, ц ts, ч ch, ш sh, щ shch, ъ —,
//   ы y, ь —, э e, ю iu, я ia.
//   Latin skeleton: ye→e (Yeltsin = Ельцин), kh→h, h→g (Ukrainian г is h: Харків/Kharkiv and
//   Гаага/Hague agree), ph→f, w→v, x→ks, j→i, y→i, then doubled letters collapse (Kyiv → kiiv →
//   kiv = Київ; Dmitriy = Dmitry = Дмитрий).
// What a deterministic scheme cannot do: Kiev and Kyiv stay different (they are different words,
// from Киев and Київ); Czech-style č/š fold to c/s (normalize.ts) and do not meet ч/ш.

const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  є: 'ie',
  ж: 'zh',
  з: 'z',
  и: 'i',
  і: 'i',
  ї: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ў: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
}

const CYRILLIC_RE = /[а-яёєіїґў]/g
const LATIN_OR_CYRILLIC_RE = /[a-zа-яёєіїґў]/
const SKELETON_LETTERS: Readonly<Record<string, string>> = {
  h: 'g',
  w: 'v',
  x: 'ks',
  j: 'i',
  y: 'i',
}

const cache = new Map<string, string>()
/** Bounded so a long-lived isolate cannot grow it without limit. */
const CACHE_LIMIT = 100_000

/** The transliteration key of a normalised word; words in other scripts are returned as they are. */
export function transliterationKey(word: string): string {
  let key = cache.get(word)
  if (key === undefined) {
    key = computeTransliterationKey(word)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(word, key)
  }
  return key
}

/** transliterationKey without the memo, for callers that keep the key themselves (word.ts). */
export function computeTransliterationKey(word: string): string {
  return LATIN_OR_CYRILLIC_RE.test(word)
    ? skeleton(word.replace(CYRILLIC_RE, (c) => CYRILLIC[c] ?? c))
    : word
}

/** The Latin skeleton, in one pass: ye→e, kh→g, ph→f, h→g, w→v, x→ks, j/y→i, no doubles. */
function skeleton(latin: string): string {
  let out = ''
  let prev = ''
  for (let i = 0; i < latin.length; i++) {
    const c = latin[i]!
    const next = latin[i + 1]
    let emit: string
    if (c === 'y' && next === 'e') {
      emit = 'e'
      i++
    } else if ((c === 'k' || c === 'p') && next === 'h') {
      emit = c === 'k' ? 'g' : 'f'
      i++
    } else {
      emit = SKELETON_LETTERS[c] ?? c
    }
    for (const e of emit) {
      if (e !== prev) out += e
      prev = e
    }
  }
  return out
}
