// What each destination type needs to be deliverable, checked without sending anything: the
// fields its channel reads, in the shapes its service accepts (docs/channels/). Pure. Exported
// for the API's validation and the destination test; the channels themselves still refuse a
// destination that lacks a field (a permanent DeliveryError), so nothing relies on this check.
//
// Not here: URL safety (https, private addresses), which the API owns.
import type { Destination } from '../../model'
import { isRetiredTeamsUrl } from './teams'
import { splitTopicUrl } from './ntfy'

export interface FieldProblem {
  field: string
  message: string
}

/** The send_email binding and most providers refuse more recipients than this in one message. */
export const MAX_EMAIL_RECIPIENTS = 50

/** `123456789:AA…`: a bot id, a colon, and the secret part (letters, digits, `_`, `-`). */
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/
/** A numeric chat id (groups and channels are negative) or a public `@channelusername`. */
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/
/** Deliberately loose (RFC 5321 is broader than any check): one @, no spaces or angle brackets. */
const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/

const URL_TYPES = new Set(['webhook', 'slack', 'discord', 'teams', 'googlechat', 'ntfy'])

function absoluteUrl(url: string | undefined): FieldProblem | undefined {
  if (!url) return { field: 'url', message: 'required' }
  try {
    const u = new URL(url)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      return { field: 'url', message: 'must be an http(s) URL' }
    }
  } catch {
    return { field: 'url', message: 'must be an absolute URL' }
  }
  return undefined
}

/** Everything wrong with a destination's type-specific fields (empty when it can be used). */
export function destinationProblems(d: Destination): FieldProblem[] {
  const problems: FieldProblem[] = []
  const add = (p: FieldProblem | undefined) => p && problems.push(p)
  if (URL_TYPES.has(d.type)) {
    const urlProblem = absoluteUrl(d.url)
    add(urlProblem)
    if (!urlProblem && d.type === 'teams' && isRetiredTeamsUrl(d.url ?? '')) {
      add({
        field: 'url',
        message: 'Office 365 connector URLs are retired; create a Workflows webhook',
      })
    }
    if (!urlProblem && d.type === 'ntfy') {
      try {
        splitTopicUrl(d.url ?? '')
      } catch (error) {
        add({ field: 'url', message: (error as Error).message.replace(/^url: /, '') })
      }
    }
  }
  if (d.type === 'telegram') {
    if (!d.token || !TELEGRAM_TOKEN.test(d.token)) {
      add({ field: 'token', message: 'must be a bot token from @BotFather (123456:AA…)' })
    }
    if (!d.chatId || !TELEGRAM_CHAT.test(d.chatId)) {
      add({ field: 'chatId', message: 'must be a numeric chat id or @channelusername' })
    }
    if (d.apiBase !== undefined) {
      const p = absoluteUrl(d.apiBase)
      if (p) add({ field: 'apiBase', message: p.message })
    }
  }
  if (d.type === 'email') {
    const to = d.to ?? []
    if (to.length === 0) add({ field: 'to', message: 'required: one address or a list' })
    if (to.length > MAX_EMAIL_RECIPIENTS) {
      add({ field: 'to', message: `at most ${MAX_EMAIL_RECIPIENTS} addresses` })
    }
    to.forEach((a, i) => {
      if (!EMAIL_ADDRESS.test(a)) add({ field: `to[${i}]`, message: 'not an email address' })
    })
  }
  return problems
}
