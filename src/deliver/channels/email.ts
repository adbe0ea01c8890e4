// Email through the Workers `send_email` binding: https://developers.cloudflare.com/email-routing/email-workers/send-email-workers/
// (Email Service's Workers API: https://developers.cloudflare.com/email-service/api/send-emails/workers-api/).
// The message is built as raw MIME with mimetext (https://github.com/muratgozel/MIMEText) and
// sent as an `EmailMessage` from `cloudflare:email`.
//
// Why raw MIME rather than the binding's structured `send({ from, to, subject, text, html })`: the
// raw form is what Email Routing's binding has always taken (the structured form is Email
// Service's, in beta), and under the pinned Miniflare it is the form whose whole message (headers
// and both bodies) is written to one `.eml` file, which the tests parse with a real MIME parser.
// Confirmed against those pages (recorded in docs/channels/email.md): the envelope has one
// recipient per `EmailMessage`, the From header must equal the envelope sender, the message must
// carry a Message-ID (the platform replaces it with its own), and the binding throws when the
// recipient is not allowed (not verified in Email Routing, or outside the binding's allow-list).
//
// Every feed string is HTML-escaped in the HTML part; header values are on one line (no CR/LF, so
// no header injection) and encoded by mimetext. `X-Feedwatch-Alert-Id` carries the alert id (a
// digest's id for several), so a retry is recognisable; `Auto-Submitted: auto-generated` (RFC
// 3834) keeps auto-responders from answering.
import { EmailMessage } from 'cloudflare:email'
import { DeliveryError, errorMessage } from '../../lib/errors'
import type { Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import {
  groupByWatch,
  headline,
  moreNotShown,
  snippetText,
  viewAlert,
  type AlertView,
} from '../render/alert-view'
import { cut, oneLine } from '../render/text'
import { misconfigured } from './http'

/** RFC 5322 allows 998 characters a line; a subject past a screen's width is cut by every client. */
export const MAX_SUBJECT = 200
/** A digest lists at most this many alerts; an email with more is not read, it is scrolled. */
export const MAX_EMAIL_ALERTS = 200
/** Base64 lines are 76 characters (RFC 2045 §6.8). */
const BASE64_LINE = 76

/** An inbox is read, not watched: more than one email a minute per destination is noise. */
const EMAIL_INTERVAL_MS = 60_000

/** What the SMTP-like status of an accepted message is reported as (the binding has none). */
export const EMAIL_ACCEPTED = 250

export const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')

export interface RenderedEmail {
  subject: string
  text: string
  html: string
  /** The alert id, or `digest-<hash of the ids>` for several. */
  alertId: string
}

const HTML_STYLE = 'font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:40em'

function metaLines(view: AlertView): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ['Watch', view.watchName],
    ['Feed', view.feedTitle],
    ['Published', view.published],
    ['Author', view.author],
    ['Language', view.lang],
    ['Matched', view.terms.join(', ') || undefined],
  ]
  return rows.filter((r): r is [string, string] => Boolean(r[1]))
}

