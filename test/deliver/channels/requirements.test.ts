// Which destinations each channel can use, checked without sending.
import { describe, expect, it } from 'vitest'
import { destinationProblems } from '../../../src/deliver/channels/requirements'
import type { Destination } from '../../../src/model'

const d = (fields: Partial<Destination>): Destination => ({
  id: 'x',
  name: 'x',
  type: 'webhook',
  enabled: true,
  ...fields,
})

describe('destinationProblems', () => {
  it.each([
    ['a Slack webhook', { type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }],
    [
      'an ntfy topic with a token',
      { type: 'ntfy', url: 'https://ntfy.sh/veille-x7', token: 'tk_1' },
    ],
    ['a Teams Workflows URL', { type: 'teams', url: 'https://x.logic.azure.com/workflows/1' }],
    [
      'a Telegram group',
      { type: 'telegram', token: '123456:AAH-abcdefghijklmnopqrstu', chatId: '-1001234' },
    ],
    [
      'a Telegram channel by name',
      { type: 'telegram', token: '1:AAAAAAAAAAAAAAAAAAAAAAA', chatId: '@veille_fr' },
    ],
    ['two email recipients', { type: 'email', to: ['a@example.com', 'b@example.org'] }],
  ] as const)('accepts %s', (_, fields) => {
    expect(destinationProblems(d(fields as Partial<Destination>))).toEqual([])
  })

  it.each([
    ['a chat webhook without url', { type: 'discord' }, 'url'],
    ['a relative url', { type: 'googlechat', url: '/hook' }, 'url'],
    ['a javascript: url', { type: 'slack', url: 'javascript:alert(1)' }, 'url'],
    ['a retired Teams connector', { type: 'teams', url: 'https://a.webhook.office.com/x' }, 'url'],
    ['an ntfy server without topic', { type: 'ntfy', url: 'https://ntfy.sh/' }, 'url'],
    ['a Telegram token that is not one', { type: 'telegram', token: 'abc', chatId: '1' }, 'token'],
    [
      'a Telegram chat id that is not one',
      { type: 'telegram', token: '1:AAAAAAAAAAAAAAAAAAAAAAA', chatId: 'x y' },
      'chatId',
    ],
    [
      'a Telegram apiBase that is not a URL',
      { type: 'telegram', token: '1:AAAAAAAAAAAAAAAAAAAAAAA', chatId: '1', apiBase: 'x' },
      'apiBase',
    ],
    ['email without recipients', { type: 'email', to: [] }, 'to'],
    ['a malformed address', { type: 'email', to: ['ok@example.com', 'no-at-sign'] }, 'to[1]'],
  ] as const)('refuses %s, naming the field', (_, fields, field) => {
    expect(destinationProblems(d(fields as Partial<Destination>)).map((p) => p.field)).toContain(
      field,
    )
  })
})
