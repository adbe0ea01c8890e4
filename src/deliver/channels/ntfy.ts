// ntfy (ntfy.sh or a self-hosted server): https://docs.ntfy.sh/publish/ — "Publish as JSON"
// (https://docs.ntfy.sh/publish/#publish-as-json), access tokens
// (https://docs.ntfy.sh/publish/#access-tokens), limits (https://docs.ntfy.sh/publish/#limitations).
//
// Confirmed against those pages (recorded in docs/channels/push.md): the JSON form is a POST to the
// server's root URL with `topic`, `title`, `message`, `tags`, `priority`, `click` and `actions`;
// it is chosen over the header form because headers cannot carry UTF-8 text as they are, and a
// French title would need RFC 2047 encoding. A message longer than the server's limit (4,096 bytes
// by default) is turned into an attachment, so the message is cut to 4,096 bytes. ntfy.sh allows
// bursts of 60 and then one message per 5 s per visitor; over it answers 429. An access token is
// sent as `Authorization: Bearer`; 401/403 mean a wrong token or a topic it may not write.
//
// The message is plain text (no `markdown: true`), so feed text cannot format or link anything;
// the matched terms are shown as tags, which is how a notification marks them. Only an http(s)
// link becomes `click` or a view action.
import type { Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import { ConfigError } from '../../lib/errors'
import {
  factLines,
  groupByWatch,
  headline,
  moreNotShown,
  snippetText,
  viewAlert,
  type AlertView,
} from '../render/alert-view'
import { fitCount } from '../render/fit'
import { cut, measure } from '../render/text'
import { misconfigured, postJson, settle } from './http'

/** ntfy's default message size limit (bytes); longer messages become attachments. */
export const NTFY_MAX_MESSAGE_BYTES = 4_096
/** No documented limit; a notification title past a line or two is cut by every client anyway. */
const MAX_TITLE = 250
/** Tags show next to the title; a handful of short ones stay readable. */
const MAX_TAGS = 5
const MAX_TAG = 40
const LINE_TITLE = 200

/** ntfy.sh refills one message per 5 s per visitor after the burst of 60. */
const NTFY_INTERVAL_MS = 5_000

/** A topic URL split into the server root (where JSON is published) and the topic name. */
export function splitTopicUrl(url: string): { root: string; topic: string } {
  let u: URL
  try {
    u = new URL(url)
  } catch (cause) {
    throw new ConfigError('url', 'not an absolute URL', { cause })
  }
  const parts = u.pathname.split('/')
  const topic = decodeURIComponent(parts.pop() ?? '')
  if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic)) {
    throw new ConfigError('url', 'expected a topic URL such as https://ntfy.sh/my-topic')
  }
  return { root: `${u.origin}${parts.join('/')}/`, topic }
}

export interface NtfyPayload {
  topic: string
  title: string
  message: string
  tags: string[]
  click?: string
  actions?: Array<{ action: 'view'; label: string; url: string }>
}

function alertMessage(view: AlertView): string {
  const meta = factLines(view, { terms: false })
  const head = meta.join('\n')
  const snippet = snippetText(view.snippet)
  const room = NTFY_MAX_MESSAGE_BYTES - measure(head, 'bytes') - 2
  return snippet ? `${cut(snippet, Math.max(room, 0), 'bytes')}\n\n${head}` : head
}

function listMessage(views: readonly AlertView[], omitted: number): string {
  const lines: string[] = []
  for (const group of groupByWatch(views)) {
    lines.push(`${group.watchName}:`)
    for (const v of group.alerts)
      lines.push(`• ${cut(v.title, LINE_TITLE)}${v.link ? ` ${v.link}` : ''}`)
  }
  if (omitted > 0) lines.push(moreNotShown(omitted))
  return lines.join('\n')
}

/** The ntfy JSON message for an alert, a burst or a digest: pure. */
export function renderNtfy(outgoing: Outgoing, topic: string): NtfyPayload {
  const views = outgoing.alerts.map(viewAlert)
  const title = headline(outgoing, views)
  const first = views[0]
  if (views.length === 1 && first) {
    const tags = first.terms.slice(0, MAX_TAGS).map((t) => cut(t.replace(/,/g, ' '), MAX_TAG))
    return {
      topic,
      title: cut(`${first.title}`, MAX_TITLE),
      message: cut(alertMessage(first), NTFY_MAX_MESSAGE_BYTES, 'bytes'),
      tags: ['newspaper', ...tags],
      ...(first.link
        ? { click: first.link, actions: [{ action: 'view', label: 'Open', url: first.link }] }
        : {}),
    }
  }
  const build = (n: number) => listMessage(views.slice(0, n), views.length - n)
  const n = fitCount(views.length, (k) => measure(build(k), 'bytes') <= NTFY_MAX_MESSAGE_BYTES)
  return { topic, title: cut(title, MAX_TITLE), message: build(n), tags: ['newspaper'] }
}

export const ntfyChannel: Channel = {
  type: 'ntfy',
  minIntervalMs: NTFY_INTERVAL_MS,
  async send(outgoing: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.url) throw misconfigured(destination, 'url')
    let target: { root: string; topic: string }
    try {
      target = splitTopicUrl(destination.url)
    } catch (cause) {
      throw misconfigured(destination, `valid topic url (${(cause as Error).message})`)
    }
    const auth: Record<string, string> = destination.token
      ? { authorization: `Bearer ${destination.token}` }
      : {}
    const payload = renderNtfy(outgoing, target.topic)
    const answer = await postJson(destination, target.root, payload, deps, auth)
    return settle(destination, answer, deps)
  },
}