function alertParts(view: AlertView): { text: string; html: string } {
  const meta = metaLines(view)
  const text = [
    view.title,
    view.link ?? '',
    '',
    snippetText(view.snippet),
    '',
    ...meta.map(([k, v]) => `${k}: ${v}`),
  ].join('\n')
  const title = escapeHtml(view.title)
  const snippet = view.snippet
    .map((s) => (s.hit ? `<mark><b>${escapeHtml(s.text)}</b></mark>` : escapeHtml(s.text)))
    .join('')
  const html = [
    `<h2 style="font-size:1.2em">${view.link ? `<a href="${escapeHtml(view.link)}">${title}</a>` : title}</h2>`,
    snippet ? `<p>${snippet}</p>` : '',
    `<table style="color:#555;font-size:.9em">${meta
      .map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(v)}</td></tr>`)
      .join('')}</table>`,
  ].join('\n')
  return { text, html }
}

function listParts(views: readonly AlertView[], omitted: number): { text: string; html: string } {
  const text: string[] = []
  const html: string[] = []
  for (const group of groupByWatch(views)) {
    text.push(
      `${group.watchName}`,
      ...group.alerts.map((v) => `- ${v.title}${v.link ? `\n  ${v.link}` : ''}`),
      '',
    )
    html.push(
      `<h3>${escapeHtml(group.watchName)}</h3><ul>${group.alerts
        .map((v) => {
          const t = escapeHtml(v.title)
          return `<li>${v.link ? `<a href="${escapeHtml(v.link)}">${t}</a>` : t} <small>(${escapeHtml(v.feedTitle)})</small></li>`
        })
        .join('')}</ul>`,
    )
  }
  if (omitted > 0) {
    text.push(moreNotShown(omitted))
    html.push(`<p><i>${escapeHtml(moreNotShown(omitted))}</i></p>`)
  }
  return { text: text.join('\n'), html: html.join('\n') }
}

async function digestId(ids: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode([...ids].sort().join('\n'))
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return `digest-${[...hash.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** Subject, both bodies and the id header of an email: pure (the id hash is async). */
export async function renderEmail(outgoing: Outgoing): Promise<RenderedEmail> {
  const views = outgoing.alerts.map(viewAlert)
  const title = headline(outgoing, views)
  const first = views[0]
  const single = views.length === 1 && first
  const parts = single
    ? alertParts(first)
    : listParts(views.slice(0, MAX_EMAIL_ALERTS), Math.max(0, views.length - MAX_EMAIL_ALERTS))
  const subject = cut(
    oneLine(single ? `[Feedwatch] ${first.watchName}: ${first.title}` : `[Feedwatch] ${title}`),
    MAX_SUBJECT,
  )
  const html = `<!doctype html><html><body style="${HTML_STYLE}"><p style="color:#555">${escapeHtml(title)}</p>\n${parts.html}\n<p style="color:#888;font-size:.8em">Sent by Feedwatch.</p></body></html>`
  const text = `${title}\n\n${parts.text}\n\n-- \nSent by Feedwatch.`
  const alertId = single ? first.id : await digestId(views.map((v) => v.id))
  return { subject, text, html, alertId }
}

function base64Utf8(s: string): string {
  let bin = ''
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b)
  const b64 = btoa(bin)
  return b64.replace(new RegExp(`(.{${BASE64_LINE}})`, 'g'), '$1\r\n').trimEnd()
}

/** The raw MIME message for one recipient. */
export async function buildMime(
  rendered: RenderedEmail,
  from: string,
  to: string,
): Promise<string> {
  // Imported on the first email, not at start-up: mimetext's Babel runtime brings core-js-pure,
  // whose module code cost every new isolate ~16 ms of start-up CPU (docs/decisions.md, 31),
  // emails or not. An isolate that sends email pays it once.
  const { createMimeMessage } = await import('mimetext/browser')
  const msg = createMimeMessage()
  msg.setSender({ addr: from, name: 'Feedwatch' })
  msg.setRecipient(to)
  msg.setSubject(rendered.subject)
  msg.setHeader('X-Feedwatch-Alert-Id', rendered.alertId)
  msg.setHeader('Auto-Submitted', 'auto-generated')
  msg.addMessage({ contentType: 'text/plain', encoding: 'base64', data: base64Utf8(rendered.text) })
  msg.addMessage({ contentType: 'text/html', encoding: 'base64', data: base64Utf8(rendered.html) })
  return msg.asRaw()
}

/**
 * Whether a binding error will repeat: a recipient or sender the platform refuses (not verified,
 * not allowed, suppressed, invalid) is permanent; anything else (quota, outage) may pass.
 */
export function isPermanentEmailError(message: string): boolean {
  return /not allowed|not verified|unverified|suppress|invalid|does not match|no such/i.test(
    message,
  )
}

export const emailChannel: Channel = {
  type: 'email',
  minIntervalMs: EMAIL_INTERVAL_MS,
  async send(outgoing: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.to?.length) throw misconfigured(destination, 'to')
    if (!deps.email) throw misconfigured(destination, 'send_email binding (EMAIL)')
    if (!deps.emailFrom) throw misconfigured(destination, 'sender address (EMAIL_FROM)')
    const rendered = await renderEmail(outgoing)
    // One message per recipient: an EmailMessage's envelope names one. A retry after a partial
    // failure sends again to everyone; the X-Feedwatch-Alert-Id header shows it is the same alert.
    for (const to of destination.to) {
      try {
        await deps.email.send(
          new EmailMessage(deps.emailFrom, to, await buildMime(rendered, deps.emailFrom, to)),
        )
      } catch (cause) {
        const said = errorMessage(cause)
        throw new DeliveryError(
          `email ${destination.name}: ${said}`,
          { channel: 'email', retryable: !isPermanentEmailError(said) },
          { cause },
        )
      }
    }
    return { status: EMAIL_ACCEPTED }
  },
}
