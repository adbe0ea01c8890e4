// The offline demo's sample news: a small French wire feed, written for Feedwatch (fictional
// copy in the style of a news agency, with the typographic apostrophes and guillemets real French
// copy uses). `background` is in the feed from the start and is recorded silently on the first
// poll; `breaking` is published a few seconds later and is what the demo watch catches.

export const FEED_TITLE = 'Le Fil — dépêches (démo Feedwatch)'

export const background = [
  {
    guid: 'demo-2023-06-03-wallonie-meteo',
    title: 'Orages en Wallonie : l’IRM relève la vigilance au niveau orange',
    link: 'https://demo.feedwatch.local/2023/06/03/orages-wallonie',
    pubDate: 'Sat, 03 Jun 2023 16:20:00 +0200',
    description:
      'L’Institut royal météorologique prévoit de fortes averses d’ici la soirée, avec des ' +
      'risques d’inondations locales dans les provinces de Namur et de Luxembourg.',
  },
  {
    guid: 'demo-2023-06-03-otan-sommet',
    title: 'Sommet de l’Otan à Vilnius : les alliés préparent le calendrier',
    link: 'https://demo.feedwatch.local/2023/06/03/otan-vilnius',
    pubDate: 'Sat, 03 Jun 2023 11:05:00 +0200',
    description:
      'Les ministres de la Défense se retrouveront à Bruxelles avant le sommet de juillet, ' +
      'où l’aide à l’Ukraine dominera les discussions.',
  },
  {
    guid: 'demo-2023-06-02-liege-tram',
    title: 'Liège : le chantier du tram prend encore du retard',
    link: 'https://demo.feedwatch.local/2023/06/02/liege-tram',
    pubDate: 'Fri, 02 Jun 2023 09:30:00 +0200',
    description: 'La mise en service est désormais attendue au printemps prochain.',
  },
]

export const breaking = [
  {
    guid: 'demo-2023-06-04-belgorod-raid',
    title: 'Raid manqué dans la région de Belgorod : des armes de facture belge identifiées',
    link: 'https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges',
    pubDate: 'Sun, 04 Jun 2023 18:42:00 +0200',
    description:
      'Au lendemain de l’incursion avortée dans la région russe de Belgorod, des photos ' +
      'publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture ' +
      'belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé que ' +
      'les livraisons d’armes à l’Ukraine sont soumises à des conditions d’usage strictes. ' +
      '« Nous vérifions l’origine de ces armes », a déclaré la ministre belge de la Défense.',
  },
  {
    guid: 'demo-2023-06-04-tennis',
    title: 'Roland-Garros : une Belge en quarts de finale',
    link: 'https://demo.feedwatch.local/2023/06/04/roland-garros',
    pubDate: 'Sun, 04 Jun 2023 17:10:00 +0200',
    description: 'Victoire en deux sets sur le court Suzanne-Lenglen.',
  },
]

/** The live desk's feed, pushed through its WebSub hub (fictional copy, like the rest). */
export const LIVE_TITLE = 'Le Direct — flash (démo Feedwatch, push WebSub)'

export const liveBackground = {
  guid: 'demo-live-2023-06-04-ouverture',
  title: 'Le direct est ouvert : suivez les dernières informations',
  link: 'https://demo.feedwatch.local/direct/ouverture',
  pubDate: 'Sun, 04 Jun 2023 08:00:00 +0200',
  description: 'Les flashs de la rédaction, au fil de la journée.',
}

export const livePushed = {
  guid: 'demo-live-2023-06-04-bruxelles-convoque',
  title: 'Flash : Bruxelles convoque l’ambassadeur russe après le raid de Belgorod',
  link: 'https://demo.feedwatch.local/direct/bruxelles-convoque',
  pubDate: 'Sun, 04 Jun 2023 19:05:00 +0200',
  description:
    'La diplomatie belge demande des explications sur la présence d’armes de facture belge ' +
    'dans la région de Belgorod.',
}
