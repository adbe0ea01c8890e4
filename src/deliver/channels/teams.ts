// Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"):
// https://learn.microsoft.com/en-us/power-automate/teams/teams-webhooks (the posted shape:
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook;
// Adaptive Cards: https://adaptivecards.io/explorer/).
//
// Confirmed against those pages (recorded in docs/channels/chat-webhooks.md): the body is
// `{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive",
// content: <AdaptiveCard> }] }`; a message is limited to about 28 KB, so Feedwatch keeps a card
// under 20 KB of UTF-8; the flow answers 202 Accepted: the flow run was started, which is not
// proof that the card reached the channel (a flow that fails later is seen only in Power
// Automate's run history). Office 365 connector URLs (…webhook.office.com/…) are retired.
//
// Feed text only ever goes into `TextRun`s of `RichTextBlock`s, which Adaptive Cards never parse as
// Markdown, so it cannot format, link or mention (`<at>` needs an entity Feedwatch never sends).
import { DeliveryError } from '../../lib/errors'
import type { Destination } from '../../model'
import type { Channel, ChannelDeps, Outgoing, SendResult } from '../channel'
import {
  factLines,
  groupByWatch,
  headline,
  moreNotShown,
  viewAlert,
  type AlertView,
} from '../render/alert-view'
import { fitCount } from '../render/fit'
import { cut, measure } from '../render/text'
import { misconfigured, postJson, settle } from './http'

/** Teams refuses messages past ≈ 28 KB; 20 KB leaves room for Teams' own envelope. */
export const TEAMS_MAX_BYTES = 20_000

/** Per-field budgets (characters) inside the card, so one field cannot crowd out the others. */
const MAX_TITLE = 500
const MAX_SNIPPET = 3_000
/** Snippet lengths tried in turn until the card fits (the last leaves only title and metadata). */
const SNIPPET_BUDGETS = [MAX_SNIPPET, 1_000, 300, 0]
const MAX_META = 300
const LINE_TITLE = 200

/**
 * Teams publishes no rate for Workflows webhooks; Power Automate throttles a flow's trigger. One a
 * second keeps a busy watch coalesced rather than queued.
 */
const TEAMS_INTERVAL_MS = 1_000

/** Legacy Office 365 connector hosts: retired by Microsoft; such a URL can never work again. */
export function isRetiredTeamsUrl(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false // not a URL: the API's URL check reports it
  }
  return host === 'outlook.office.com' || host.endsWith('.webhook.office.com')
}

type Element = Record<string, unknown>

const run = (text: string, extra: Element = {}): Element => ({ type: 'TextRun', text, ...extra })
const rich = (inlines: Element[], extra: Element = {}): Element => ({
  type: 'RichTextBlock',
  inlines,
  ...extra,
})
const openUrl = (url: string, title: string): Element => ({ type: 'Action.OpenUrl', title, url })

function alertBody(
  view: AlertView,
  snippetBudget: number,
): { body: Element[]; actions: Element[] } {
  let room = snippetBudget
  const snippet: Element[] = []
  for (const seg of view.snippet) {
    if (room <= 1) break
    const text = cut(seg.text, room)
    room -= text.length
    snippet.push(seg.hit ? run(text, { weight: 'Bolder', highlight: true }) : run(text))
  }
  const meta = factLines(view)
  const title = run(cut(view.title, MAX_TITLE), {
    weight: 'Bolder',
    size: 'Medium',
    ...(view.link ? { selectAction: openUrl(view.link, 'Open the article') } : {}),
  })
  return {
    body: [
      rich([title]),
      ...(snippet.length > 0 ? [rich(snippet)] : []),
      rich([run(meta.map((m) => cut(m, MAX_META)).join(' · '), { isSubtle: true, size: 'Small' })]),
    ],
    actions: view.link ? [openUrl(view.link, 'Open the article')] : [],
  }
}

function listBody(views: readonly AlertView[], omitted: number): Element[] {
  const body: Element[] = []
  for (const group of groupByWatch(views)) {
    body.push(rich([run(cut(group.watchName, LINE_TITLE), { weight: 'Bolder' })]))
    for (const v of group.alerts) {
      const t = cut(v.title, LINE_TITLE)
      body.push(rich([run('• '), run(t, v.link ? { selectAction: openUrl(v.link, t) } : {})]))
    }
  }
  if (omitted > 0) body.push(rich([run(moreNotShown(omitted), { isSubtle: true })]))
  return body
}

export interface TeamsPayload {
  type: 'message'
  attachments: Array<{ contentType: string; content: Element }>
}

const card = (headlineText: string, body: Element[], actions: Element[]): TeamsPayload => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [rich([run(cut(headlineText, MAX_TITLE), { isSubtle: true })]), ...body],
        ...(actions.length > 0 ? { actions } : {}),
        msteams: { width: 'Full' },
      },
    },
  ],
})

/** The Teams message for an alert, a burst or a digest: pure. */
export function renderTeams(message: Outgoing): TeamsPayload {
  const views = message.alerts.map(viewAlert)
  const title = headline(message, views)
  const first = views[0]
  if (views.length === 1 && first) {
    // Feed text is mostly multi-byte at worst: shorten the snippet until the card fits.
    for (const budget of SNIPPET_BUDGETS) {
      const { body, actions } = alertBody(first, budget)
      const payload = card(title, body, actions)
      if (measure(JSON.stringify(payload), 'bytes') <= TEAMS_MAX_BYTES || budget === 0)
        return payload
    }
  }
  const build = (n: number) => card(title, listBody(views.slice(0, n), views.length - n), [])
  const size = (p: TeamsPayload) => measure(JSON.stringify(p), 'bytes')
  return build(fitCount(views.length, (k) => size(build(k)) <= TEAMS_MAX_BYTES))
}

export const teamsChannel: Channel = {
  type: 'teams',
  minIntervalMs: TEAMS_INTERVAL_MS,
  async send(message: Outgoing, destination: Destination, deps: ChannelDeps): Promise<SendResult> {
    if (!destination.url) throw misconfigured(destination, 'url')
    if (isRetiredTeamsUrl(destination.url)) {
      throw new DeliveryError(
        `teams ${destination.name}: Office 365 connector URLs are retired; create a Workflows webhook (docs/channels/chat-webhooks.md)`,
        { channel: 'teams', retryable: false },
      )
    }
    const answer = await postJson(destination, destination.url, renderTeams(message), deps)
    // 202: the flow accepted the card (settle counts every 2xx as delivered).
    return settle(destination, answer, deps)
  },
}
