import { describe, expect, it } from 'vitest'
import { publicDestination, publicFeed } from '../../src/http/redact'
import { redactDestinationUrl, redactFeedUrl, redactUrlsIn } from '../../src/lib/redact'

describe('redaction', () => {
  it.each([
    ['https://example.org/feed.xml', 'https://example.org/feed.xml'],
    [
      'https://example.org/feed?token=abc&page=2',
      'https://example.org/feed?token=%E2%80%A6&page=2',
    ],
    ['https://example.org/rss?api_key=abc', 'https://example.org/rss?api_key=%E2%80%A6'],
    ['https://user:pw@example.org/feed', 'https://%E2%80%A6:%E2%80%A6@example.org/feed'],
    ['not a url', '…'],
  ])('feed URL %s shows as %s', (url, shown) => {
    expect(redactFeedUrl(url)).toBe(shown)
  })

  it('redacts URLs inside error messages', () => {
    expect(redactUrlsIn('HTTP 404 (GET https://x.example/feed?token=abc)')).toBe(
      'HTTP 404 (GET https://x.example/feed?token=%E2%80%A6)',
    )
    expect(redactUrlsIn('fetch to https://hooks.slack.com/services/T/B/key failed', true)).toBe(
      'fetch to https://hooks.slack.com/… failed',
    )
  })

  it('shows only the scheme and host of a destination URL', () => {
    expect(redactDestinationUrl('https://hooks.slack.com/services/T0/B0/secret')).toBe(
      'https://hooks.slack.com/…',
    )
  })

  it('never includes secrets or header values', () => {
    const d = publicDestination({
      id: 'd',
      name: 'n',
      type: 'webhook',
      url: 'https://h.example/secret-path',
      secret: 'whsec_abc',
      enabled: true,
    })
    expect(JSON.stringify(d)).not.toMatch(/secret-path|whsec_abc/)
    expect(d.signed).toBe(true)
    const f = publicFeed({
      id: 'f',
      url: 'https://x.example/feed',
      enabled: true,
      tags: [],
      headers: { Authorization: 'Bearer hunter2' },
    })
    expect(JSON.stringify(f)).not.toContain('hunter2')
    expect(f.headers).toEqual({ Authorization: '…' })
  })
})
