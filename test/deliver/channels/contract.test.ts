// The contract every channel passes (docs/architecture.md, "Conventions"): a huge item stays within the service's
// limits, hostile feed text is neutralised, a burst lists every alert or says how many it left out,
// and each service's success, rate-limit, permanent and network answers are classified right.
// Requests go to the real loopback receiver; email goes through Miniflare's real send_email binding
// and is read back from the .eml file it wrote.
import { env } from 'cloudflare:workers'
import PostalMime from 'postal-mime'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { CHANNELS, SUPPORTED_TYPES } from '../../../src/deliver/channels'
import type { ChannelDeps, Outgoing } from '../../../src/deliver/channel'
import { blockText } from '../../../src/deliver/channels/slack'
import { visibleLength } from '../../../src/deliver/channels/telegram'
import { DeliveryError } from '../../../src/lib/errors'
import type { Alert, Destination, DestinationType } from '../../../src/model'
import {
  loopbackUrl,
  received,
  script,
  sentMail,
  type ScriptedResponse,
} from '../../support/loopback'
import { HOSTILE, burst, hostileAlert, hugeAlert } from './alerts'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const RUN = crypto.randomUUID().slice(0, 8)
let serial = 0
const nextTag = () => `${RUN}-${++serial}`

const deps = (): ChannelDeps => ({
  fetch: (input, init) => fetch(input, init),
  now: new Date(),
  email: env.EMAIL,
  emailFrom: env.EMAIL_FROM,
})

const utf8 = (s: string) => new TextEncoder().encode(s).length
const BIDI = /[\u202A-\u202E\u2066-\u2069]/
const isHttp = (u: unknown) => typeof u === 'string' && /^https?:\/\//.test(u)

/** Every string value under `node` whose key is `key`. */
function valuesOf(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const n of node) valuesOf(n, key, out)
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v)
      valuesOf(v, key, out)
    }
  }
  return out
}

interface Case {
  /** A destination whose service answers with `responses`, at a path unique to `tag`. */
  destination(tag: string, responses: ScriptedResponse[]): Promise<Destination>
  /** The bodies the service received for `tag`, oldest first. */
  bodies(tag: string): Promise<string[]>
  ok: ScriptedResponse
  /** A rate-limit answer and the wait it names (seconds). */
  rateLimited?: [ScriptedResponse, number | undefined]
  /** Answers that will fail the same way every time. */
  permanent?: ScriptedResponse[]
  /** Limits of the service, asserted on one request body. */
  withinLimits(body: string): void
  /** Hostile text neutralised, asserted on one request body. */
  neutralised(body: string): void
  /** The text a reader sees in a body (default: the body itself). */
  readable?(body: string): Promise<string>
}

const json = (value: unknown, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
})

/** A URL-based service: the destination URL is the scripted path itself. */
const atPath = (type: DestinationType) => ({
  async destination(tag: string, responses: ScriptedResponse[]): Promise<Destination> {
    const url = await script(`/ch/${type}/${tag}`, ...responses)
    return { id: tag, name: `${type}-${tag}`, type, url, secret: SECRET, enabled: true }
  },
  bodies: async (tag: string) => (await received(`/ch/${type}/${tag}`)).map((r) => r.body),
})

