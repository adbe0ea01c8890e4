// Destination API shapes (#10): what each type takes, refusals naming the field, the services' URL
// rules, credentials never echoed, and digest schedules on destinations and watches.
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { MAX_EMAIL_RECIPIENTS } from '../../src/http/limits'
import { loopbackUrl } from '../support/loopback'
import { ADMIN_TOKEN, api } from '../support/worker'

const TELEGRAM_TOKEN = '123456789:AAH3kT9v0ZqLr8xYwB2nC5dE7fG1hJ4kL6m'
const SLACK = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX'
const TEAMS_WORKFLOW =
  'https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=s'

async function postAs(bindings: Env, body: unknown) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request('https://feedwatch.test/api/destinations', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return { status: res.status, json: (await res.json()) as any }
}
const production = { ...env, ENVIRONMENT: 'production' } as Env

describe('each type takes its own fields', () => {
  it.each([
    ['a webhook', { type: 'webhook', url: 'https://hooks.example.com/in' }, {}],
    ['a Slack incoming webhook', { type: 'slack', url: SLACK }, {}],
    [
      'a Discord webhook',
      { type: 'discord', url: 'https://discord.com/api/webhooks/1234567890/tok-en_1' },
      {},
    ],
    [
      'a Discord webhook on the older host with an API version',
      { type: 'discord', url: 'https://discordapp.com/api/v10/webhooks/123/tok' },
      {},
    ],
    ['a Teams Workflows webhook', { type: 'teams', url: TEAMS_WORKFLOW }, {}],
    [
      'a Google Chat webhook',
      {
        type: 'googlechat',
        url: 'https://chat.googleapis.com/v1/spaces/AAAAx/messages?key=k&token=t',
      },
      {},
    ],
    [
      'an ntfy topic with a token',
      { type: 'ntfy', url: 'https://ntfy.sh/alerts', token: 'tk_abc' },
      {},
    ],
    [
      'a Telegram chat given as a number',
      { type: 'telegram', token: TELEGRAM_TOKEN, chatId: -1001234567890 },
      { chatId: '-1001234567890' },
    ],
    [
      'a Telegram channel on a self-hosted Bot API server',
      {
        type: 'telegram',
        token: TELEGRAM_TOKEN,
        chatId: '@feedwatch',
        apiBase: 'https://tg.example.com/bot',
      },
      { chatId: '@feedwatch', apiBase: 'https://tg.example.com/…' },
    ],
    ['one email address', { type: 'email', to: 'desk@example.com' }, { to: ['desk@example.com'] }],
    [
      'a list of email addresses',
      { type: 'email', to: ['a@example.com', ' b@example.org '] },
      { to: ['a@example.com', 'b@example.org'] },
    ],
    [
      'a Slack URL on the loopback receiver (development)',
      { type: 'slack', url: 'LOOPBACK/slack' },
      {},
    ],
  ])('accepts %s', async (_, fields, shown) => {
    const body = { name: 'd', ...fields } as Record<string, unknown>
    if (typeof body.url === 'string') body.url = body.url.replace('LOOPBACK', loopbackUrl())
    const res = await api('POST', '/api/destinations', body)
    expect(res.status).toBe(201)
    expect(res.json.destination).toMatchObject({ type: fields.type, ...shown })
  })

  it.each([
    [
      'url on an email destination',
      { type: 'email', to: 'a@example.com', url: 'https://x.example/' },
      'url',
      /not used by email/,
    ],
    [
      'a missing chatId',
      { type: 'telegram', token: TELEGRAM_TOKEN },
      'chatId',
      /required for telegram/,
    ],
    ['a missing url', { type: 'slack' }, 'url', /required/],
    ['a missing to', { type: 'email' }, 'to', /required/],
    [
      'a secret on Slack',
      { type: 'slack', url: SLACK, secret: 'whsec_x' },
      'secret',
      /not used by slack/,
    ],
    [
      'a token on Discord',
      { type: 'discord', url: 'https://discord.com/api/webhooks/1/t', token: 't' },
      'token',
      /not used/,
    ],
    [
      'apiBase on ntfy',
      { type: 'ntfy', url: 'https://ntfy.sh/t', apiBase: 'https://x.example/' },
      'apiBase',
      /not used/,
    ],
    [
      'to on a webhook',
      { type: 'webhook', url: 'https://h.example/', to: 'a@example.com' },
      'to',
      /not used/,
    ],
    [
      'an unknown type',
      { type: 'pager', url: 'https://h.example/' },
      'type',
      /webhook, slack, discord, teams, googlechat, ntfy, telegram, email/,
    ],
    [
      'a Slack URL on another host',
      { type: 'slack', url: 'https://hooks.example.com/services/T/B/X' },
      'url',
      /hooks\.slack\.com/,
    ],
    [
      'a Slack workflow trigger instead of an incoming webhook',
      { type: 'slack', url: 'https://hooks.slack.com/triggers/T/1/x' },
      'url',
      /incoming webhook/,
    ],
    [
      'a Discord URL that is not a webhook',
      { type: 'discord', url: 'https://discord.com/channels/1/2' },
      'url',
      /api\/webhooks/,
    ],
    [
      'a Discord look-alike host',
      { type: 'discord', url: 'https://discord.com.evil.example/api/webhooks/1/t' },
      'url',
      /Discord/,
    ],
    [
      'a Google Chat URL on another host',
      { type: 'googlechat', url: 'https://chat.example.com/v1/spaces/A/messages' },
      'url',
      /chat\.googleapis\.com/,
    ],
    [
      'a retired Office 365 connector (webhookb2)',
      {
        type: 'teams',
        url: 'https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d',
      },
      'url',
      /Workflows|workflow/,
    ],
    [
      'a retired Office 365 connector (outlook)',
      { type: 'teams', url: 'https://outlook.office.com/webhook/a@b/IncomingWebhook/c/d' },
      'url',
      /retired/,
    ],
    [
      'an ntfy server URL without a topic',
      { type: 'ntfy', url: 'https://ntfy.sh/' },
      'url',
      /topic/,
    ],
    [
      'a malformed Telegram token',
      { type: 'telegram', token: 'abc', chatId: '1' },
      'token',
      /bot token/,
    ],
    [
      'a Telegram chat id that is neither',
      { type: 'telegram', token: TELEGRAM_TOKEN, chatId: 'general' },
      'chatId',
      /chat id/,
    ],
    [
      'a fractional Telegram chat id',
      { type: 'telegram', token: TELEGRAM_TOKEN, chatId: 1.5 },
      'chatId',
      /chat id/,
    ],
    ['an email address without a domain', { type: 'email', to: 'desk' }, 'to', /email address/],
    [
      'a bad address in a list',
      { type: 'email', to: ['a@example.com', 'b@'] },
      'to[1]',
      /email address/,
    ],
    ['an empty list of addresses', { type: 'email', to: [] }, 'to', /at least one/],
    [
      'more than 50 recipients',
      {
        type: 'email',
        to: Array.from({ length: MAX_EMAIL_RECIPIENTS + 1 }, (_, i) => `r${i}@example.com`),
      },
      'to',
      /limit is 50/,
    ],
    [
      'a webhook secret in the wrong format',
      { type: 'webhook', url: 'https://h.example/', secret: 'abc' },
      'secret',
      /whsec_/,
    ],
  ])('refuses %s with 400 naming %s', async (_, fields, field, message) => {
    const res = await api('POST', '/api/destinations', { name: 'd', ...fields })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe(field)
    expect(res.json.error.message).toMatch(message)
  })
})

