// What each destination type takes (the API shapes of issue #10), checked as one rule table:
// webhook `url` + optional `secret`; slack, discord, teams, googlechat `url`; ntfy `url` + optional
// `token`; telegram `token`, `chatId`, optional `apiBase`; email `to` (1–50 addresses). A field
// another type uses is refused by name, not ignored. URLs pass the address guard (https, public
// host) and the service's own URL rules, confirmed against each service's documentation:
// - Slack incoming webhooks: https://api.slack.com/messaging/webhooks — `hooks.slack.com/services/…`
//   (GovSlack: `hooks.slack-gov.com`);
// - Discord "Execute Webhook": https://discord.com/developers/docs/resources/webhook —
//   `discord.com` (or the older `discordapp.com`, `ptb.`/`canary.` clients) `/api[/vN]/webhooks/{id}/{token}`;
// - Google Chat incoming webhooks: https://developers.google.com/workspace/chat/quickstart/webhooks
//   — `chat.googleapis.com/v1/spaces/{space}/messages?key=…&token=…`;
// - Microsoft Teams: Office 365 connector URLs (`*.webhook.office.com/webhookb2/…`,
//   `outlook.office.com/webhook/…`) are retired; Workflows webhook URLs vary by tenant and region.
// In development, loopback URLs skip the service rules so tests can use a local receiver.
// Not responsible for storing or redacting destinations (entries.ts, src/http/redact.ts).
import type { Destination, DestinationType } from '../model'
import { isValidSecret } from '../deliver/sign'
import { ConfigError } from '../lib/errors'
import { assertPublicUrl, classifyHost, type AddressPolicy } from '../lib/address-guard'
import { MAX_EMAIL_RECIPIENTS } from '../http/limits'

/** Every type the model knows, whether or not its channel is registered yet. */
export const DESTINATION_TYPES: readonly DestinationType[] = [
  'webhook',
  'slack',
  'discord',
  'teams',
  'googlechat',
  'ntfy',
  'telegram',
  'email',
]

/** The fields that depend on the type. */
export type ShapeField = 'url' | 'secret' | 'token' | 'chatId' | 'apiBase' | 'to'
const SHAPE_FIELDS: readonly ShapeField[] = ['url', 'secret', 'token', 'chatId', 'apiBase', 'to']

const RULES: Record<DestinationType, { required: ShapeField[]; optional: ShapeField[] }> = {
  webhook: { required: ['url'], optional: ['secret'] },
  slack: { required: ['url'], optional: [] },
  discord: { required: ['url'], optional: [] },
  teams: { required: ['url'], optional: [] },
  googlechat: { required: ['url'], optional: [] },
  ntfy: { required: ['url'], optional: ['token'] },
  telegram: { required: ['token', 'chatId'], optional: ['apiBase'] },
  email: { required: ['to'], optional: [] },
}

/** The type-specific fields as the API receives them (before normalising). */
export interface ShapeInput {
  url?: string
  secret?: string
  token?: string
  chatId?: string | number
  apiBase?: string
  to?: string | string[]
}

export type Shape = Pick<Destination, ShapeField>

export function isDestinationType(type: string): type is DestinationType {
  return (DESTINATION_TYPES as readonly string[]).includes(type)
}

/** Telegram bot tokens: `<bot id>:<35-character secret>` (Bot API, "Authorizing your bot"). */
const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,64}$/
/** A chat id is an integer (negative for groups and channels) or a public `@channelusername`. */
const TELEGRAM_CHAT = /^(?:-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/
/** ntfy access tokens (`tk_…`) or a password-like token: visible ASCII, no spaces. */
const NTFY_TOKEN = /^[\x21-\x7e]{1,256}$/
/** A practical address check (RFC 5321 sizes): something@domain.tld, no spaces or brackets. */
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/

const isLoopback = (host: string): boolean => {
  const why = classifyHost(host)
  return why !== undefined && /loopback/.test(why)
}

const SLACK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com'])
const DISCORD_HOSTS = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'canary.discord.com',
])
const DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[^/]+\/?$/
const GOOGLE_CHAT_PATH = /^\/v1\/spaces\/[^/]+\/messages$/