const CASES: Record<DestinationType, Case> = {
  webhook: {
    ...atPath('webhook'),
    async bodies(tag) {
      // Each request's signature is checked with the official Standard Webhooks library.
      const requests = await received(`/ch/webhook/${tag}`)
      for (const r of requests)
        expect(() => new Webhook(SECRET).verify(r.body, r.headers)).not.toThrow()
      return requests.map((r) => r.body)
    },
    ok: { status: 204 },
    rateLimited: [{ status: 429, headers: { 'retry-after': '60' } }, 60],
    permanent: [{ status: 410 }, { status: 400 }, { status: 301, headers: { location: '/x' } }],
    withinLimits: (body) => expect(utf8(body)).toBeLessThan(20_000),
    neutralised(body) {
      // A machine receiver gets the feed's text as JSON data, exactly, and renders it itself.
      const data = JSON.parse(body).data
      expect(data.item.title).toBe(HOSTILE)
      expect(data.item.url).toBe('javascript:alert(1)')
    },
  },
  slack: {
    ...atPath('slack'),
    ok: { status: 200, body: 'ok' },
    rateLimited: [{ status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' }, 7],
    permanent: [
      { status: 404, body: 'channel_not_found' },
      { status: 410, body: 'channel_is_archived' },
      { status: 403, body: 'action_prohibited' },
      { status: 400, body: 'invalid_payload' },
    ],
    withinLimits(body) {
      const p = JSON.parse(body)
      expect(p.blocks.length).toBeLessThanOrEqual(50)
      expect(blockText(p.blocks)).toBeLessThanOrEqual(12_000)
      expect(p.text.length).toBeLessThanOrEqual(40_000)
      for (const b of p.blocks) {
        if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150)
        if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3_000)
        if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(10)
      }
    },
    neutralised(body) {
      const p = JSON.parse(body)
      expect(body).not.toMatch(BIDI)
      expect(p).not.toHaveProperty('link_names')
      const mrkdwn = valuesOf(p, 'text').filter(
        (t): t is { type: string; text: string } =>
          typeof t === 'object' && (t as any)?.type === 'mrkdwn',
      )
      for (const { text } of [...mrkdwn, { text: p.text }]) {
        // The only `<…>` left are Feedwatch's own http(s) links.
        expect(text.replace(/<https?:\/\/[^|>\s]+\|[^>]*>/g, '')).not.toContain('<')
        expect(text).not.toContain('**gras**')
        expect(text).not.toContain('`code`')
      }
    },
  },
  discord: {
    ...atPath('discord'),
    ok: json({ id: '1', content: '' }),
    rateLimited: [
      json({ message: 'You are being rate limited.', retry_after: 2.5, global: false }, 429, {
        'retry-after': '3',
      }),
      3,
    ],
    permanent: [
      json({ message: 'Unknown Webhook', code: 10015 }, 404),
      json({ message: 'Invalid Webhook Token', code: 50027 }, 401),
      json({ message: 'Invalid Form Body', code: 50035 }, 400),
    ],
    withinLimits(body) {
      const p = JSON.parse(body)
      expect(p.content.length).toBeLessThanOrEqual(2_000)
      expect(p.embeds.length).toBeLessThanOrEqual(10)
      let total = 0
      for (const e of p.embeds) {
        expect(e.title.length).toBeLessThanOrEqual(256)
        expect(e.description.length).toBeLessThanOrEqual(4_096)
        expect((e.fields ?? []).length).toBeLessThanOrEqual(25)
        total += e.title.length + e.description.length + (e.footer?.text.length ?? 0)
        for (const f of e.fields ?? []) {
          expect(f.name.length).toBeLessThanOrEqual(256)
          expect(f.value.length).toBeLessThanOrEqual(1_024)
          total += f.name.length + f.value.length
        }
      }
      expect(total).toBeLessThanOrEqual(6_000)
    },
    neutralised(body) {
      const p = JSON.parse(body)
      expect(p.allowed_mentions).toEqual({ parse: [] })
      expect(body).not.toMatch(BIDI)
      for (const text of [
        p.content,
        ...valuesOf(p.embeds, 'description'),
        ...valuesOf(p.embeds, 'value'),
      ]) {
        expect(text).not.toMatch(/@(everyone|here)/)
        expect(text).not.toMatch(/(^|[^\\])\[clic\]/)
        expect(text).not.toMatch(/(^|[^\\])<[@!a-z]/)
        expect(text).not.toMatch(/(^|[^\\])\*\*gras/)
      }
      for (const url of valuesOf(p.embeds, 'url')) expect(isHttp(url)).toBe(true)
    },
  },
  teams: {
    ...atPath('teams'),
    ok: { status: 202 },
    rateLimited: [{ status: 429, headers: { 'retry-after': '30' } }, 30],
    permanent: [{ status: 400 }, { status: 404 }, { status: 403 }],
    withinLimits: (body) => expect(utf8(body)).toBeLessThanOrEqual(20_000),
    neutralised(body) {
      const p = JSON.parse(body)
      expect(body).not.toMatch(BIDI)
      expect(p.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
      // Feed text only in TextRuns (never parsed as Markdown); no mention entities.
      const types = valuesOf(p.attachments[0].content.body, 'type')
      expect(
        types.filter((t) => t !== 'RichTextBlock' && t !== 'TextRun' && t !== 'Action.OpenUrl'),
      ).toEqual([])
      expect(p.attachments[0].content).not.toHaveProperty('msteams.entities')
      for (const url of valuesOf(p, 'url')) expect(isHttp(url)).toBe(true)
    },
  },
  googlechat: {
    ...atPath('googlechat'),
    ok: json({ name: 'spaces/A/messages/B' }),
    rateLimited: [
      json({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }, 429, { 'retry-after': '20' }),
      20,
    ],
    permanent: [
      json({ error: { code: 404, status: 'NOT_FOUND' } }, 404),
      json({ error: { code: 403, status: 'PERMISSION_DENIED' } }, 403),
      json({ error: { code: 400, status: 'INVALID_ARGUMENT' } }, 400),
    ],
    withinLimits(body) {
      expect(utf8(body)).toBeLessThanOrEqual(32_000)
      expect(JSON.parse(body).cardsV2[0].card.sections[0].widgets.length).toBeLessThanOrEqual(100)
    },
    neutralised(body) {
      const p = JSON.parse(body)
      expect(body).not.toMatch(BIDI)
      expect(p).not.toHaveProperty('text')
      expect(body).not.toContain('<users/all>')
      for (const t of valuesOf(p, 'text').filter((t) => typeof t === 'string') as string[]) {
        expect(t).not.toContain('<users/all>')
        expect(t.replace(/<\/?(b|i|br)>|<a href="https?:[^"]*">|<\/a>/g, '')).not.toContain('<')
      }
      for (const url of valuesOf(p, 'url')) expect(isHttp(url)).toBe(true)
    },
  },
  ntfy: {
    async destination(tag, responses) {
      await script(`/ch/ntfy/${tag}/`, ...responses)
      return {
        id: tag,
        name: `ntfy-${tag}`,
        type: 'ntfy',
        url: `${loopbackUrl()}/ch/ntfy/${tag}/alerts-${tag}`,
        token: 'tk_test',
        enabled: true,
      }
    },
    async bodies(tag) {
      const requests = await received(`/ch/ntfy/${tag}/`)
      for (const r of requests) expect(r.headers.authorization).toBe('Bearer tk_test')
      return requests.map((r) => r.body)
    },
    ok: json({ id: 'x', event: 'message' }),
    rateLimited: [json({ code: 42901, http: 429, error: 'limit reached' }, 429), undefined],
    permanent: [json({ code: 40101, http: 401 }, 401), json({ code: 40301, http: 403 }, 403)],
    withinLimits(body) {
      const p = JSON.parse(body)
      expect(utf8(p.message)).toBeLessThanOrEqual(4_096)
      expect(p.title.length).toBeLessThanOrEqual(250)
    },
    neutralised(body) {
      const p = JSON.parse(body)
      expect(body).not.toMatch(BIDI)
      expect(p).not.toHaveProperty('markdown')
      expect(p).not.toHaveProperty('click') // the hostile item's link is javascript:
    },
  },
  telegram: {
    async destination(tag, responses) {
      await script(`/ch/telegram/${tag}/botT0KEN:abc/sendMessage`, ...responses)
      return {
        id: tag,
        name: `telegram-${tag}`,
        type: 'telegram',
        token: 'T0KEN:abc',
        chatId: '-100123',
        apiBase: `${loopbackUrl()}/ch/telegram/${tag}/`,
        enabled: true,
      }
    },
    bodies: async (tag) => (await received(`/ch/telegram/${tag}/`)).map((r) => r.body),
    ok: json({ ok: true, result: { message_id: 1 } }),
    rateLimited: [
      json(
        {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 12',
          parameters: { retry_after: 12 },
        },
        429,
      ),
      12,
    ],
    permanent: [
      json({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 400),
      json(
        { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
        403,
      ),
      json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401),
    ],
    withinLimits: (body) => expect(visibleLength(JSON.parse(body).text)).toBeLessThanOrEqual(4_096),
    neutralised(body) {
      const p = JSON.parse(body)
      expect(p.parse_mode).toBe('HTML')
      expect(p.text).not.toMatch(BIDI)
      expect(p.text).not.toMatch(/@(everyone|here)/)
      expect(p.text.replace(/<\/?(b|i)>|<a href="https?:[^"]*">|<\/a>/g, '')).not.toContain('<')
    },
  },
  email: {
    async destination(tag) {
      return {
        id: tag,
        name: `email-${tag}`,
        type: 'email',
        to: [`to-${tag}@example.com`],
        enabled: true,
      }
    },
    async bodies(tag) {
      // The binding writes its file just after send() returns (waitUntil): wait for it briefly.
      for (let i = 0; i < 40; i++) {
        const found = await sentMail(`to-${tag}@example.com`)
        if (found.length > 0) return found
        await new Promise((r) => setTimeout(r, 100))
      }
      return []
    },
    ok: {},
    async readable(raw: string) {
      const mail = await PostalMime.parse(raw)
      return `${mail.text}\n${mail.html}`
    },
    async withinLimits(raw) {
      const mail = await PostalMime.parse(raw)
      expect(mail.subject?.length).toBeLessThanOrEqual(998)
      expect(utf8(raw)).toBeLessThan(5 * 1024 * 1024)
      expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true)
    },
    async neutralised(raw) {
      const mail = await PostalMime.parse(raw)
      expect(mail.subject).not.toMatch(/[\r\n]/)
      expect(mail.html).not.toContain('<script')
      expect(mail.html).not.toMatch(/<a href="(?!https?:)/)
      expect(mail.html).not.toContain('<at>')
      expect(`${mail.text}${mail.html}${mail.subject}`).not.toMatch(BIDI)
    },
  } as Case,
}

const send = (type: DestinationType, message: Outgoing, destination: Destination) =>
  CHANNELS[type].send(message, destination, deps())

const one = (a: Alert): Outgoing => ({ kind: 'alert', alerts: [a] })

describe.each(SUPPORTED_TYPES)('the %s channel', (type) => {
  const c = CASES[type]

  it('keeps a huge item within the service’s limits, link included', async () => {
    const tag = nextTag()
    const huge = hugeAlert()
    await send(type, one(huge), await c.destination(tag, [c.ok]))
    const bodies = await c.bodies(tag)
    expect(bodies).toHaveLength(1)
    await c.withinLimits(bodies[0] ?? '')
    // The link survives, escaped as the service needs (`&amp;` in HTML, `%7C` for Slack's `|`).
    const body = (await (c.readable?.(bodies[0] ?? '') ?? bodies[0])) ?? ''
    const plain = body.replace(/&amp;/g, '&').replace(/%7C/g, '|')
    expect(plain).toContain(huge.item.url)
  })

  it('neutralises hostile feed text (mentions, markup, links, RTL overrides)', async () => {
    const tag = nextTag()
    await send(type, one(hostileAlert()), await c.destination(tag, [c.ok]))
    const bodies = await c.bodies(tag)
    expect(bodies).toHaveLength(1)
    await c.neutralised(bodies[0] ?? '')
  })

  it('lists every alert of a burst of 30, or says how many it left out', async () => {
    const tag = nextTag()
    await send(type, { kind: 'burst', alerts: burst(30) }, await c.destination(tag, [c.ok]))
    const bodies = await c.bodies(tag)
    const all = (await Promise.all(bodies.map((b) => c.readable?.(b) ?? b))).join('\n')
    const shown = burst(30).filter((_, i) => all.includes(`Dépêche ${i + 1} sur`)).length
    const left = Number(/and (\d+) more not shown/.exec(all)?.[1] ?? 0)
    expect(shown).toBeGreaterThan(0)
    expect(shown + left).toBe(30)
    for (const body of await c.bodies(tag)) await c.withinLimits(body)
  })

  it('fits a digest of 300 matches across 150 watches, saying how many it left out', async () => {
    const tag = nextTag()
    const alerts = Array.from({ length: 150 }, (_, w) => burst(2, `Veille ${w}`)).flat()
    await send(type, { kind: 'digest', alerts }, await c.destination(tag, [c.ok]))
    const bodies = await c.bodies(tag)
    for (const body of bodies) await c.withinLimits(body)
    const all = (await Promise.all(bodies.map((b) => c.readable?.(b) ?? b))).join('\n')
    // Every channel but the webhook (one request per alert) has to leave some out.
    if (type === 'webhook') expect(bodies).toHaveLength(300)
    else expect(Number(/and (\d+) more not shown/.exec(all)?.[1])).toBeGreaterThan(0)
  })

  it.runIf(c.rateLimited)(
    'retries a rate-limited answer after the wait the service names',
    async () => {
      const [answer, wait] = c.rateLimited ?? [{}, undefined]
      const destination = await c.destination(nextTag(), [answer])
      const error = await send(type, one(hostileAlert()), destination).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DeliveryError)
      expect(error).toMatchObject({ retryable: true, retryAfterSeconds: wait, status: 429 })
    },
  )

  it.runIf(c.permanent)('gives up on answers that will fail every time', async () => {
    for (const answer of c.permanent ?? []) {
      const destination = await c.destination(nextTag(), [answer])
      const error = await send(type, one(hostileAlert()), destination).catch((e: unknown) => e)
      expect(error, `HTTP ${answer.status}`).toBeInstanceOf(DeliveryError)
      expect(error, `HTTP ${answer.status}`).toMatchObject({ retryable: false })
    }
  })

  it.runIf(type !== 'email')('retries when the service cannot be reached', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const base = await c.destination(nextTag(), [c.ok])
    const destination: Destination = {
      ...base,
      url: base.url?.replace(/:\d+\//, ':9/'),
      apiBase: base.apiBase?.replace(/:\d+\//, ':9/'),
    }
    const error = await send(type, one(hostileAlert()), destination).catch((e: unknown) => e)
    expect(error).toMatchObject({ retryable: true })
  })

  it('reports the service’s success status', async () => {
    const result = await send(type, one(hostileAlert()), await c.destination(nextTag(), [c.ok]))
    expect(result.status).toBe(type === 'email' ? 250 : (c.ok.status ?? 200))
  })
})
