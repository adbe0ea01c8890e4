// The one HTTP exchange every chat/push channel makes: a POST with a 15-second timeout, redirects
// not followed, and the answer read back for classification; plus the default classification
// (docs/channels/README.md, "How answers are classified") that each channel refines with what its
// service documents.
//
// Not here: any service's payload or its own error codes. Never puts a destination URL in an error
// (it is a credential): errors name the destination.
import { AddressError, DeliveryError, errorMessage } from '../../lib/errors'
import { parseRetryAfter } from '../../lib/retry-after'
import type { Destination } from '../../model'
import type { ChannelDeps, SendResult } from '../channel'
import { classifyStatus } from '../retry'
import { cut } from '../render/text'

/** Standard Webhooks suggests 15–30 s; a service slower than 15 s is retried later instead. */
export const SERVICE_TIMEOUT_MS = 15_000

/** Answers are short JSON or text; more is never needed to classify one. */
const MAX_ANSWER_CHARS = 64 * 1024

/** How much of a service's error text goes into the error message. */
const MAX_DETAIL = 200

export const USER_AGENT = 'Feedwatch/0.1 (+https://github.com/feedwatch)'

export interface Answer {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown
}

/** POSTs `payload` as UTF-8 JSON (the form every chat service's webhook takes); see `post`. */
export function postJson(
  destination: Destination,
  url: string,
  payload: unknown,
  deps: ChannelDeps,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init = {
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(payload),
  }
  return post(destination, url, init, deps)
}

/**
 * POSTs `body`; a network error or timeout is a retryable DeliveryError, a refused address a
 * permanent one.
 */
export async function post(
  destination: Destination,
  url: string,
  init: { headers: Record<string, string>; body: string },
  deps: ChannelDeps,
): Promise<Answer> {
  let response: Response
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, ...init.headers },
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SERVICE_TIMEOUT_MS),
    })
  } catch (cause) {
    // Network errors and timeouts: the service may be back later. An address the guard refuses
    // (src/lib/address-guard.ts) will be refused again on every try: permanent. Some runtime
    // errors quote the URL, which is a credential (a bot token is in Telegram's path): cut out.
    const said = errorMessage(cause).split(url).join('(destination URL)')
    throw new DeliveryError(
      `${destination.type} ${destination.name}: ${said}`,
      { channel: destination.type, retryable: !(cause instanceof AddressError) },
      { cause },
    )
  }
  let text = ''
  try {
    text = (await response.text()).slice(0, MAX_ANSWER_CHARS)
  } catch (cause) {
    // The status already says what happened; a body cut off mid-way only loses detail.
    text = `(answer unreadable: ${errorMessage(cause)})`
  }
  let json: unknown
  if (/^\s*[[{]/.test(text)) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined // not JSON after all: classified on status and text
    }
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** Seconds from a JSON number (Discord's `retry_after: 1.5`), rounded up; undefined otherwise. */
export function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.ceil(value)
    : undefined
}

/** A DeliveryError for an answer, with a short excerpt of what the service said. */
export function refused(
  destination: Destination,
  answer: Answer,
  retryable: boolean,
  detail: string = answer.text,
  retryAfterSeconds?: number,
): DeliveryError {
  const said = cut(detail.replace(/\s+/g, ' ').trim(), MAX_DETAIL)
  return new DeliveryError(
    `${destination.type} ${destination.name}: HTTP ${answer.status}${said ? ` ${said}` : ''}`,
    { channel: destination.type, status: answer.status, retryable, retryAfterSeconds },
  )
}

/**
 * The default: 2xx delivered; 408, 425, 429, 5xx retried (honouring Retry-After); any other 3xx or
 * 4xx permanent.
 */
export function settle(destination: Destination, answer: Answer, deps: ChannelDeps): SendResult {
  const verdict = classifyStatus(answer.status)
  if (verdict === 'delivered') return { status: answer.status }
  throw refused(
    destination,
    answer,
    verdict === 'retry',
    answer.text,
    parseRetryAfter(answer.headers.get('retry-after'), deps.now.getTime()),
  )
}

/** A destination missing a field its type needs: permanent, it will not fix itself. */
export function misconfigured(destination: Destination, field: string): DeliveryError {
  return new DeliveryError(`${destination.type} ${destination.name}: no ${field} configured`, {
    channel: destination.type,
    retryable: false,
  })
}