describe('in production', () => {
  it.each([
    [
      'a plain-http webhook',
      { type: 'webhook', url: 'http://hooks.example.com/in' },
      'url',
      /https/,
    ],
    [
      'a Slack URL on loopback',
      { type: 'slack', url: 'https://127.0.0.1/services/T/B/X' },
      'url',
      /loopback/,
    ],
    [
      'a webhook at localhost.',
      { type: 'webhook', url: 'https://localhost./hook' },
      'url',
      /loopback name/,
    ],
    [
      'a webhook in CGNAT space',
      { type: 'webhook', url: 'https://100.64.0.1/hook' },
      'url',
      /CGNAT/,
    ],
    [
      'a webhook on cloud metadata',
      { type: 'webhook', url: 'https://metadata.google.internal/' },
      'url',
      /internal/,
    ],
    [
      'a Telegram apiBase on a private address',
      { type: 'telegram', token: TELEGRAM_TOKEN, chatId: '1', apiBase: 'https://10.0.0.5/' },
      'apiBase',
      /private-use/,
    ],
  ])('refuses %s, naming %s', async (_, fields, field, message) => {
    const res = await postAs(production, { name: 'd', ...fields })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe(field)
    expect(res.json.error.message).toMatch(message)
  })

  it('accepts a public https service URL', async () => {
    expect((await postAs(production, { name: 'd', type: 'slack', url: SLACK })).status).toBe(201)
  })
})

describe('credentials are never echoed', () => {
  it.each([
    [
      'a webhook secret and URL',
      {
        type: 'webhook',
        url: 'https://hooks.example.com/p4th-s3cret',
        secret: 'whsec_' + btoa('k'.repeat(32)),
      },
      ['p4th-s3cret', btoa('k'.repeat(32))],
    ],
    [
      'a Telegram token and apiBase path',
      {
        type: 'telegram',
        token: TELEGRAM_TOKEN,
        chatId: '1',
        apiBase: 'https://tg.example.com/b4se-s3cret',
      },
      [TELEGRAM_TOKEN, 'b4se-s3cret'],
    ],
    [
      'an ntfy token and topic',
      { type: 'ntfy', url: 'https://ntfy.example.com/t0pic-s3cret', token: 'tk_s3cret' },
      ['t0pic-s3cret', 'tk_s3cret'],
    ],
  ])('in the answers about %s', async (_, fields, secrets) => {
    const created = await api('POST', '/api/destinations', { name: 'd', ...fields })
    expect(created.status).toBe(201)
    const id = created.json.destination.id
    const answers = [
      created.json,
      (await api('GET', `/api/destinations/${id}`)).json,
      (await api('GET', '/api/destinations')).json,
      (await api('PATCH', `/api/destinations/${id}`, { name: 'renamed' })).json,
    ]
    for (const answer of answers) {
      for (const secret of secrets) expect(JSON.stringify(answer)).not.toContain(secret)
    }
    if ('token' in fields) expect(created.json.destination.tokenSet).toBe(true)
  })
})