/** The service's own rule for its webhook URLs, or undefined when `url` fits it. */
function serviceUrlProblem(type: DestinationType, url: URL): string | undefined {
  const host = url.hostname.replace(/\.$/, '')
  switch (type) {
    case 'slack':
      return SLACK_HOSTS.has(host) && url.pathname.startsWith('/services/')
        ? undefined
        : 'must be a Slack incoming webhook URL (https://hooks.slack.com/services/…)'
    case 'discord':
      return DISCORD_HOSTS.has(host) && DISCORD_PATH.test(url.pathname)
        ? undefined
        : 'must be a Discord webhook URL (https://discord.com/api/webhooks/{id}/{token})'
    case 'googlechat':
      return host === 'chat.googleapis.com' && GOOGLE_CHAT_PATH.test(url.pathname)
        ? undefined
        : 'must be a Google Chat webhook URL (https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…)'
    case 'teams':
      if (
        (host.endsWith('.webhook.office.com') && url.pathname.startsWith('/webhookb2/')) ||
        (/^outlook\.office(?:365)?\.com$/.test(host) && url.pathname.startsWith('/webhook/'))
      ) {
        return (
          'is a retired Office 365 connector URL: Microsoft no longer delivers to these. In Teams, ' +
          'create a workflow from the template "Send webhook alerts to a channel" (trigger "When a ' +
          'Teams webhook request is received") and use the URL it gives'
        )
      }
      return undefined
    case 'ntfy':
      return url.pathname.replace(/\/+$/, '').split('/').filter(Boolean).length === 1
        ? undefined
        : 'must be an ntfy topic URL (https://ntfy.sh/<topic> or your server’s)'
    default:
      return undefined
  }
}

function checkUrl(
  type: DestinationType,
  raw: string,
  policy: AddressPolicy,
  field: string,
): string {
  const url = assertPublicUrl(raw.trim(), 'destination', policy, field)
  if (policy.development && isLoopback(url.hostname)) return url.href
  const problem = serviceUrlProblem(type, url)
  if (problem) throw new ConfigError(field, problem)
  return url.href
}

function checkRecipients(to: string | string[]): string[] {
  const list = typeof to === 'string' ? [to] : to
  if (list.length === 0) throw new ConfigError('to', 'needs at least one address')
  if (list.length > MAX_EMAIL_RECIPIENTS) {
    throw new ConfigError('to', `${list.length} addresses; the limit is ${MAX_EMAIL_RECIPIENTS}`)
  }
  return list.map((address, i) => {
    const field = typeof to === 'string' ? 'to' : `to[${i}]`
    const trimmed = address.trim()
    if (trimmed.length > 254 || !EMAIL.test(trimmed)) {
      throw new ConfigError(field, 'is not an email address')
    }
    return trimmed
  })
}

/**
 * The type-specific fields of a destination of `type`, checked and normalised (one `to` becomes a
 * list, a numeric `chatId` a string), or a ConfigError naming the first field that does not fit.
 */
export function checkShape(type: DestinationType, input: ShapeInput, policy: AddressPolicy): Shape {
  const rule = RULES[type]
  for (const field of SHAPE_FIELDS) {
    const given = input[field] !== undefined
    if (given && !rule.required.includes(field) && !rule.optional.includes(field)) {
      const takes = [...rule.required, ...rule.optional].join(', ')
      throw new ConfigError(field, `is not used by ${type} destinations (they take ${takes})`)
    }
    if (!given && rule.required.includes(field)) {
      throw new ConfigError(field, `is required for ${type} destinations`)
    }
  }
  const shape: Shape = {}
  if (input.url !== undefined) shape.url = checkUrl(type, input.url, policy, 'url')
  if (input.secret !== undefined) {
    if (!isValidSecret(input.secret)) {
      throw new ConfigError('secret', 'must be whsec_ followed by base64 of 24–64 bytes')
    }
    shape.secret = input.secret
  }
  if (input.token !== undefined) {
    const ok = type === 'telegram' ? TELEGRAM_TOKEN : NTFY_TOKEN
    if (!ok.test(input.token)) {
      throw new ConfigError(
        'token',
        type === 'telegram'
          ? 'must be a Telegram bot token (<bot id>:<secret>, as BotFather gives it)'
          : 'must be 1–256 visible ASCII characters',
      )
    }
    shape.token = input.token
  }
  if (input.chatId !== undefined) {
    const chatId = String(input.chatId)
    if (
      !TELEGRAM_CHAT.test(chatId) ||
      (typeof input.chatId === 'number' && !Number.isSafeInteger(input.chatId))
    ) {
      throw new ConfigError(
        'chatId',
        'must be a chat id (an integer, negative for groups) or @channelname',
      )
    }
    shape.chatId = chatId
  }
  if (input.apiBase !== undefined) {
    shape.apiBase = assertPublicUrl(input.apiBase.trim(), 'destination', policy, 'apiBase').href
  }
  if (input.to !== undefined) shape.to = checkRecipients(input.to)
  return shape
}
