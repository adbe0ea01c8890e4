// The API's contract for bad input and access: every refusal names the field (or the position in
// a query) and nothing invalid is stored.
import { describe, expect, it } from 'vitest'
import { rss } from '../support/feeds'
import { loopbackUrl, script } from '../support/loopback'
import { api } from '../support/worker'

describe('access', () => {
  it('refuses /api without the bearer token, with JSON', async () => {
    const none = await api('GET', '/api/feeds', undefined, null)
    expect(none.status).toBe(401)
    expect(none.json.error.message).toMatch(/bearer/)
    expect((await api('GET', '/api/feeds', undefined, 'wrong')).status).toBe(401)
  })

  it('serves /status without a token', async () => {
    const status = await api('GET', '/status', undefined, null)
    expect(status.status).toBe(200)
    expect(status.json.status).toBe('idle')
  })

  it('answers unknown routes with 404 JSON', async () => {
    const res = await api('GET', '/api/nothing-here')
    expect(res.status).toBe(404)
    expect(res.json.error.message).toContain('/api/nothing-here')
  })
})

describe('validation', () => {
  it.each([
    ['/api/feeds', { url: 42 }, 'url'],
    ['/api/feeds', { url: 'ftp://example.org/feed' }, 'url'],
    ['/api/feeds', { url: 'https://example.org/f', intervalMinutes: 'often' }, 'intervalMinutes'],
    ['/api/feeds', { url: 'https://example.org/f', tags: 'news' }, 'tags'],
    ['/api/feeds', { url: 'https://example.org/f', colour: 'red' }, 'colour'],
    ['/api/destinations', { name: 'x', type: 'webhook', url: 123 }, 'url'],
    ['/api/destinations', { name: 'x', type: 'pager', url: 'https://h.example/' }, 'type'],
    [
      '/api/destinations',
      { name: 'x', type: 'webhook', url: 'https://h.example/', secret: 'abc' },
      'secret',
    ],
    ['/api/watches', { name: 'w', query: 'a', destinations: [] }, 'destinations'],
    ['/api/watches', { name: 'w', query: 'a', destinations: ['nope'] }, 'destinations[0]'],
    ['/api/watches', { name: 'w', query: 'a', destinations: ['x'], mode: 'digest' }, 'digest'],
    ['/api/watches', { name: 'w', query: 'a', destinations: ['x'], mode: 'weekly' }, 'mode'],
  ])('POST %s %j → 400 naming %s', async (path, body, field) => {
    const res = await api('POST', path, body)
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe(field)
    expect(res.json.error.message).toContain(field.split('[')[0])
  })

  it('refuses a body that is not JSON', async () => {
    const res = await api('POST', '/api/feeds', 'not json')
    expect(res.status).toBe(400)
  })

  it('refuses a bad query with its position', async () => {
    const res = await api('POST', '/api/watches', {
      name: 'w',
      query: 'belgorod AND "armes belges',
      destinations: ['x'],
    })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('query')
    expect(res.json.error.position).toBe(13)
    expect(res.json.error.message).toMatch(/quote/)
  })

  it('keeps nothing from refused requests', async () => {
    const list = await api('GET', '/api/watches')
    expect(list.json.watches).toEqual([])
  })
})

