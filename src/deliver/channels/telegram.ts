// Telegram Bot API `sendMessage`: https://core.telegram.org/bots/api#sendmessage (HTML formatting:
// https://core.telegram.org/bots/api#html-style; errors: https://core.telegram.org/bots/api#making-requests
// and https://core.telegram.org/bots/api#responseparameters; pace: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
//
// Confirmed against those pages (recorded in docs/channels/push.md): POST
// `{apiBase}/bot{token}/sendMessage` with `chat_id`, `text`, `parse_mode: "HTML"`; text is at most
// 4,096 characters after entity parsing (tags and link targets do not count); in HTML mode every `<`, `>` and `&` that is not markup must be escaped as
// `&lt;` `&gt;` `&amp;`, and only a fixed tag set is understood (`<b>`, `<i>`, `<a href>`…). Every
// answer is `{ ok, result | error_code, description, parameters? }`: `ok: false` with
// `parameters.retry_after` means flood control (wait that long); `migrate_to_chat_id` means the
// group became a supergroup (the destination needs the new id). About one message a second per
// chat and twenty a minute per group.
//
// Feed text is HTML-escaped and its `@` defused, so it can neither format, link nor mention.
// The bot token is part of the URL: it is never put in an error message.
import type { Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import {
  markedSnippet,
  factLines,
  groupByWatch,
  headline,
  moreNotShown,
  viewAlert,
  type AlertView,
} from '../render/alert-view'
import { fitCount } from '../render/fit'
import { defuseMentions, fitEscaped } from '../render/text'
import { misconfigured, postJson, refused, seconds, settle } from './http'

export const TELEGRAM_API_BASE = 'https://api.telegram.org'
/** Characters of a message's text after entity parsing: tags and `href`s do not count. */
export const TELEGRAM_MAX_TEXT = 4_096
/** Title and headline 300, each metadata line 150: with a 2,048-character link, room remains. */
const MAX_TITLE = 300
const MAX_META = 150
const LINE_TITLE = 200

/** A group takes 20 messages a minute: one every 3 s suits groups and private chats alike. */
const TELEGRAM_INTERVAL_MS = 3_000

export const escapeTelegram = (s: string) =>
  defuseMentions(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))

/**
 * The length Telegram counts: the text once tags are parsed away and entities decoded (UTF-16
 * units, which is never less than Telegram's count).
 */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot);/g, '_').length
}

const href = (url: string) =>
  url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '%3C').replace(/>/g, '%3E')

const snippetHtml = (view: AlertView, max: number) =>
  markedSnippet(view, max, escapeTelegram, { open: '<b>', close: '</b>' })

function alertText(title: string, view: AlertView): string {
  const name = `<b>${fitEscaped(view.title, MAX_TITLE, escapeTelegram)}</b>`
  const meta = factLines(view).map((m) => fitEscaped(m, MAX_META, escapeTelegram))
  const head = [
    fitEscaped(title, MAX_TITLE, escapeTelegram),
    view.link ? `<a href="${href(view.link)}">${name}</a>` : name,
  ].join('\n')
  const foot = `<i>${meta.join('\n')}</i>`
  const room = TELEGRAM_MAX_TEXT - visibleLength(head) - visibleLength(foot) - 4
  const snippet = room > 0 ? snippetHtml(view, room) : ''
  return [head, snippet, foot].filter(Boolean).join('\n\n')
}

function listText(title: string, views: readonly AlertView[], omitted: number): string {
  const lines = [`<b>${fitEscaped(title, MAX_TITLE, escapeTelegram)}</b>`]
  for (const group of groupByWatch(views)) {
    lines.push('', `<b>${fitEscaped(group.watchName, LINE_TITLE, escapeTelegram)}</b>`)
    for (const v of group.alerts) {
      const t = fitEscaped(v.title, LINE_TITLE, escapeTelegram)
      lines.push(`• ${v.link ? `<a href="${href(v.link)}">${t}</a>` : t}`)
    }
  }
  if (omitted > 0) lines.push('', `<i>${escapeTelegram(moreNotShown(omitted))}</i>`)
  return lines.join('\n')
}

export interface TelegramPayload {
  chat_id: string
  text: string
  parse_mode: 'HTML'
  link_preview_options: { is_disabled: true }
}

/** The Telegram sendMessage body for an alert, a burst or a digest: pure. */
export function renderTelegram(outgoing: Outgoing, chatId: string): TelegramPayload {
  const views = outgoing.alerts.map(viewAlert)
  const title = headline(outgoing, views)
  const first = views[0]
  let text: string
  if (views.length === 1 && first) {
    text = alertText(title, first)
  } else {
    const build = (n: number) => listText(title, views.slice(0, n), views.length - n)
    text = build(fitCount(views.length, (k) => visibleLength(build(k)) <= TELEGRAM_MAX_TEXT))
  }
  return { chat_id: chatId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } }
}

interface TelegramAnswer {
  ok?: boolean
  error_code?: number
  description?: string
  parameters?: { retry_after?: number; migrate_to_chat_id?: number }
}

export const telegramChannel: Channel = {
  type: 'telegram',
  minIntervalMs: TELEGRAM_INTERVAL_MS,
  async send(outgoing: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.token) throw misconfigured(destination, 'token')
    if (!destination.chatId) throw misconfigured(destination, 'chatId')
    const base = (destination.apiBase ?? TELEGRAM_API_BASE).replace(/\/+$/, '')
    const answer = await postJson(
      destination,
      `${base}/bot${destination.token}/sendMessage`,
      renderTelegram(outgoing, destination.chatId),
      deps,
    )
    const body = (answer.json ?? {}) as TelegramAnswer
    if (body.ok === true && answer.status >= 200 && answer.status < 300)
      return { status: answer.status }
    const detail = body.description ?? ''
    const retryAfter = seconds(body.parameters?.retry_after)
    if (retryAfter !== undefined) throw refused(destination, answer, true, detail, retryAfter)
    if (body.parameters?.migrate_to_chat_id !== undefined) {
      throw refused(
        destination,
        answer,
        false,
        `${detail} (the group is now chat ${body.parameters.migrate_to_chat_id}: update chatId)`,
      )
    }
    if (body.ok === false) {
      // The status and error_code agree on Telegram; a 2xx with ok:false is classified by its code.
      const code = body.error_code ?? answer.status
      const retry = code === 429 || code >= 500
      throw refused(destination, { ...answer, status: code }, retry, detail)
    }
    // Not a Bot API answer (a proxy's error page): a failure status is classified as any other
    // service's; a 2xx that is not `ok: true` delivered nothing and may pass later.
    if (answer.status < 200 || answer.status >= 300) return settle(destination, answer, deps)
    throw refused(destination, answer, true, 'answer is not a Bot API reply')
  },
}
