// Each channel's payload for the seed-like French story (demo/articles.mjs), pinned: typographic
// apostrophes and guillemets pass through untouched, highlights use the service's own markup.
import { describe, expect, it } from 'vitest'
import type { Outgoing } from '../../../src/deliver/channel'
import { renderDiscord } from '../../../src/deliver/channels/discord'
import { renderEmail } from '../../../src/deliver/channels/email'
import { renderGoogleChat } from '../../../src/deliver/channels/googlechat'
import { renderNtfy } from '../../../src/deliver/channels/ntfy'
import { renderSlack } from '../../../src/deliver/channels/slack'
import { renderTeams } from '../../../src/deliver/channels/teams'
import { renderTelegram } from '../../../src/deliver/channels/telegram'
import { renderWebhook } from '../../../src/deliver/channels/webhook'
import { burst, seedAlert } from './alerts'

const seed: Outgoing = { kind: 'alert', alerts: [seedAlert()] }
const digest: Outgoing = { kind: 'digest', alerts: burst(3) }

describe('payloads for the seed story', () => {
  it('slack: Block Kit with a plain-text header and bold highlights', () => {
    expect(renderSlack(seed)).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "emoji": false,
              "text": "Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture *belge*. Bruxelles a demandé des explications ; un porte-parole de *l’Otan* a rappelé …
      <https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges|Open the article>",
              "type": "mrkdwn",
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "emoji": false,
                "text": "Watch: Belgorod et armes belges",
                "type": "plain_text",
              },
              {
                "emoji": false,
                "text": "Feed: Le Fil — dépêches (démo Feedwatch)",
                "type": "plain_text",
              },
              {
                "emoji": false,
                "text": "Published 2023-06-04 16:42 UTC",
                "type": "plain_text",
              },
              {
                "emoji": false,
                "text": "By Rédaction",
                "type": "plain_text",
              },
              {
                "emoji": false,
                "text": "Language: fr",
                "type": "plain_text",
              },
              {
                "emoji": false,
                "text": "Matched: belge, otan",
                "type": "plain_text",
              },
            ],
            "type": "context",
          },
        ],
        "text": "New match for Belgorod et armes belges: Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
        "unfurl_links": false,
        "unfurl_media": false,
      }
    `)
  })

  it('discord: one embed, Markdown-escaped, mentions off', () => {
    expect(renderDiscord(seed)).toMatchInlineSnapshot(`
      {
        "allowed_mentions": {
          "parse": [],
        },
        "content": "New match for Belgorod et armes belges",
        "embeds": [
          {
            "color": 5793266,
            "description": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture **belge**. Bruxelles a demandé des explications ; un porte-parole de **l’Otan** a rappelé …",
            "fields": [
              {
                "inline": true,
                "name": "Watch",
                "value": "Belgorod et armes belges",
              },
              {
                "inline": true,
                "name": "Feed",
                "value": "Le Fil — dépêches (démo Feedwatch)",
              },
              {
                "inline": true,
                "name": "Published",
                "value": "2023-06-04 16:42 UTC",
              },
              {
                "inline": true,
                "name": "Author",
                "value": "Rédaction",
              },
              {
                "inline": true,
                "name": "Language",
                "value": "fr",
              },
              {
                "inline": false,
                "name": "Matched",
                "value": "belge, otan",
              },
            ],
            "title": "Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
            "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
          },
        ],
      }
    `)
  })

  it('teams: an Adaptive Card of TextRuns', () => {
    expect(renderTeams(seed)).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "content": {
              "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
              "actions": [
                {
                  "title": "Open the article",
                  "type": "Action.OpenUrl",
                  "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
                },
              ],
              "body": [
                {
                  "inlines": [
                    {
                      "isSubtle": true,
                      "text": "New match for Belgorod et armes belges",
                      "type": "TextRun",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "selectAction": {
                        "title": "Open the article",
                        "type": "Action.OpenUrl",
                        "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
                      },
                      "size": "Medium",
                      "text": "Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "text": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture ",
                      "type": "TextRun",
                    },
                    {
                      "highlight": true,
                      "text": "belge",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": ". Bruxelles a demandé des explications ; un porte-parole de ",
                      "type": "TextRun",
                    },
                    {
                      "highlight": true,
                      "text": "l’Otan",
                      "type": "TextRun",
                      "weight": "Bolder",
                    },
                    {
                      "text": " a rappelé …",
                      "type": "TextRun",
                    },
                  ],
                  "type": "RichTextBlock",
                },
                {
                  "inlines": [
                    {
                      "isSubtle": true,
                      "size": "Small",
                      "text": "Watch: Belgorod et armes belges · Feed: Le Fil — dépêches (démo Feedwatch) · Published 2023-06-04 16:42 UTC · By Rédaction · Language: fr · Matched: belge, otan",
                      "type": "TextRun",
                    },
                  ],
                  "type": "RichTextBlock",
                },
              ],
              "msteams": {
                "width": "Full",
              },
              "type": "AdaptiveCard",
              "version": "1.4",
            },
            "contentType": "application/vnd.microsoft.card.adaptive",
          },
        ],
        "type": "message",
      }
    `)
  })

  it('googlechat: a cardsV2 card with HTML-escaped text', () => {
    expect(renderGoogleChat(seed)).toMatchInlineSnapshot(`
      {
        "cardsV2": [
          {
            "card": {
              "header": {
                "subtitle": "Le Fil — dépêches (démo Feedwatch)",
                "title": "New match for Belgorod et armes belges",
              },
              "sections": [
                {
                  "widgets": [
                    {
                      "textParagraph": {
                        "text": "<a href="https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges"><b>Raid manqué dans la région de Belgorod : des armes de facture belge identifiées</b></a>",
                      },
                    },
                    {
                      "textParagraph": {
                        "text": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture <b>belge</b>. Bruxelles a demandé des explications ; un porte-parole de <b>l’Otan</b> a rappelé …",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "Belgorod et armes belges",
                        "topLabel": "Watch",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "Le Fil — dépêches (démo Feedwatch)",
                        "topLabel": "Feed",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "2023-06-04 16:42 UTC",
                        "topLabel": "Published",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "Rédaction",
                        "topLabel": "Author",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "fr",
                        "topLabel": "Language",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "belge, otan",
                        "topLabel": "Matched",
                      },
                    },
                    {
                      "buttonList": {
                        "buttons": [
                          {
                            "onClick": {
                              "openLink": {
                                "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
                              },
                            },
                            "text": "Open the article",
                          },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
            "cardId": "feedwatch",
          },
        ],
      }
    `)
  })

  it('ntfy: JSON publish with matched terms as tags', () => {
    expect(renderNtfy(seed, 'belgorod')).toMatchInlineSnapshot(`
      {
        "actions": [
          {
            "action": "view",
            "label": "Open",
            "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
          },
        ],
        "click": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
        "message": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé …

      Watch: Belgorod et armes belges
      Feed: Le Fil — dépêches (démo Feedwatch)
      Published 2023-06-04 16:42 UTC
      By Rédaction
      Language: fr",
        "tags": [
          "newspaper",
          "belge",
          "otan",
        ],
        "title": "Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
        "topic": "belgorod",
      }
    `)
  })

  it('telegram: HTML parse mode', () => {
    expect(renderTelegram(seed, '-100123')).toMatchInlineSnapshot(`
      {
        "chat_id": "-100123",
        "link_preview_options": {
          "is_disabled": true,
        },
        "parse_mode": "HTML",
        "text": "New match for Belgorod et armes belges
      <a href="https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges"><b>Raid manqué dans la région de Belgorod : des armes de facture belge identifiées</b></a>

      … des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture <b>belge</b>. Bruxelles a demandé des explications ; un porte-parole de <b>l’Otan</b> a rappelé …

      <i>Watch: Belgorod et armes belges
      Feed: Le Fil — dépêches (démo Feedwatch)
      Published 2023-06-04 16:42 UTC
      By Rédaction
      Language: fr
      Matched: belge, otan</i>",
      }
    `)
  })

  it('email: subject, text and HTML bodies', async () => {
    expect(await renderEmail(seed)).toMatchInlineSnapshot(`
      {
        "alertId": "Yb3kSeedAlert01",
        "html": "<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:40em"><p style="color:#555">New match for Belgorod et armes belges</p>
      <h2 style="font-size:1.2em"><a href="https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges">Raid manqué dans la région de Belgorod : des armes de facture belge identifiées</a></h2>
      <p>… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture <mark><b>belge</b></mark>. Bruxelles a demandé des explications ; un porte-parole de <mark><b>l’Otan</b></mark> a rappelé …</p>
      <table style="color:#555;font-size:.9em"><tr><td>Watch</td><td>Belgorod et armes belges</td></tr><tr><td>Feed</td><td>Le Fil — dépêches (démo Feedwatch)</td></tr><tr><td>Published</td><td>2023-06-04 16:42 UTC</td></tr><tr><td>Author</td><td>Rédaction</td></tr><tr><td>Language</td><td>fr</td></tr><tr><td>Matched</td><td>belge, otan</td></tr></table>
      <p style="color:#888;font-size:.8em">Sent by Feedwatch.</p></body></html>",
        "subject": "[Feedwatch] Belgorod et armes belges: Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
        "text": "New match for Belgorod et armes belges

      Raid manqué dans la région de Belgorod : des armes de facture belge identifiées
      https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges

      … des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé …

      Watch: Belgorod et armes belges
      Feed: Le Fil — dépêches (démo Feedwatch)
      Published: 2023-06-04 16:42 UTC
      Author: Rédaction
      Language: fr
      Matched: belge, otan

      -- 
      Sent by Feedwatch.",
      }
    `)
  })

  it('webhook: the Standard Webhooks payload', () => {
    expect(renderWebhook(seedAlert(), new Date('2023-06-04T16:43:05Z'))).toMatchInlineSnapshot(`
      {
        "data": {
          "alertId": "Yb3kSeedAlert01",
          "detectedAt": "2023-06-04T16:43:00.000Z",
          "feed": {
            "id": "f",
            "title": "Le Fil — dépêches (démo Feedwatch)",
            "url": "https://news.example.org/feed",
          },
          "item": {
            "author": "Rédaction",
            "categories": [],
            "guid": "https://news.example.org/?p=1",
            "key": "g:1",
            "lang": "fr",
            "published": "2023-06-04T16:42:00.000Z",
            "summary": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé …",
            "title": "Raid manqué dans la région de Belgorod : des armes de facture belge identifiées",
            "updated": undefined,
            "url": "https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges",
          },
          "match": {
            "fields": [
              "summary",
            ],
            "highlights": [
              [
                96,
                101,
              ],
              [
                161,
                167,
              ],
            ],
            "hits": [],
            "snippet": "… des photos publiées par les assaillants montrent plusieurs fusils d’assaut d’armes de facture belge. Bruxelles a demandé des explications ; un porte-parole de l’Otan a rappelé …",
            "terms": [
              "belge",
              "otan",
            ],
          },
          "watch": {
            "id": "w",
            "name": "Belgorod et armes belges",
            "query": "q",
          },
        },
        "timestamp": "2023-06-04T16:43:05.000Z",
        "type": "feedwatch.alert",
      }
    `)
  })
})

