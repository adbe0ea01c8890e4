// HTTP-level answers (#9.8): the 401 challenges with WWW-Authenticate: Bearer, a body that is not
// JSON is called that, and a known path asked with a method it does not answer gets 405 with Allow.
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { ADMIN_TOKEN, api } from '../support/worker'

async function raw(method: string, path: string, init: RequestInit = {}, bindings: Env = env) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request(`https://feedwatch.test${path}`, { method, ...init }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined }
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

describe('authentication (RFC 6750)', () => {
  it.each([
    ['no Authorization header', {}, 401, /^Bearer/],
    ['a wrong token', { authorization: 'Bearer not-the-token' }, 401, /invalid_token/],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 400, /invalid_request/],
  ])(
    'answers %s with %i, a WWW-Authenticate challenge and JSON',
    async (_, headers, status, challenge) => {
      const res = await raw('GET', '/api/feeds', { headers })
      expect(res.status).toBe(status)
      expect(res.headers.get('www-authenticate')).toMatch(challenge)
      expect(typeof res.json.error.message).toBe('string')
    },
  )

  it('answers 503 when no ADMIN_TOKEN is configured, rather than letting anyone in', async () => {
    const res = await raw('GET', '/api/feeds', { headers: auth }, { ...env, ADMIN_TOKEN: '' })
    expect(res.status).toBe(503)
  })

  it('lets the right token through', async () => {
    expect((await raw('GET', '/api/feeds', { headers: auth })).status).toBe(200)
  })
})

describe('bodies that are not JSON', () => {
  it.each([
    ['/api/feeds', 'POST', 'not json'],
    ['/api/watches', 'POST', '{"name":'],
    ['/api/destinations', 'POST', ''],
    ['/api/preview', 'POST', '\u0000\u0001'],
    ['/api/feeds/any', 'PATCH', "{'single':'quotes'}"],
  ])('%s %s %j → 400 "body is not valid JSON"', async (path, method, body) => {
    const res = await raw(method, path, {
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(400)
    expect(res.json.error.message).toBe('body is not valid JSON')
  })

  it('still names the field for JSON of the wrong shape', async () => {
    const res = await api('POST', '/api/feeds', [1, 2])
    expect(res.status).toBe(400)
    expect(res.json.error.message).not.toMatch(/not valid JSON/)
  })
})

describe('methods (RFC 9110, 405)', () => {
  it.each([
    ['PUT', '/api/feeds', 'GET, HEAD, POST'],
    ['DELETE', '/api/watches', 'GET, HEAD, POST'],
    ['POST', '/api/feeds/some-id', 'DELETE, GET, HEAD, PATCH'],
    ['PUT', '/api/destinations/some-id', 'DELETE, GET, HEAD, PATCH'],
    ['GET', '/api/preview', 'POST'],
    ['DELETE', '/status', 'GET, HEAD'],
    ['POST', '/api/status', 'GET, HEAD'],
  ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const res = await raw(method, path, { headers: auth })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe(allow)
    expect(res.json.error.message).toContain(method)
  })

  it('keeps 404 for paths that do not exist at all', async () => {
    const res = await raw('PUT', '/api/nothing-here', { headers: auth })
    expect(res.status).toBe(404)
    expect(res.headers.get('allow')).toBeNull()
  })
})
