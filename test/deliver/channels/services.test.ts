// What each service does differently from the contract: answers classified by body or header
// rather than status, the request's exact address, configuration that cannot work, and the email
// exactly as Miniflare's send_email binding delivered it (parsed with postal-mime).
import { env } from 'cloudflare:workers'
import PostalMime from 'postal-mime'
import { describe, expect, it } from 'vitest'
import type { ChannelDeps, Outgoing } from '../../../src/deliver/channel'
import { CHANNELS } from '../../../src/deliver/channels'
import { discordUrl } from '../../../src/deliver/channels/discord'
import { isPermanentEmailError } from '../../../src/deliver/channels/email'
import { splitTopicUrl } from '../../../src/deliver/channels/ntfy'
import { isRetiredTeamsUrl } from '../../../src/deliver/channels/teams'
import { visibleLength } from '../../../src/deliver/channels/telegram'
import type { Destination, DestinationType } from '../../../src/model'
import { loopbackUrl, received, script, sentMail } from '../../support/loopback'
import { burst, hostileAlert, seedAlert } from './alerts'

const RUN = crypto.randomUUID().slice(0, 8)
const deps = (): ChannelDeps => ({
  fetch: (input, init) => fetch(input, init),
  now: new Date(),
  email: env.EMAIL,
  emailFrom: env.EMAIL_FROM,
})
const seed: Outgoing = { kind: 'alert', alerts: [seedAlert()] }
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the send to fail')
    },
    (e: unknown) => e,
  )

describe('telegram', () => {
  const destination = (path: string): Destination => ({
    id: 't',
    name: 'tg',
    type: 'telegram',
    token: '123:SECRET',
    chatId: '-100123',
    apiBase: `${loopbackUrl()}${path}`,
    enabled: true,
  })

  it.each([
    [
      'counts neither tags nor link targets',
      '<a href="https://x.org/?a=1&amp;b=2"><b>ab</b></a>',
      2,
    ],
    ['counts an entity as one character', 'a &lt;b&gt; &amp; c', 9],
  ])('measures text as Telegram does: %s', (_, html, length) => {
    expect(visibleLength(html)).toBe(length)
  })

  it('posts to {apiBase}/bot{token}/sendMessage in HTML mode', async () => {
    await script(`/tg-${RUN}/a/bot123:SECRET/sendMessage`, {
      body: JSON.stringify({ ok: true, result: {} }),
    })
    await CHANNELS.telegram.send(seed, destination(`/tg-${RUN}/a`), deps())
    const [request] = await received(`/tg-${RUN}/a/`)
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      chat_id: '-100123',
      parse_mode: 'HTML',
    })
  })

  it('retries an ok:false flood-control answer after its retry_after, even under HTTP 200', async () => {
    await script(`/tg-${RUN}/b/bot123:SECRET/sendMessage`, {
      body: JSON.stringify({ ok: false, error_code: 429, parameters: { retry_after: 5 } }),
    })
    const error = await failure(CHANNELS.telegram.send(seed, destination(`/tg-${RUN}/b`), deps()))
    expect(error).toMatchObject({ retryable: true, retryAfterSeconds: 5 })
  })

  it('gives up on a group that became a supergroup, naming the new chat id', async () => {
    await script(`/tg-${RUN}/c/bot123:SECRET/sendMessage`, {
      status: 400,
      body: JSON.stringify({
        ok: false,
        error_code: 400,
        description: 'Bad Request: group chat was upgraded to a supergroup chat',
        parameters: { migrate_to_chat_id: -1001234 },
      }),
    })
    const error = await failure(CHANNELS.telegram.send(seed, destination(`/tg-${RUN}/c`), deps()))
    expect(error).toMatchObject({ retryable: false })
    expect(String((error as Error).message)).toContain('-1001234')
  })

  it.each([
    ['a proxy’s 502 page', 502, true],
    ['a 200 that is not a Bot API reply', 200, true],
    ['a proxy’s 404 page', 404, false],
  ])('classifies %s by its status', async (_, status, retryable) => {
    await script(`/tg-${RUN}/p${status}/bot123:SECRET/sendMessage`, {
      status,
      headers: { 'content-type': 'text/html' },
      body: '<html>proxy</html>',
    })
    const error = await failure(
      CHANNELS.telegram.send(seed, destination(`/tg-${RUN}/p${status}`), deps()),
    )
    expect(error).toMatchObject({ retryable })
  })

  it('keeps the bot token out of a transport error that quotes the URL', async () => {
    const d = { ...destination('/unused'), apiBase: 'ftp://127.0.0.1:9' }
    const error = await failure(CHANNELS.telegram.send(seed, d, deps()))
    expect(error).toMatchObject({ retryable: true })
    expect((error as Error).message).not.toContain('SECRET')
  })

  it('never puts the bot token in an error', async () => {
    await script(`/tg-${RUN}/d/bot123:SECRET/sendMessage`, {
      status: 403,
      body: JSON.stringify({
        ok: false,
        error_code: 403,
        description: 'Forbidden: bot was kicked',
      }),
    })
    const error = await failure(CHANNELS.telegram.send(seed, destination(`/tg-${RUN}/d`), deps()))
    expect((error as Error).message).not.toContain('SECRET')
    expect((error as Error).message).toContain('bot was kicked')
  })
})

