// Google Chat incoming webhooks: https://developers.google.com/workspace/chat/quickstart/webhooks
// (message: https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages;
// cards: https://developers.google.com/workspace/chat/api/reference/rest/v1/cards; text formatting
// in card widgets: https://developers.google.com/workspace/chat/format-messages#card-formatting;
// limits: https://developers.google.com/workspace/chat/limits).
//
// Confirmed against those pages (recorded in docs/channels/chat-webhooks.md): a webhook POSTs a
// Message with `cardsV2: [{ cardId, card }]`; a message is at most 32,000 bytes; a space takes 60
// writes a minute (429 RESOURCE_EXHAUSTED beyond); `textParagraph` and `decoratedText` accept a
// small HTML subset (`<b>`, `<i>`, `<a href>`, `<br>`, `<font>`), so feed text is HTML-escaped there,
// which also keeps `<users/all>` from mentioning anyone. Card header title and subtitle are plain
// text. 400, 403 and 404 (space or webhook gone) are permanent.
import type { Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import {
  markedSnippet,
  groupByWatch,
  headline,
  moreNotShown,
  viewAlert,
  type AlertView,
} from '../render/alert-view'
import { fitCount } from '../render/fit'
import { cut, fitEscaped, measure } from '../render/text'
import { misconfigured, postJson, settle } from './http'

/** Google Chat's limit for one message, in UTF-8 bytes. */
export const GOOGLECHAT_MAX_BYTES = 32_000

/** Per-field budgets (characters): 4 × 3 bytes worst case each, all well inside 32,000 bytes. */
const MAX_TITLE = 500
const MAX_SNIPPET = 4_000
const MAX_META = 300
const LINE_TITLE = 200

/** A card shows at most 100 widgets; Chat ignores the rest. */
export const GOOGLECHAT_MAX_WIDGETS = 100

/** 60 messages a minute per space. */
const GOOGLECHAT_INTERVAL_MS = 1_000

/** Escapes the HTML subset Chat's card text understands. */
export const escapeChat = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

type Widget = Record<string, unknown>

/**
 * The card header is documented as plain text; angle brackets become look-alikes (‹ ›) all the
 * same, so no reading of it can see a tag or a `<users/all>` mention.
 */
const headerText = (s: string) => s.replace(/</g, '‹').replace(/>/g, '›')

const paragraph = (text: string): Widget => ({ textParagraph: { text } })
const link = (url: string, html: string) => `<a href="${escapeChat(url)}">${html}</a>`

const snippetHtml = (view: AlertView, max: number) =>
  markedSnippet(view, max, escapeChat, { open: '<b>', close: '</b>' })

function alertWidgets(view: AlertView): Widget[] {
  const title = `<b>${fitEscaped(view.title, MAX_TITLE, escapeChat)}</b>`
  const meta = (label: string, value: string | undefined): Widget[] =>
    value
      ? [{ decoratedText: { topLabel: label, text: fitEscaped(value, MAX_META, escapeChat) } }]
      : []
  return [
    paragraph(view.link ? link(view.link, title) : title),
    ...(view.snippet.length > 0 ? [paragraph(snippetHtml(view, MAX_SNIPPET))] : []),
    ...meta('Watch', view.watchName),
    ...meta('Feed', view.feedTitle),
    ...meta('Published', view.published),
    ...meta('Author', view.author),
    ...meta('Language', view.lang),
    ...meta('Matched', view.terms.join(', ')),
    ...(view.link
      ? [
          {
            buttonList: {
              buttons: [{ text: 'Open the article', onClick: { openLink: { url: view.link } } }],
            },
          },
        ]
      : []),
  ]
}

function listWidgets(views: readonly AlertView[], omitted: number): Widget[] {
  const widgets: Widget[] = []
  for (const group of groupByWatch(views)) {
    const lines = [`<b>${fitEscaped(group.watchName, LINE_TITLE, escapeChat)}</b>`]
    for (const v of group.alerts) {
      const t = fitEscaped(v.title, LINE_TITLE, escapeChat)
      lines.push(`• ${v.link ? link(v.link, t) : t}`)
    }
    widgets.push(paragraph(lines.join('<br>')))
  }
  if (omitted > 0) widgets.push(paragraph(`<i>${escapeChat(moreNotShown(omitted))}</i>`))
  return widgets
}

export interface GoogleChatPayload {
  cardsV2: Array<{ cardId: string; card: Record<string, unknown> }>
}

const message = (
  title: string,
  subtitle: string | undefined,
  widgets: Widget[],
): GoogleChatPayload => ({
  cardsV2: [
    {
      cardId: 'feedwatch',
      card: {
        header: {
          title: cut(headerText(title), MAX_TITLE),
          ...(subtitle ? { subtitle: cut(headerText(subtitle), MAX_META) } : {}),
        },
        sections: [{ widgets }],
      },
    },
  ],
})

/** The Google Chat message for an alert, a burst or a digest: pure. */
export function renderGoogleChat(outgoing: Outgoing): GoogleChatPayload {
  const views = outgoing.alerts.map(viewAlert)
  const title = headline(outgoing, views)
  const first = views[0]
  if (views.length === 1 && first) return message(title, first.feedTitle, alertWidgets(first))
  const build = (n: number) =>
    message(title, undefined, listWidgets(views.slice(0, n), views.length - n))
  const size = (p: GoogleChatPayload) => measure(JSON.stringify(p), 'bytes')
  const widgets = (p: GoogleChatPayload) =>
    (p.cardsV2[0]?.card.sections as Array<{ widgets: Widget[] }>)[0]?.widgets.length ?? 0
  const fits = (p: GoogleChatPayload) =>
    size(p) <= GOOGLECHAT_MAX_BYTES && widgets(p) <= GOOGLECHAT_MAX_WIDGETS
  return build(fitCount(views.length, (k) => fits(build(k))))
}

export const googleChatChannel: Channel = {
  type: 'googlechat',
  minIntervalMs: GOOGLECHAT_INTERVAL_MS,
  async send(outgoing: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.url) throw misconfigured(destination, 'url')
    const answer = await postJson(destination, destination.url, renderGoogleChat(outgoing), deps)
    return settle(destination, answer, deps)
  },
}