describe('a digest of three matches', () => {
  it('slack lists them under their watch', () => {
    expect(renderSlack(digest)).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "emoji": false,
              "text": "Digest: 3 matches for Belgorod et armes belges",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "*Belgorod et armes belges*
      • <https://news.example.org/1|Dépêche 1 sur l’Otan et des armes de facture belge>
      • <https://news.example.org/2|Dépêche 2 sur l’Otan et des armes de facture belge>
      • <https://news.example.org/3|Dépêche 3 sur l’Otan et des armes de facture belge>",
              "type": "mrkdwn",
            },
            "type": "section",
          },
        ],
        "text": "Digest: 3 matches for Belgorod et armes belges",
        "unfurl_links": false,
        "unfurl_media": false,
      }
    `)
  })

  it('telegram lists them under their watch', () => {
    expect(renderTelegram(digest, '-100123').text).toMatchInlineSnapshot(`
      "<b>Digest: 3 matches for Belgorod et armes belges</b>

      <b>Belgorod et armes belges</b>
      • <a href="https://news.example.org/1">Dépêche 1 sur l’Otan et des armes de facture belge</a>
      • <a href="https://news.example.org/2">Dépêche 2 sur l’Otan et des armes de facture belge</a>
      • <a href="https://news.example.org/3">Dépêche 3 sur l’Otan et des armes de facture belge</a>"
    `)
  })
})
