// The fetcher against a real HTTP server on loopback (test/support/loopback-server.ts): conditional
// requests, redirects, Retry-After, compression, size limits, timeouts, headers and schemes.
import { describe, expect, it } from 'vitest'
import { FetchError, fetchFeed, parseFeed, USER_AGENT, type FetchResult } from '../../src/ingest'
import { loopbackUrl, received, script } from '../support/loopback'

const P = '/ingest-fetch'
// The global fetch itself, unbound, as the monitor passes it.
const deps = { fetch }
const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title></channel></rss>'
const text = (r: FetchResult) => (r.kind === 'ok' ? new TextDecoder().decode(r.body) : undefined)

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(FetchError)
    return e as FetchError
  }
  throw new Error('expected a FetchError')
}

describe('fetchFeed', () => {
  it('passes Content-Language and an absolute Content-Location on to parseFeed', async () => {
    const url = await script(`${P}/lang.xml`, {
      body:
        '<rss version="2.0"><channel><title>L</title>' +
        '<item><guid>1</guid><title>t</title><link>story/1</link></item></channel></rss>',
      headers: { 'content-language': 'de_AT', 'content-location': '/ingest-fetch/feeds/main.xml' },
    })
    const r = await fetchFeed({ url }, deps)
    if (r.kind !== 'ok') throw new Error('expected a body')
    const base = new URL(url)
    expect(r.contentLanguage).toBe('de_AT')
    expect(r.contentLocation).toBe(`${base.origin}/ingest-fetch/feeds/main.xml`)
    const parsed = parseFeed(r.body, r)
    expect(parsed.feed.lang).toBe('de-AT')
    expect(parsed.items[0]!.url).toBe(`${base.origin}/ingest-fetch/feeds/story/1`)
  })

  it('gets a feed with its validators, content type and cache hints, as Feedwatch', async () => {
    const url = await script(`${P}/ok.xml`, {
      body: RSS,
      etag: '"v1"',
      lastModified: 'Mon, 05 Jun 2023 12:00:00 GMT',
      headers: {
        'content-type': 'application/rss+xml; charset=utf-8',
        'cache-control': 'public, max-age=300',
        expires: 'Mon, 05 Jun 2023 13:00:00 GMT',
      },
    })
    const r = await fetchFeed({ url }, deps)
    expect(r).toMatchObject({
      kind: 'ok',
      url,
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Mon, 05 Jun 2023 12:00:00 GMT',
      cacheHints: { maxAgeSeconds: 300, expires: '2023-06-05T13:00:00.000Z' },
    })
    expect(text(r)).toBe(RSS)
    expect('permanentRedirect' in r).toBe(false)
    const [req] = await received(`${P}/ok.xml`)
    expect(req!.headers['user-agent']).toBe(USER_AGENT)
    expect(req!.headers['user-agent']).toBe(
      'Feedwatch/0.1 (+https://github.com/feedwatch/feedwatch)',
    )
    expect(req!.headers['accept']).toMatch(/application\/rss\+xml/)
  })

  it.each([
    ['ETag', { etag: '"abc"' }, { etag: '"abc"' }, 'if-none-match', '"abc"'],
    [
      'Last-Modified',
      { lastModified: 'Tue, 06 Jun 2023 08:00:00 GMT' },
      { lastModified: 'Tue, 06 Jun 2023 08:00:00 GMT' },
      'if-modified-since',
      'Tue, 06 Jun 2023 08:00:00 GMT',
    ],
  ])(
    'answers not-modified on a 304 to a conditional GET by %s',
    async (name, scripted, req, header, value) => {
      const path = `${P}/cond-${name}.xml`
      const url = await script(path, { body: RSS, ...scripted })
      const r = await fetchFeed({ url, ...req }, deps)
      expect(r.kind).toBe('not-modified')
      const [sent] = await received(path)
      expect(sent!.headers[header]).toBe(value)
    },
  )

  it.each([301, 308])('reports a %i permanent redirect as the URL to store', async (status) => {
    const target = await script(`${P}/moved-${status}/new.xml`, { body: RSS })
    const url = await script(`${P}/moved-${status}/old.xml`, {
      status,
      headers: { location: `${P}/moved-${status}/new.xml` },
    })
    const r = await fetchFeed({ url }, deps)
    expect(r).toMatchObject({ kind: 'ok', url: target, permanentRedirect: target })
    expect(text(r)).toBe(RSS)
  })

  it.each([302, 303, 307])(
    'follows a %i redirect without reporting it as permanent',
    async (status) => {
      const target = await script(`${P}/temp-${status}/new.xml`, { body: RSS })
      const url = await script(`${P}/temp-${status}/old.xml`, {
        status,
        headers: { location: target },
      })
      const r = await fetchFeed({ url }, deps)
      expect(r.kind === 'ok' && r.url).toBe(target)
      expect(r.kind === 'ok' && r.permanentRedirect).toBeUndefined()
    },
  )

  it('reports only the permanent part of a 301 → 302 chain', async () => {
    const final = await script(`${P}/chain/final.xml`, { body: RSS })
    const middle = await script(`${P}/chain/middle.xml`, {
      status: 302,
      headers: { location: final },
    })
    const url = await script(`${P}/chain/start.xml`, { status: 301, headers: { location: middle } })
    const r = await fetchFeed({ url }, deps)
    expect(r).toMatchObject({ kind: 'ok', url: final, permanentRedirect: middle })
  })

  it('gives up on a redirect loop', async () => {
    const url = await script(`${P}/loop.xml`, {
      status: 302,
      headers: { location: `${P}/loop.xml` },
    })
    const e = await fetchError(fetchFeed({ url }, deps))
    expect(e.message).toMatch(/more than 5 redirects/)
    expect(e.permanent).toBe(false)
  })

  it('refuses a redirect to a non-http scheme', async () => {
    const url = await script(`${P}/to-file.xml`, {
      status: 301,
      headers: { location: 'file:///etc/passwd' },
    })
    const e = await fetchError(fetchFeed({ url }, deps))
    expect(e.message).toMatch(/scheme file: refused/)
    expect(e.permanent).toBe(true)
  })

  it('reports 429 with Retry-After seconds as transient', async () => {
    const url = await script(`${P}/429.xml`, { status: 429, headers: { 'retry-after': '120' } })
    const e = await fetchError(fetchFeed({ url }, deps))
    expect(e).toMatchObject({ status: 429, retryAfterSeconds: 120, permanent: false, url })
    expect(e.message).toContain(`GET ${url}`)
  })

  it('reports 503 with a Retry-After date as transient with a delay', async () => {
    const when = new Date(Date.now() + 90_000).toUTCString()
    const url = await script(`${P}/503.xml`, { status: 503, headers: { 'retry-after': when } })
    const e = await fetchError(fetchFeed({ url }, deps))
    expect(e).toMatchObject({ status: 503, permanent: false })
    expect(e.retryAfterSeconds).toBeGreaterThan(0)
    expect(e.retryAfterSeconds).toBeLessThanOrEqual(91)
  })

  it.each([
    [404, true],
    [410, true],
    [401, true],
    [403, true],
    [500, false],
    [502, false],
    [408, false],
  ])('reports HTTP %i with permanent=%s', async (status, permanent) => {
    const url = await script(`${P}/status-${status}.xml`, { status, body: 'nope' })
    const e = await fetchError(fetchFeed({ url }, deps))
    expect(e).toMatchObject({ status, permanent })
  })

  it.each(['gzip', 'deflate'] as const)('reads a %s-encoded body', async (encoding) => {
    const url = await script(`${P}/${encoding}.xml`, {
      body: RSS,
      encoding,
      headers: { 'content-type': 'application/rss+xml' },
    })
    const r = await fetchFeed({ url }, deps)
    expect(text(r)).toBe(RSS)
  })

  it('refuses an oversize body announced by Content-Length before reading it', async () => {
    const url = await script(`${P}/big-cl.xml`, {
      body: 'x'.repeat(5000),
      headers: { 'content-length': '5000' },
    })
    const e = await fetchError(fetchFeed({ url }, { ...deps, maxBytes: 1000 }))
    expect(e.message).toMatch(/Content-Length 5000 exceeds the 1000-byte limit/)
    expect(e.permanent).toBe(true)
  })

  it('refuses an oversize chunked body while streaming it', async () => {
    const url = await script(`${P}/big-chunked.xml`, {
      body: 'x'.repeat(50_000),
      headers: { 'transfer-encoding': 'chunked' },
    })
    const e = await fetchError(fetchFeed({ url }, { ...deps, maxBytes: 1000 }))
    expect(e.message).toMatch(/body larger than 1000 bytes refused/)
  })

  it('refuses a compressed body that inflates past the limit', async () => {
    const url = await script(`${P}/gzip-bomb.xml`, { body: ' '.repeat(200_000), encoding: 'gzip' })
    const e = await fetchError(fetchFeed({ url }, { ...deps, maxBytes: 10_000 }))
    expect(e.message).toMatch(/larger than 10000 bytes/)
  })

  it('times out on a slow server', async () => {
    const url = await script(`${P}/slow.xml`, { body: RSS, delayMs: 3000 })
    const start = Date.now()
    const e = await fetchError(fetchFeed({ url }, { ...deps, timeoutMs: 300 }))
    expect(e.message).toMatch(/timed out after 300 ms/)
    expect(e.permanent).toBe(false)
    expect(Date.now() - start).toBeLessThan(2500)
  })

  it('sends per-feed headers to the feed’s origin only', async () => {
    const elsewhere = loopbackUrl().replace('127.0.0.1', 'localhost')
    await script(`${P}/auth/elsewhere.xml`, { body: RSS })
    const url = await script(`${P}/auth/feed.xml`, {
      status: 302,
      headers: { location: `${elsewhere}${P}/auth/elsewhere.xml` },
    })
    await fetchFeed({ url, headers: { Authorization: 'Bearer s3cret', 'X-Custom': 'yes' } }, deps)
    const [first, second] = await received(`${P}/auth/`)
    expect(first!.headers['authorization']).toBe('Bearer s3cret')
    expect(first!.headers['x-custom']).toBe('yes')
    expect(second!.path).toBe(`${P}/auth/elsewhere.xml`)
    expect(second!.headers['authorization']).toBeUndefined()
  })

  it('refuses an invalid per-feed header as a permanent configuration error', async () => {
    const url = await script(`${P}/bad-header.xml`, { body: RSS })
    const e = await fetchError(fetchFeed({ url, headers: { 'Bad Header': 'x' } }, deps))
    expect(e.message).toMatch(/invalid per-feed header "Bad Header"/)
    expect(e.permanent).toBe(true)
    expect(await received(`${P}/bad-header.xml`)).toEqual([])
  })

  it.each(['ftp://example.com/feed', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])(
    'refuses %s without a request',
    async (url) => {
      const e = await fetchError(fetchFeed({ url }, deps))
      expect(e.permanent).toBe(true)
    },
  )

  it('reports a network failure from the transport as transient, with its cause', async () => {
    const failing = async () => {
      throw new TypeError('Network connection lost.')
    }
    const e = await fetchError(fetchFeed({ url: 'https://down.example/feed' }, { fetch: failing }))
    expect(e.permanent).toBe(false)
    expect(e.message).toMatch(/network error: Network connection lost/)
    expect(e.cause).toBeInstanceOf(TypeError)
  })
})
