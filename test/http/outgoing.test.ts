// The address guard wired in: feed creation, autodiscovery, redirects and the tick's polls all go
// through it in production. A public name is played by the loopback server through a transport
// that resolves `feeds.example` to it (as DNS would), so the guard sees a public host first and the
// loopback address only where a redirect or a link points at it.
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { getDeadLetter } from '../../src/store/deliveries'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import type { Alert } from '../../src/model'
import { createApp } from '../../src/http/app'
import { FetchError, fetchFeed } from '../../src/ingest'
import { guardedFetch } from '../../src/lib/address-guard'
import { rss } from '../support/feeds'
import { forget, loopbackUrl, received, script } from '../support/loopback'
import { ADMIN_TOKEN, api, tick } from '../support/worker'

const production = { ...env, ENVIRONMENT: 'production' } as Env

/** Sends requests for https://feeds.example/… to the loopback server, like a DNS answer would. */
const resolvingTransport: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (url.hostname !== 'feeds.example') return fetch(input, init)
  return fetch(`${loopbackUrl()}${url.pathname}${url.search}`, init)
}

const app = createApp({ fetch: resolvingTransport, now: () => new Date() })

async function post(path: string, body: unknown, bindings: Env = production) {
  const res = await app.request(
    path,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
    bindings,
  )
  return { status: res.status, json: (await res.json()) as any }
}

describe('redirects', () => {
  it('refuses a redirect from a public host to loopback, permanently, without following it', async () => {
    await forget('/guard/')
    await script('/guard/redirect', {
      status: 302,
      headers: { location: `${loopbackUrl()}/guard/secret` },
    })
    await script('/guard/secret', { status: 418, body: 'internal' })
    const transport = guardedFetch(resolvingTransport, { development: false })
    const error = await fetchFeed(
      { url: 'https://feeds.example/guard/redirect' },
      { fetch: transport },
    )
      .then(() => undefined)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchError)
    expect((error as FetchError).permanent).toBe(true)
    expect((error as FetchError).message).toMatch(/host 127\.0\.0\.1 refused, loopback/)
    expect((await received('/guard/secret')).length).toBe(0)
  })
})

describe('feed creation in production', () => {
  it('refuses a loopback feed URL with 400 naming url, before fetching it', async () => {
    await forget('/guard/')
    await script('/guard/direct.xml', { status: 404 })
    const res = await post('/api/feeds', { url: `${loopbackUrl()}/guard/direct.xml` })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('url')
    expect(res.json.error.message).toMatch(/loopback/)
    expect((await received('/guard/direct.xml')).length).toBe(0)
  })

  it('answers 422 without the internal host’s status when a redirect points inside', async () => {
    await forget('/guard/')
    await script('/guard/redirect', {
      status: 302,
      headers: { location: `${loopbackUrl()}/guard/secret` },
    })
    await script('/guard/secret', { status: 418, body: 'internal' })
    const res = await post('/api/feeds', { url: 'https://feeds.example/guard/redirect' })
    expect(res.status).toBe(422)
    expect(res.json.error.field).toBe('url')
    expect(res.json.error.message).not.toMatch(/418/)
    expect(res.json.error.message).toMatch(/refused/)
    expect((await received('/guard/secret')).length).toBe(0)
  })

  it('skips a discovered feed link that points at an internal host', async () => {
    await forget('/guard/')
    await script('/guard/page', {
      body: `<html><head><link rel="alternate" type="application/rss+xml" href="${loopbackUrl()}/guard/internal.xml"></head></html>`,
      headers: { 'content-type': 'text/html' },
    })
    await script('/guard/internal.xml', { body: rss('Internal', []) })
    const res = await post('/api/feeds', { url: 'https://feeds.example/guard/page' })
    expect(res.status).toBe(422)
    expect((await received('/guard/internal.xml')).length).toBe(0)
  })

  it('still creates a feed on a public host', async () => {
    await script('/guard/public.xml', {
      body: rss('Public', []),
      headers: { 'content-type': 'application/rss+xml' },
    })
    const res = await post('/api/feeds', { url: 'https://feeds.example/guard/public.xml' })
    expect(res.status).toBe(201)
    expect(res.json.feed.url).toBe('https://feeds.example/guard/public.xml')
    // The Worker's own transport cannot resolve feeds.example: keep it out of the tick below.
    expect((await api('DELETE', `/api/feeds/${res.json.feed.id}`)).status).toBe(200)
  })
})

describe('the tick in production', () => {
  it('does not poll a loopback feed saved in development, and says why', async () => {
    await forget('/guard/')
    const url = await script('/guard/tick.xml', { body: rss('Tick', []) })
    expect(
      (await api('POST', '/api/feeds', { id: 'guard-tick', url, discover: false })).status,
    ).toBe(201)
    await tick(new Date(), production)
    expect((await received('/guard/tick.xml')).length).toBe(0)
    const status = await api('GET', '/api/status')
    const feed = status.json.feeds.find((f: { id: string }) => f.id === 'guard-tick')
    expect(feed.lastError.message).toMatch(/refused, loopback/)
  })
})

describe('deliveries in production', () => {
  it('does not send to a loopback destination saved in development', async () => {
    await forget('/guard/')
    const url = await script('/guard/hook', { status: 204 })
    const saved = await api('POST', '/api/destinations', {
      id: 'guard-hook',
      name: 'h',
      type: 'webhook',
      url,
    })
    expect(saved.status).toBe(201)
    const alert: Alert = {
      id: 'guard-alert',
      watch: { id: 'w', name: 'Watch', query: 'otan' },
      feed: { id: 'f', url: 'https://example.org/feed' },
      item: {
        key: 'g:1',
        feedId: 'f',
        title: 'Otan',
        summary: '',
        content: '',
        categories: [],
        enclosures: [],
      },
      match: { terms: ['otan'], fields: ['title'], hits: [], snippet: 'Otan', highlights: [] },
      destinationId: 'guard-hook',
      detectedAt: new Date().toISOString(),
    }
    const batch = createMessageBatch<Alert>('feedwatch-deliveries', [
      { id: 'm0', timestamp: new Date(), attempts: 1, body: alert },
    ])
    const ctx = createExecutionContext()
    await worker.queue(batch, production)
    const result = await getQueueResult(batch, ctx)
    expect((await received('/guard/hook')).length).toBe(0)
    // A refused address is refused on every try: parked at once as a dead letter, not retried.
    expect(result.explicitAcks).toContain('m0')
    expect(result.retryMessages).toHaveLength(0)
    const letter = await getDeadLetter(env, 'guard-alert')
    expect(letter?.error).toMatch(/refused/)
    expect(letter?.error).not.toContain('/guard/hook')
  })
})
