// Alerts the channel tests send: the seed-like French story (demo/articles.mjs), a huge item, a
// hostile item, and bursts. Highlights are computed from the snippet, never written as numbers.
import type { Alert } from '../../../src/model'

/** Highlight spans of `terms` in `snippet` (first occurrence of each, UTF-16 offsets). */
export function spans(snippet: string, terms: string[]): Array<[number, number]> {
  return terms.map((t) => {
    const at = snippet.indexOf(t)
    if (at < 0) throw new Error(`"${t}" is not in the snippet`)
    return [at, at + t.length] as [number, number]
  })
}

export function alert(overrides: {
  id?: string
  watchName?: string
  title?: string
  url?: string
  feedTitle?: string
  author?: string
  snippet?: string
  highlights?: Array<[number, number]>
  terms?: string[]
}): Alert {
  const snippet = overrides.snippet ?? 'un texte'
  return {
    id: overrides.id ?? 'alert-1',
    watch: { id: 'w', name: overrides.watchName ?? 'Veille', query: 'q' },
    feed: { id: 'f', title: overrides.feedTitle ?? 'Le Fil', url: 'https://news.example.org/feed' },
    item: {
      key: 'g:1',
      guid: 'https://news.example.org/?p=1',
      feedId: 'f',
      title: overrides.title ?? 'Un titre',
      url: overrides.url ?? 'https://news.example.org/1',
      summary: snippet,
      content: '',
      author: overrides.author,
      categories: [],
      enclosures: [],
      published: '2023-06-04T16:42:00.000Z',
      lang: 'fr',
    },
    match: {
      terms: overrides.terms ?? ['texte'],
      fields: ['summary'],
      hits: [],
      snippet,
      highlights: overrides.highlights ?? [],
    },
    destinationId: 'd',
    detectedAt: '2023-06-04T16:43:00.000Z',
  }
}

const SEED_SNIPPET =
  '… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de ' +
  'facture belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé …'

/** The demo's breaking story, as the Belgorod watch matches it. */
export const seedAlert = (): Alert =>
  alert({
    id: 'Yb3kSeedAlert01',
    watchName: 'Belgorod et armes belges',
    title: 'Raid manqué dans la région de Belgorod : des armes de facture belge identifiées',
    url: 'https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges',
    feedTitle: 'Le Fil — dépêches (démo Feedwatch)',
    author: 'Rédaction',
    snippet: SEED_SNIPPET,
    highlights: spans(SEED_SNIPPET, ['belge', 'l’Otan']),
    terms: ['belge', 'otan'],
  })

/** Every field far past every service's limit, in multi-byte text (é: 2 bytes, 𝔸: a pair). */
export const hugeAlert = (): Alert => {
  const big = 'Énorme 𝔸 dépêche & <b> '.repeat(12_000)
  return alert({
    id: 'huge',
    watchName: 'W'.repeat(5_000),
    title: big,
    // The longest link rendered (MAX_LINK), with characters some services must escape.
    url: `https://news.example.org/${'&a|)'.repeat(600)}`.slice(0, 2_048),
    feedTitle: big,
    author: big,
    snippet: big,
    highlights: [
      [0, 6],
      [9, 16],
      [big.length - 30, big.length - 20],
    ],
    terms: Array.from({ length: 200 }, (_, i) => `terme${i}-${'é'.repeat(50)}`),
  })
}

/** Feed text trying to ping, format, link, break markup and reverse the reading order. */
export const HOSTILE =
  '@everyone @here <!channel> <!here> <@U123> <@123> <users/all> <at>Tous</at> ' +
  '**gras** *b* _i_ ~s~ `code` [clic](javascript:alert(1)) <a href="javascript:alert(1)">x</a> ' +
  '<script>alert(1)</script> &amp; \u202Egnp.exe\u202C ) ] } " \' |'

export const hostileAlert = (): Alert =>
  alert({
    id: 'hostile',
    watchName: 'Veille <!channel>',
    title: HOSTILE,
    url: 'javascript:alert(1)',
    feedTitle: HOSTILE,
    author: '@here',
    snippet: HOSTILE,
    highlights: [[0, 9]],
    terms: ['@everyone', '<!channel>'],
  })

/** `n` matches of one watch (a burst), each with its own title and link. */
export const burst = (n: number, watchName = 'Belgorod et armes belges'): Alert[] =>
  Array.from({ length: n }, (_, i) =>
    alert({
      id: `burst-${i}`,
      watchName,
      title: `Dépêche ${i + 1} sur l’Otan et des armes de facture belge`,
      url: `https://news.example.org/${i + 1}`,
    }),
  )
