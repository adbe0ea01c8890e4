// Slack incoming webhooks: https://api.slack.com/messaging/webhooks (payload: `text` + Block Kit
// `blocks`, https://api.slack.com/reference/block-kit/blocks), formatting rules:
// https://api.slack.com/reference/surfaces/formatting#escaping.
//
// Confirmed against those pages (recorded in docs/channels/chat-webhooks.md): a message carries
// `text` (the notification fallback) and up to 50 blocks; a section's text is at most 3,000
// characters, a header's plain_text at most 150; in mrkdwn exactly `&`, `<` and `>` are escaped
// (which also defuses `<!channel>`, `<@U…>` and `<url|text>` links); mentions need `link_names`,
// which is never sent. The webhook answers 200 `ok`; 400 invalid_payload, 403 action_prohibited,
// 404 channel_not_found / no_service and 410 channel_is_archived are permanent; 429 carries
// Retry-After.
//
// Feed text goes into plain_text objects where it need not be formatted (header, context); in the
// snippet (mrkdwn, for the highlights) the formatting markers `* _ ~ \`` of feed text are replaced
// by look-alikes, since mrkdwn has no escape for them.
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
import { cut, fitEscaped } from '../render/text'
import { misconfigured, postJson, refused, settle } from './http'

/** Block Kit limits (characters). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  headerText: 150,
  contextElements: 10,
  /** A link longer than this goes in a block of its own rather than under the snippet. */
  inlineLink: 1_000,
  /** Not a Slack limit: a context element past a few hundred characters is unreadable. */
  contextText: 300,
  /** Slack truncates `text` past 40,000; the fallback only needs the headline. */
  fallbackText: 3_000,
  /**
   * Not in Slack's reference, but Slack answers `msg_blocks_too_long` past about 13,000 characters
   * of block text in one message (slackapi/bolt-js#2509): a digest stays under 12,000.
   */
  totalBlockText: 12_000,
} as const

/** Slack's documented pace for incoming webhooks: about one message per second. */
const SLACK_INTERVAL_MS = 1_000

/** A digest line's title: long enough to recognise the story, short enough for many lines. */
const LINE_TITLE = 200

const LOOKALIKES: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' }

/** Escapes the three control characters of mrkdwn. */
export const escapeSlack = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Feed text inside mrkdwn: escaped, and its formatting markers made inert. */
const inert = (s: string) => escapeSlack(s).replace(/[*_~`]/g, (c) => LOOKALIKES[c] ?? c)

/** A link in mrkdwn: `&<>` escaped in the URL too, and `|` (the text separator) encoded. */
const slackLink = (url: string, text: string) =>
  `<${escapeSlack(url).replace(/\|/g, '%7C')}|${text}>`

const plain = (text: string, max: number) => ({
  type: 'plain_text',
  text: cut(text, max),
  emoji: false,
})

type Block = Record<string, unknown>

// Highlights are bold (`*…*`), kept against the word: Slack does not bold across spaces.
const snippetMrkdwn = (view: AlertView, max: number) =>
  markedSnippet(view, max, inert, { open: '*', close: '*', trimHits: true })

/**
 * The article link: a mrkdwn link under the snippet when it fits beside it, else a section of its
 * own, else (a link whose `&`s escape past 3,000 characters) a link button, whose URL takes up to
 * 3,000 characters unescaped.
 */
function linkBlocks(view: AlertView): { inline: string; blocks: Block[] } {
  if (!view.link) return { inline: '', blocks: [] }
  const mrkdwn = slackLink(view.link, 'Open the article')
  if (mrkdwn.length <= SLACK_LIMITS.inlineLink) return { inline: `\n${mrkdwn}`, blocks: [] }
  if (mrkdwn.length <= SLACK_LIMITS.sectionText) {
    return { inline: '', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] }
  }
  const button = { type: 'button', text: plain('Open the article', 75), url: view.link }
  return { inline: '', blocks: [{ type: 'actions', elements: [button] }] }
}

function alertBlocks(view: AlertView): Block[] {
  const { inline: link, blocks: linkBlock } = linkBlocks(view)
  const snippet = snippetMrkdwn(view, SLACK_LIMITS.sectionText - link.length)
  const meta = factLines(view)
  return [
    { type: 'header', text: plain(view.title, SLACK_LIMITS.headerText) },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          (snippet || fitEscaped(view.title, SLACK_LIMITS.sectionText - link.length, inert)) + link,
      },
    },
    ...linkBlock,
    { type: 'context', elements: meta.map((m) => plain(m, SLACK_LIMITS.contextText)) },
  ]
}

function line(view: AlertView): string {
  const title = fitEscaped(view.title, LINE_TITLE, inert)
  return `• ${view.link ? slackLink(view.link, title) : title}`
}

function listBlocks(views: readonly AlertView[], omitted: number, title: string): Block[] {
  const blocks: Block[] = [{ type: 'header', text: plain(title, SLACK_LIMITS.headerText) }]
  for (const group of groupByWatch(views)) {
    let text = `*${inert(cut(group.watchName, LINE_TITLE))}*`
    for (const v of group.alerts) {
      const next = line(v)
      if (text.length + 1 + next.length > SLACK_LIMITS.sectionText) {
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
        text = next
      } else {
        text += `\n${next}`
      }
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
  }
  if (omitted > 0) {
    blocks.push({
      type: 'context',
      elements: [plain(moreNotShown(omitted), SLACK_LIMITS.contextText)],
    })
  }
  return blocks
}

/** Characters of text in blocks (what Slack's undocumented total limit counts). */
export function blockText(blocks: readonly Block[]): number {
  let n = 0
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') n += v.length
        else walk(v)
      }
    }
  }
  walk(blocks)
  return n
}

export interface SlackPayload {
  text: string
  blocks: Block[]
  unfurl_links: false
  unfurl_media: false
}

/** The Slack message for an alert, a burst or a digest: pure. */
export function renderSlack(message: Outgoing): SlackPayload {
  const views = message.alerts.map(viewAlert)
  const title = headline(message, views)
  const base = { unfurl_links: false, unfurl_media: false } as const
  const first = views[0]
  if (views.length === 1 && first) {
    const text = fitEscaped(`${title}: ${first.title}`, SLACK_LIMITS.fallbackText, inert)
    return { text, blocks: alertBlocks(first), ...base }
  }
  const build = (n: number) => listBlocks(views.slice(0, n), views.length - n, title)
  const fits = (blocks: Block[]) =>
    blocks.length <= SLACK_LIMITS.blocks && blockText(blocks) <= SLACK_LIMITS.totalBlockText
  const n = fitCount(views.length, (k) => fits(build(k)))
  return {
    text: fitEscaped(title, SLACK_LIMITS.fallbackText, inert),
    blocks: build(n),
    ...base,
  }
}

/** Slack's own error strings that mean the webhook will never work again. */
const PERMANENT_ERRORS =
  /channel_not_found|channel_is_archived|no_service|action_prohibited|no_team|team_disabled|invalid_token/

export const slackChannel: Channel = {
  type: 'slack',
  minIntervalMs: SLACK_INTERVAL_MS,
  async send(message: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.url) throw misconfigured(destination, 'url')
    const answer = await postJson(destination, destination.url, renderSlack(message), deps)
    // Slack names the reason in a plain-text body; a known one is permanent whatever the status.
    if (answer.status !== 429 && answer.status < 500 && PERMANENT_ERRORS.test(answer.text)) {
      throw refused(destination, answer, false)
    }
    return settle(destination, answer, deps)
  },
}
