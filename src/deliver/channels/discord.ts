// Discord webhooks: https://discord.com/developers/docs/resources/webhook#execute-webhook (embeds:
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits; allowed
// mentions: https://discord.com/developers/docs/resources/message#allowed-mentions-object; rate
// limits: https://discord.com/developers/docs/topics/rate-limits).
//
// Confirmed against those pages (recorded in docs/channels/chat-webhooks.md): `?wait=true` makes a
// 2xx mean the message was stored (200 with the message); content ≤ 2,000 characters; an embed's
// title ≤ 256, description ≤ 4,096, ≤ 25 fields (name ≤ 256, value ≤ 1,024), footer ≤ 2,048, and
// all embeds together ≤ 6,000; `allowed_mentions: { parse: [] }` stops every ping whatever the text
// says. A 429 carries `retry_after` (seconds, fractional) in its JSON body and Retry-After /
// X-RateLimit-Reset-After headers; 401, 403 and 404 (Unknown Webhook) are permanent and must not
// be retried (repeated invalid requests lead to a temporary IP ban).
//
// Feed text is Markdown-escaped (a backslash before every markup character), so it can neither
// format nor mask a link (`[text](url)`), and `@` gets a word joiner so no mention even shows.
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
import { defuseMentions, fitEscaped } from '../render/text'
import { misconfigured, postJson, refused, seconds, settle } from './http'
import { parseRetryAfter } from '../../lib/retry-after'

export const DISCORD_LIMITS = {
  content: 2_000,
  title: 256,
  description: 4_096,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  /** Title, description, field names and values, footer and author of all embeds together. */
  embedTotal: 6_000,
} as const

/**
 * Webhooks share a channel's limit of about 30 messages a minute (the per-route headers say more
 * precisely, and a 429 names the wait): one every 2 s keeps a destination inside it.
 */
const DISCORD_INTERVAL_MS = 2_000

/** Blurple: an accent that reads on both themes. */
const EMBED_COLOR = 0x5865f2

const LINE_TITLE = 200

/**
 * Escapes Discord Markdown, then defuses mentions: a backslash before every inline marker
 * (`\ * _ ~ \` |`), before `[ ]` (masked links) and `<` (`<@id>`, `<#id>`, `<t:…>`), and before
 * `- # >` where they would open a list, heading or quote (at the start of a line).
 */