describe('discord', () => {
  it('asks for wait=true and keeps the URL’s own parameters', () => {
    expect(discordUrl('https://discord.com/api/webhooks/1/abc?thread_id=9')).toBe(
      'https://discord.com/api/webhooks/1/abc?thread_id=9&wait=true',
    )
  })

  it('reads the wait from X-RateLimit-Reset-After when the body has none', async () => {
    const url = await script(`/dc-${RUN}/a`, {
      status: 429,
      headers: { 'x-ratelimit-reset-after': '4.2' },
      body: 'slow down',
    })
    const d: Destination = { id: 'd', name: 'dc', type: 'discord', url, enabled: true }
    expect(await failure(CHANNELS.discord.send(seed, d, deps()))).toMatchObject({
      retryable: true,
      retryAfterSeconds: 5,
    })
  })

  it.each([
    ['asks for a pause when the bucket is empty', '0', { status: 200, pauseSeconds: 2 }],
    ['asks for none while requests remain', '3', { status: 200 }],
  ])('on a delivered message, %s', async (_, remaining, expected) => {
    const url = await script(`/dc-${RUN}/bucket-${remaining}`, {
      status: 200,
      headers: { 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset-after': '1.5' },
      body: '{"id":"1"}',
    })
    const d: Destination = { id: 'd', name: 'dc', type: 'discord', url, enabled: true }
    expect(await CHANNELS.discord.send(seed, d, deps())).toEqual(expected)
  })
})

describe('slack', () => {
  it('retries a server error', async () => {
    const url = await script(`/sl-${RUN}/a`, { status: 503, body: 'service unavailable' })
    const d: Destination = { id: 's', name: 'sl', type: 'slack', url, enabled: true }
    expect(await failure(CHANNELS.slack.send(seed, d, deps()))).toMatchObject({ retryable: true })
  })
})

describe('teams', () => {
  it.each([
    ['a retired Office 365 connector', 'https://acme.webhook.office.com/webhookb2/x', true],
    ['the old outlook host', 'https://outlook.office.com/webhook/x', true],
    ['a Workflows URL', 'https://prod-01.westeurope.logic.azure.com/workflows/x', false],
  ])('recognises %s', (_, url, retired) => {
    expect(isRetiredTeamsUrl(url)).toBe(retired)
  })

  it('refuses a retired connector URL permanently, without sending', async () => {
    const d: Destination = {
      id: 't',
      name: 'teams',
      type: 'teams',
      url: 'https://acme.webhook.office.com/webhookb2/x',
      enabled: true,
    }
    const error = await failure(CHANNELS.teams.send(seed, d, deps()))
    expect(error).toMatchObject({ retryable: false })
    expect((error as Error).message).toContain('Workflows')
  })
})

describe('ntfy', () => {
  it.each([
    ['ntfy.sh', 'https://ntfy.sh/alerts', 'https://ntfy.sh/', 'alerts'],
    [
      'a server under a path',
      'https://ex.org/ntfy/my_topic-1',
      'https://ex.org/ntfy/',
      'my_topic-1',
    ],
  ])('splits a topic URL on %s', (_, url, root, topic) => {
    expect(splitTopicUrl(url)).toEqual({ root, topic })
  })

  it.each([
    ['no topic', 'https://ntfy.sh/'],
    ['a topic with a space', 'https://ntfy.sh/a%20b'],
  ])('refuses a URL with %s', (_, url) => {
    expect(() => splitTopicUrl(url)).toThrow(/topic URL/)
  })
})

describe.each<[DestinationType, string]>([
  ['slack', 'url'],
  ['discord', 'url'],
  ['teams', 'url'],
  ['googlechat', 'url'],
  ['ntfy', 'url'],
  ['webhook', 'url'],
  ['telegram', 'token'],
  ['email', 'to'],
])('a %s destination without %s', (type, field) => {
  it('fails permanently, naming the field', async () => {
    const d: Destination = { id: 'x', name: 'x', type, enabled: true }
    const error = await failure(CHANNELS[type].send(seed, d, deps()))
    expect(error).toMatchObject({ retryable: false })
    expect((error as Error).message).toContain(field)
  })
})

describe('email', () => {
  const to = (tag: string) => [`a-${RUN}-${tag}@example.com`, `b-${RUN}-${tag}@example.com`]

  async function delivered(address: string) {
    for (let i = 0; i < 40; i++) {
      const [raw] = await sentMail(address)
      if (raw) return { raw, mail: await PostalMime.parse(raw) }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`no mail for ${address}`)
  }

  it('delivers one message per recipient, with both bodies and the alert id header', async () => {
    const d: Destination = { id: 'e', name: 'mail', type: 'email', to: to('seed'), enabled: true }
    expect(await CHANNELS.email.send(seed, d, deps())).toEqual({ status: 250 })
    for (const address of to('seed')) {
      const { mail } = await delivered(address)
      const header = (name: string) => mail.headers.find((h) => h.key === name)?.value
      expect(mail.from?.address).toBe(env.EMAIL_FROM)
      expect(mail.to?.map((t) => t.address)).toEqual([address])
      expect(mail.subject).toBe(
        '[Feedwatch] Belgorod et armes belges: Raid manqué dans la région de Belgorod : des armes de facture belge identifiées',
      )
      expect(header('x-feedwatch-alert-id')).toBe('Yb3kSeedAlert01')
      expect(header('auto-submitted')).toBe('auto-generated')
      expect(mail.messageId).toBeTruthy()
      expect(mail.text).toContain('d’armes de facture belge')
      expect(mail.html).toContain('<mark><b>l’Otan</b></mark>')
      expect(mail.html).toContain(
        '<a href="https://demo.feedwatch.local/2023/06/04/belgorod-raid-armes-belges">',
      )
    }
  })

  it('escapes every feed string in the HTML body and keeps the subject on one line', async () => {
    const d: Destination = {
      id: 'e',
      name: 'mail',
      type: 'email',
      to: to('hostile'),
      enabled: true,
    }
    const hostile = hostileAlert()
    hostile.item.title = `Titre <script>alert(1)</script>\r\nBcc: victim@example.org`
    await CHANNELS.email.send({ kind: 'alert', alerts: [hostile] }, d, deps())
    const { mail } = await delivered(to('hostile')[0] ?? '')
    expect(mail.headers.some((h) => h.key === 'bcc')).toBe(false)
    expect(mail.subject).toContain('Bcc: victim@example.org') // in the subject, as text
    expect(mail.subject).not.toMatch(/[\r\n]/)
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(mail.html).not.toContain('<script')
    expect(mail.html).not.toContain('href="javascript')
  })

  it('sends a digest as one email listing each alert, identified by a digest id', async () => {
    const d: Destination = { id: 'e', name: 'mail', type: 'email', to: to('digest'), enabled: true }
    await CHANNELS.email.send({ kind: 'digest', alerts: burst(12) }, d, deps())
    const { mail } = await delivered(to('digest')[0] ?? '')
    expect(mail.subject).toBe('[Feedwatch] Digest: 12 matches for Belgorod et armes belges')
    expect(mail.headers.find((h) => h.key === 'x-feedwatch-alert-id')?.value).toMatch(/^digest-/)
    for (let i = 1; i <= 12; i++) expect(mail.text).toContain(`Dépêche ${i} sur`)
  })

  it.each([
    ['an address not allowed by the binding', 'email to x@example.org not allowed', false],
    ['an unverified destination', 'destination address not verified', false],
    ['a suppressed recipient', 'recipient is suppressed', false],
    ['a quota or outage', 'internal error; please retry', true],
  ])('classifies %s as retryable: %s', (_, message, retryable) => {
    expect(!isPermanentEmailError(message)).toBe(retryable)
  })
})