describe('feeds', () => {
  it('discovers the feed of an HTML page and says so', async () => {
    const feedUrl = await script('/api-test/feed.xml', {
      body: rss('Site', []),
      headers: { 'content-type': 'application/rss+xml' },
    })
    await script('/api-test/', {
      body: '<html><head><link rel="alternate" type="application/rss+xml" href="/api-test/feed.xml" title="Site"></head><body>hi</body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    })
    const res = await api('POST', '/api/feeds', { url: `${loopbackUrl()}/api-test/` })
    expect(res.status).toBe(201)
    expect(res.json.feed.url).toBe(feedUrl)
    expect(res.json.discovery).toMatchObject({ via: 'link-alternate', found: feedUrl })
  })

  it('refuses a URL that cannot be fetched, naming the field', async () => {
    await script('/api-test/gone.xml', { status: 404 })
    const res = await api('POST', '/api/feeds', { url: `${loopbackUrl()}/api-test/gone.xml` })
    expect(res.status).toBe(422)
    expect(res.json.error.field).toBe('url')
  })

  it('refuses a second feed with the same URL', async () => {
    const url = await script('/api-test/dup.xml', { body: rss('Dup', []) })
    expect((await api('POST', '/api/feeds', { url })).status).toBe(201)
    expect((await api('POST', '/api/feeds', { url })).status).toBe(409)
  })

  it('gets and deletes a feed', async () => {
    const url = await script('/api-test/del.xml', { body: rss('Del', []) })
    const created = await api('POST', '/api/feeds', { id: 'to-delete', url })
    expect(created.status).toBe(201)
    expect((await api('GET', '/api/feeds/to-delete')).json.feed.url).toBe(url)
    expect((await api('DELETE', '/api/feeds/to-delete')).status).toBe(200)
    expect((await api('GET', '/api/feeds/to-delete')).status).toBe(404)
  })
})

describe('destinations', () => {
  it('generates a secret when none is given and shows it only once', async () => {
    const created = await api('POST', '/api/destinations', {
      id: 'gen',
      name: 'Generated',
      type: 'webhook',
      url: 'https://hooks.example.com/abc/def',
    })
    expect(created.status).toBe(201)
    expect(created.json.secret).toMatch(/^whsec_/)
    const got = await api('GET', '/api/destinations/gen')
    expect(JSON.stringify(got.json)).not.toContain(created.json.secret)
    expect(got.json.destination.url).toBe('https://hooks.example.com/…')
  })

  it('refuses to delete a destination a watch still uses', async () => {
    await api('POST', '/api/watches', {
      id: 'uses-gen',
      name: 'w',
      query: 'x',
      destinations: ['gen'],
    })
    const res = await api('DELETE', '/api/destinations/gen')
    expect(res.status).toBe(409)
    expect(res.json.error.message).toContain('uses-gen')
  })
})

describe('preview', () => {
  it('answers results in item order', async () => {
    const res = await api('POST', '/api/preview', {
      query: 'otan',
      items: [{ title: 'Sommet de l’Otan' }, { title: 'Météo' }],
    })
    expect(res.status).toBe(200)
    expect(res.json.results.map((r: { matched: boolean }) => r.matched)).toEqual([true, false])
    expect(res.json.results[0].snippet).toContain('Otan')
  })

  it('without items, tries the query on the configured feeds’ current items', async () => {
    const url = await script('/api-test/preview.xml', {
      body: rss('Preview', [
        { guid: 'p1', title: 'Sommet de l’Otan à Vilnius' },
        { guid: 'p2', title: 'Météo : orages' },
      ]),
    })
    expect((await api('POST', '/api/feeds', { id: 'preview-feed', url })).status).toBe(201)
    const res = await api('POST', '/api/preview', { query: 'otan' })
    expect(res.status).toBe(200)
    const matched = res.json.results.filter((r: { matched: boolean }) => r.matched)
    expect(matched).toHaveLength(1)
    expect(matched[0]).toMatchObject({
      feedId: 'preview-feed',
      title: 'Sommet de l’Otan à Vilnius',
    })
    expect(res.json.errors).toEqual([])
  })

  it('refuses a bad query with its position', async () => {
    const res = await api('POST', '/api/preview', { query: '(belgorod', items: [] })
    expect(res.status).toBe(400)
    expect(typeof res.json.error.position).toBe('number')
  })
})

describe('updates', () => {
  it('pauses and resumes a feed, keeping what was not sent', async () => {
    const url = await script('/api-test/pause.xml', { body: rss('Pause', []) })
    await api('POST', '/api/feeds', { id: 'pausable', url, title: 'Pausable', tags: ['x'] })
    const paused = await api('PATCH', '/api/feeds/pausable', { enabled: false })
    expect(paused.status).toBe(200)
    expect(paused.json.feed).toMatchObject({ enabled: false, title: 'Pausable', tags: ['x'] })
    const status = await api('GET', '/status', undefined, null)
    expect(status.json.feeds.disabled).toBe(1)
    expect((await api('PATCH', '/api/feeds/pausable', { enabled: true })).json.feed.enabled).toBe(
      true,
    )
  })

  it.each([
    ['/api/feeds/pausable', { url: 'https://elsewhere.example/feed' }, 400, 'url'],
    ['/api/feeds/pausable', { intervalMinutes: 0 }, 400, 'intervalMinutes'],
    ['/api/feeds/nope', { enabled: false }, 404, undefined],
    ['/api/watches/uses-gen', { query: 'belgorod NEAR/x kursk' }, 400, 'query'],
    ['/api/watches/uses-gen', { destinations: ['missing'] }, 400, 'destinations[0]'],
    ['/api/destinations/gen', { secret: 'plain' }, 400, 'secret'],
    ['/api/destinations/gen', { url: 'ftp://x.example/' }, 400, 'url'],
  ])('PATCH %s %j → %i naming %s', async (path, body, status, field) => {
    const res = await api('PATCH', path, body)
    expect(res.status).toBe(status)
    expect(res.json.error.field).toBe(field)
  })

  it('changes a watch’s query and keeps its other fields', async () => {
    const res = await api('PATCH', '/api/watches/uses-gen', { query: 'belgorod OR koursk' })
    expect(res.status).toBe(200)
    expect(res.json.watch).toMatchObject({
      id: 'uses-gen',
      query: 'belgorod OR koursk',
      destinations: ['gen'],
    })
  })

  it('rotates a destination’s URL without showing it', async () => {
    const res = await api('PATCH', '/api/destinations/gen', {
      url: 'https://hooks.example.com/new-secret-path',
    })
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.json)).not.toContain('new-secret-path')
  })
})
