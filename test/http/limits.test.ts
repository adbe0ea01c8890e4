// Every input bound of the API (#9.6, docs/operations.md "Limits"): request bodies, per-feed
// headers, and the text a preview may match. Each refusal names the limit or the field.
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import {
  MAX_BODY_BYTES,
  MAX_FEED_HEADERS,
  MAX_HEADERS_TOTAL_CHARS,
  MAX_HEADER_VALUE_CHARS,
  MAX_PREVIEW_BODY_BYTES,
  MAX_PREVIEW_CHARS,
} from '../../src/http/limits'
import { rss } from '../support/feeds'
import { script } from '../support/loopback'
import { ADMIN_TOKEN, api } from '../support/worker'

async function post(path: string, body: BodyInit, extra: Record<string, string> = {}) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request(`https://feedwatch.test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...extra },
      body,
    }),
    env,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return { status: res.status, json: (await res.json()) as any }
}

/** A body of `bytes` bytes, delivered as a stream: no Content-Length to trust. */
function streamOf(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(16 * 1024).fill(0x20)
  let left = bytes
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close()
      const n = Math.min(left, chunk.length)
      controller.enqueue(chunk.subarray(0, n))
      left -= n
    },
  })
}

describe('request bodies', () => {
  it.each([
    ['/api/feeds', MAX_BODY_BYTES],
    ['/api/watches', MAX_BODY_BYTES],
    ['/api/destinations', MAX_BODY_BYTES],
    ['/api/preview', MAX_PREVIEW_BODY_BYTES],
    ['/api/deliveries/any/replay', MAX_BODY_BYTES],
  ])('%s refuses a body over %i bytes with 413 naming the limit', async (path, limit) => {
    const res = await post(path, ' '.repeat(limit + 1))
    expect(res.status).toBe(413)
    expect(res.json.error.message).toContain(String(limit))
  })

  it('counts a streamed body without Content-Length as it arrives', async () => {
    const res = await post('/api/feeds', streamOf(MAX_BODY_BYTES * 4))
    expect(res.status).toBe(413)
    expect(res.json.error.message).toContain(String(MAX_BODY_BYTES))
  })

  it('reads a body just under the limit normally, down to its fields', async () => {
    const body = JSON.stringify({ url: 'https://example.org/f', intervalMinutes: 0 })
    const res = await post('/api/feeds', body.padEnd(MAX_BODY_BYTES, ' '))
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('intervalMinutes')
  })
})

const header = (name: string, value: string) => ({ [name]: value })
const many = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-Header-${i}`, 'v']))

describe('feed headers', () => {
  it.each([
    [
      'a value with CR/LF',
      header('X-Token', 'abc\r\nHost: evil.example'),
      'headers.X-Token',
      /CR, LF/,
    ],
    ['a value with a bare LF', header('Cookie', 'a=1\nb=2'), 'headers.Cookie', /CR, LF/],
    ['a value with NUL', header('X-Token', 'a\u0000b'), 'headers.X-Token', /NUL/],
    ['a value beyond Latin-1', header('X-Name', 'Белгород'), 'headers.X-Name', /Latin-1/],
    ['a name with a space', header('Bad Header', 'x'), 'headers.Bad Header', /header name/],
    ['a name with a colon', header('X-A:', 'x'), 'headers.X-A:', /header name/],
    ['Host', header('Host', 'internal.example'), 'headers.Host', /set by Feedwatch/],
    ['User-Agent', header('user-agent', 'me'), 'headers.user-agent', /set by Feedwatch/],
    [
      'Transfer-Encoding',
      header('Transfer-Encoding', 'chunked'),
      'headers.Transfer-Encoding',
      /connection/,
    ],
    ['the same name twice', { 'X-A': '1', 'x-a': '2' }, 'headers.x-a', /twice/],
    [
      'a value over the limit',
      header('Authorization', 'x'.repeat(MAX_HEADER_VALUE_CHARS + 1)),
      'headers.Authorization',
      new RegExp(String(MAX_HEADER_VALUE_CHARS)),
    ],
    [
      'too many headers',
      many(MAX_FEED_HEADERS + 1),
      'headers',
      new RegExp(String(MAX_FEED_HEADERS)),
    ],
    [
      'too many characters in all',
      Object.fromEntries(
        Array.from({ length: 3 }, (_, i) => [`X-Big-${i}`, 'x'.repeat(MAX_HEADER_VALUE_CHARS)]),
      ),
      'headers',
      new RegExp(String(MAX_HEADERS_TOTAL_CHARS)),
    ],
  ])('refuses %s with 400 naming %s', async (_, headers, field, message) => {
    const res = await api('POST', '/api/feeds', {
      url: 'https://example.org/feed',
      headers,
      discover: false,
    })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe(field)
    expect(res.json.error.message).toMatch(message)
    const patched = await api('PATCH', '/api/feeds/headers-ok', { headers })
    expect(patched.status).toBe(400)
    expect(patched.json.error.field).toBe(field)
  })

  it('keeps valid headers, at the limits, and never shows their values', async () => {
    const headers = { ...many(MAX_FEED_HEADERS - 1), Authorization: 'Bearer s3cret\tpart' }
    const res = await api('POST', '/api/feeds', {
      id: 'headers-ok',
      url: 'https://example.org/feed',
      headers,
      discover: false,
      enabled: false, // never fetched: the live preview below reads enabled feeds only
    })
    expect(res.status).toBe(201)
    expect(Object.keys(res.json.feed.headers)).toHaveLength(MAX_FEED_HEADERS)
    expect(JSON.stringify(res.json)).not.toContain('s3cret')
  })
})

describe('preview text', () => {
  it('refuses given items over the text budget with 413 naming items and the limit', async () => {
    const res = await api('POST', '/api/preview', {
      query: 'otan',
      items: [{ title: 'Otan', content: 'a'.repeat(MAX_PREVIEW_CHARS) }],
    })
    expect(res.status).toBe(413)
    expect(res.json.error.field).toBe('items')
    expect(res.json.error.message).toContain(String(MAX_PREVIEW_CHARS))
  })

  it('matches given items up to the budget', async () => {
    const res = await api('POST', '/api/preview', {
      query: 'otan',
      items: [{ title: 'Otan', content: 'a '.repeat(MAX_PREVIEW_CHARS / 2 - 10) }],
    })
    expect(res.status).toBe(200)
    expect(res.json.results[0].matched).toBe(true)
  })

  it('leaves live items past the budget out, and says so', async () => {
    const big = 'mot '.repeat(100_000) // 400,000 characters an item
    const url = await script('/limits/big.xml', {
      body: rss(
        'Big',
        Array.from({ length: 4 }, (_, i) => ({
          guid: `big-${i}`,
          title: `Otan ${i}`,
          description: big,
        })),
      ),
    })
    expect((await api('POST', '/api/feeds', { url, discover: false })).status).toBe(201)
    const res = await api('POST', '/api/preview', { query: 'otan' })
    expect(res.status).toBe(200)
    expect(res.json.truncated).toContain(String(MAX_PREVIEW_CHARS))
    expect(res.json.results.length).toBeGreaterThan(0)
    expect(res.json.results.length).toBeLessThan(4)
  })
})
