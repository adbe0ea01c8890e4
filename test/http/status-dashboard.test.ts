// The dashboard's guards in workerd: sign-in into a signed session cookie, CSRF on every form,
// the strict CSP, escaping of feed text, and the JSON index kept for scripts.
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { readSession } from '../../src/http/dashboard/session'
import { ADMIN_TOKEN, api } from '../support/worker'

const ORIGIN = 'https://feedwatch.test'

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const form = (fields: Record<string, string>, cookie?: string, origin = ORIGIN): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    origin,
    accept: 'text/html',
    ...(cookie ? { cookie } : {}),
  },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual',
})

async function signIn(): Promise<string> {
  const res = await call('/login', form({ token: ADMIN_TOKEN, next: '/feeds' }))
  expect(res.status).toBe(303)
  expect(res.headers.get('location')).toBe('/feeds')
  const set = res.headers.get('set-cookie') ?? ''
  return set.split(';')[0]!
}

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''

describe('dashboard sign-in', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict, expiring, signed session cookie', async () => {
    const res = await call('/login', form({ token: ADMIN_TOKEN }))
    const set = res.headers.get('set-cookie') ?? ''
    expect(set).toMatch(/^__Host-feedwatch-session=/)
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/Secure/)
    expect(set).toMatch(/SameSite=Strict/)
    expect(set).toMatch(/Max-Age=43200/)
    const value = set.split(';')[0]!.split('=')[1]
    expect(await readSession(ADMIN_TOKEN, value, new Date())).not.toBeNull()
    expect(await readSession('another-token', value, new Date())).toBeNull()
    const later = new Date(Date.now() + 13 * 3_600_000)
    expect(await readSession(ADMIN_TOKEN, value, later)).toBeNull()
  })

  it.each([
    ['a wrong token', { token: 'nope' }, 401],
    ['no token', { token: '' }, 401],
  ])('refuses %s', async (_, fields, status) => {
    const res = await call('/login', form(fields))
    expect(res.status).toBe(status)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('sends a signed-out visitor to the sign-in page, and never redirects off-site after it', async () => {
    const res = await call('/feeds', { headers: { accept: 'text/html' }, redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Ffeeds')
    const off = await call('/login', form({ token: ADMIN_TOKEN, next: '//evil.example/' }))
    expect(off.headers.get('location')).toBe('/')
  })

  it('keeps the JSON index for scripts', async () => {
    const res = await call('/', { headers: { accept: 'application/json' } })
    expect(((await res.json()) as { name: string }).name).toBe('Feedwatch')
  })
})

describe('dashboard pages and forms', () => {
  it('serves pages with a strict Content-Security-Policy and no inline script', async () => {
    const cookie = await signIn()
    const res = await call('/', { headers: { accept: 'text/html', cookie } })
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const page = await res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/)
    expect(page).toContain('<main id="main">')
  })

  it.each([
    ['no CSRF token', (_: string) => ({ url: 'https://example.org/' }), ORIGIN, 403],
    ['a wrong CSRF token', (_: string) => ({ _csrf: 'x', url: 'https://e.org/' }), ORIGIN, 403],
    [
      'another origin',
      (t: string) => ({ _csrf: t, url: 'https://e.org/' }),
      'https://evil.example',
      403,
    ],
  ])('refuses a form with %s', async (_, fields, origin, status) => {
    const cookie = await signIn()
    const page = await (await call('/feeds', { headers: { accept: 'text/html', cookie } })).text()
    const res = await call('/feeds', form(fields(csrfOf(page)), cookie, origin))
    expect(res.status).toBe(status)
    const feeds = await api('GET', '/api/feeds')
    expect(feeds.json.feeds).toEqual([])
  })

  it('escapes feed text and shows the API’s error for a bad form', async () => {
    const cookie = await signIn()
    await api('POST', '/api/feeds', {
      id: 'evil',
      url: 'https://example.org/feed.xml',
      title: '<img src=x onerror=alert(1)>',
      discover: false,
    })
    const page = await (await call('/feeds', { headers: { accept: 'text/html', cookie } })).text()
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
    const bad = await call('/feeds', form({ _csrf: csrfOf(page), url: 'not a url' }, cookie))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/role="alert">url/)
    // Gone again, so the preview below fetches no host that does not exist.
    expect((await api('DELETE', '/api/feeds/evil')).status).toBe(204)
  })

  it('shows a query’s syntax error with its position in the preview fragment', async () => {
    const cookie = await signIn()
    const page = await (await call('/watches', { headers: { accept: 'text/html', cookie } })).text()
    const res = await call('/watches/preview', {
      ...form({ _csrf: csrfOf(page), name: 'x', query: 'budget AND (' }, cookie),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        cookie,
        'x-fragment': '1',
      },
    })
    const fragment = await res.text()
    expect(fragment).toContain('Syntax error')
    expect(fragment).toMatch(/Syntax error<\/strong>: [^<]*at \d+/)
    expect(fragment).toContain('<mark class="err">')
  })
})