describe('PATCH keeps each type’s shape', () => {
  it('refuses a field the type does not take, and changes one it does', async () => {
    const email = await api('POST', '/api/destinations', {
      id: 'mail',
      name: 'm',
      type: 'email',
      to: 'a@example.com',
    })
    expect(email.status).toBe(201)
    const bad = await api('PATCH', '/api/destinations/mail', { url: 'https://h.example/' })
    expect(bad.status).toBe(400)
    expect(bad.json.error.field).toBe('url')
    const good = await api('PATCH', '/api/destinations/mail', {
      to: ['b@example.com', 'c@example.com'],
    })
    expect(good.status).toBe(200)
    expect(good.json.destination.to).toEqual(['b@example.com', 'c@example.com'])
  })
})

describe('digest mode', () => {
  it.each([
    ['every 5 minutes, the shortest', { everyMinutes: 5 }],
    ['weekly, the longest', { everyMinutes: 10080 }],
    ['daily in Paris', { dailyAt: '07:30', timeZone: 'Europe/Paris' }],
    ['daily at midnight UTC', { dailyAt: '00:00', timeZone: 'UTC' }],
  ])('accepts a destination digest %s', async (_, digest) => {
    const res = await api('POST', '/api/destinations', {
      name: 'd',
      type: 'email',
      to: 'a@example.com',
      mode: 'digest',
      digest,
    })
    expect(res.status).toBe(201)
    expect(res.json.destination).toMatchObject({ mode: 'digest', digest })
  })

  it.each([
    ['digest mode without a schedule', { mode: 'digest' }, 'digest', /required/],
    [
      'every 4 minutes',
      { mode: 'digest', digest: { everyMinutes: 4 } },
      'digest.everyMinutes',
      /5 to 10080/,
    ],
    [
      'every 10,081 minutes',
      { mode: 'digest', digest: { everyMinutes: 10081 } },
      'digest.everyMinutes',
      /5 to 10080/,
    ],
    [
      'every 7.5 minutes',
      { mode: 'digest', digest: { everyMinutes: 7.5 } },
      'digest.everyMinutes',
      /whole/,
    ],
    [
      'a time of 25:00',
      { mode: 'digest', digest: { dailyAt: '25:00', timeZone: 'UTC' } },
      'digest.dailyAt',
      /HH:MM/,
    ],
    [
      'an unknown time zone',
      { mode: 'digest', digest: { dailyAt: '08:00', timeZone: 'Mars/Olympus_Mons' } },
      'digest.timeZone',
      /IANA/,
    ],
    [
      'both kinds of schedule',
      { mode: 'digest', digest: { everyMinutes: 60, dailyAt: '08:00' } },
      'digest',
      /everyMinutes/,
    ],
    ['a schedule in instant mode', { digest: { everyMinutes: 60 } }, 'digest', /only used/],
    ['a mode that does not exist', { mode: 'hourly' }, 'mode', /instant.*digest/],
  ])('refuses %s, naming %s', async (_, fields, field, message) => {
    const dest = await api('POST', '/api/destinations', {
      name: 'd',
      type: 'email',
      to: 'a@example.com',
      ...fields,
    })
    expect(dest.status).toBe(400)
    expect(dest.json.error.field).toBe(field)
    expect(dest.json.error.message).toMatch(message)
    const watch = await api('POST', '/api/watches', {
      name: 'w',
      query: 'otan',
      destinations: ['mail'],
      ...fields,
    })
    expect(watch.status).toBe(400)
    expect(watch.json.error.field).toBe(field)
  })

  it('switches a watch to a digest and back, dropping the schedule', async () => {
    const created = await api('POST', '/api/watches', {
      id: 'digested',
      name: 'w',
      query: 'otan',
      destinations: ['mail'],
    })
    expect(created.json.watch.mode).toBe('instant')
    const missing = await api('PATCH', '/api/watches/digested', { mode: 'digest' })
    expect(missing.status).toBe(400)
    expect(missing.json.error.field).toBe('digest')
    const digest = { dailyAt: '18:00', timeZone: 'Europe/Paris' }
    const on = await api('PATCH', '/api/watches/digested', { mode: 'digest', digest })
    expect(on.status).toBe(200)
    expect(on.json.watch).toMatchObject({ mode: 'digest', digest })
    const renamed = await api('PATCH', '/api/watches/digested', { name: 'still a digest' })
    expect(renamed.json.watch.digest).toEqual(digest)
    const off = await api('PATCH', '/api/watches/digested', { mode: 'instant' })
    expect(off.status).toBe(200)
    expect(off.json.watch.mode).toBe('instant')
    expect(off.json.watch.digest).toBeUndefined()
  })
})