export const escapeDiscord = (s: string) =>
  defuseMentions(s.replace(/[\\*_~`|[\]<]/g, (c) => `\\${c}`).replace(/^(\s*)([-#>])/gm, '$1\\$2'))

interface Embed {
  title: string
  url?: string
  description: string
  color: number
  fields?: Array<{ name: string; value: string; inline: boolean }>
  footer?: { text: string }
}

export interface DiscordPayload {
  content: string
  embeds: Embed[]
  allowed_mentions: { parse: [] }
}

const snippetMarkdown = (view: AlertView, max: number) =>
  markedSnippet(view, max, escapeDiscord, { open: '**', close: '**' })

const field = (name: string, value: string | undefined, inline = true) =>
  value
    ? [{ name, value: fitEscaped(value, DISCORD_LIMITS.fieldValue, escapeDiscord), inline }]
    : []

function alertEmbed(view: AlertView): Embed {
  return {
    title: fitEscaped(view.title, DISCORD_LIMITS.title, escapeDiscord),
    ...(view.link ? { url: view.link } : {}),
    description: snippetMarkdown(view, DISCORD_LIMITS.description) || escapeDiscord('…'),
    color: EMBED_COLOR,
    fields: [
      ...field('Watch', view.watchName),
      ...field('Feed', view.feedTitle),
      ...field('Published', view.published),
      ...field('Author', view.author),
      ...field('Language', view.lang),
      ...field('Matched', view.terms.join(', '), false),
    ],
  }
}

function listEmbed(views: readonly AlertView[], omitted: number, title: string): Embed {
  const parts: string[] = []
  for (const group of groupByWatch(views)) {
    parts.push(`**${fitEscaped(group.watchName, LINE_TITLE, escapeDiscord)}**`)
    for (const v of group.alerts) {
      const t = fitEscaped(v.title, LINE_TITLE, escapeDiscord)
      // A masked link's URL cannot carry `)` or spaces unencoded; safeHttpUrl's href has none.
      parts.push(`• ${v.link ? `[${t}](${v.link.replace(/\)/g, '%29')})` : t}`)
    }
  }
  return {
    title: fitEscaped(title, DISCORD_LIMITS.title, escapeDiscord),
    description: parts.join('\n'),
    color: EMBED_COLOR,
    ...(omitted > 0 ? { footer: { text: moreNotShown(omitted) } } : {}),
  }
}

/** Characters Discord counts toward the 6,000 of an embed. */
export function embedSize(e: Embed): number {
  let n = e.title.length + e.description.length + (e.footer?.text.length ?? 0)
  for (const f of e.fields ?? []) n += f.name.length + f.value.length
  return n
}

/** The Discord message for an alert, a burst or a digest: pure. */
export function renderDiscord(message: Outgoing): DiscordPayload {
  const views = message.alerts.map(viewAlert)
  const title = headline(message, views)
  const content = fitEscaped(title, DISCORD_LIMITS.content, escapeDiscord)
  const first = views[0]
  const shape = (embed: Embed): DiscordPayload => ({
    content,
    embeds: [embed],
    allowed_mentions: { parse: [] },
  })
  if (views.length === 1 && first) {
    const embed = alertEmbed(first)
    // Fields are dropped from the end (the matched terms first) until the total fits.
    while (embedSize(embed) > DISCORD_LIMITS.embedTotal && embed.fields?.length) embed.fields.pop()
    if (embedSize(embed) > DISCORD_LIMITS.embedTotal) {
      embed.description = snippetMarkdown(first, DISCORD_LIMITS.embedTotal - embed.title.length)
    }
    return shape(embed)
  }
  const build = (n: number) => listEmbed(views.slice(0, n), views.length - n, title)
  const fits = (e: Embed) =>
    e.description.length <= DISCORD_LIMITS.description && embedSize(e) <= DISCORD_LIMITS.embedTotal
  return shape(build(fitCount(views.length, (k) => fits(build(k)))))
}

/** The webhook URL with `wait=true`, keeping its other parameters (e.g. `thread_id`). */
export function discordUrl(url: string): string {
  const u = new URL(url)
  u.searchParams.set('wait', 'true')
  return u.href
}

export const discordChannel: Channel = {
  type: 'discord',
  minIntervalMs: DISCORD_INTERVAL_MS,
  async send(message: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.url) throw misconfigured(destination, 'url')
    const answer = await postJson(
      destination,
      discordUrl(destination.url),
      renderDiscord(message),
      deps,
    )
    if (answer.status === 429) {
      // The body's `retry_after` is the precise wait; the headers say the same in whole seconds.
      const body = answer.json as { retry_after?: unknown } | undefined
      const wait =
        seconds(body?.retry_after) ??
        seconds(Number(answer.headers.get('x-ratelimit-reset-after') ?? NaN)) ??
        parseRetryAfter(answer.headers.get('retry-after'), deps.now.getTime())
      throw refused(destination, answer, true, answer.text, wait)
    }
    const result = settle(destination, answer, deps)
    // Taken, but the bucket is empty: Discord asks for nothing more until it refills, and a
    // request sent anyway is a 429 that counts toward its ban of the sender.
    const remaining = answer.headers.get('x-ratelimit-remaining')
    const pause = seconds(Number(answer.headers.get('x-ratelimit-reset-after') ?? NaN))
    if (remaining === '0' && pause !== undefined) return { ...result, pauseSeconds: pause }
    return result
  },
}
