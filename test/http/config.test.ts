// Watches as code: GET /api/config exports everything with credentials marked as set, PUT imports
// a whole document (validated, `?dryRun=true` answers the diff only), and a round trip is lossless;
// OPML export and import of feeds; the integrity rules every write goes through.
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/store/config'
import { MAX_IMPORT_BODY_BYTES } from '../../src/http/limits'
import { api } from '../support/worker'

const SECRET = 'whsec_' + btoa('0123456789abcdef0123456789abcdef')
const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq'
const NTFY = 'tk_abcdefghijklmnopqrstuvwxyz012'
const HEADER = 'Bearer private-feed-credential'

/** A configuration with every kind of field: tags, headers, scopes, digests, each channel's shape. */
const seeded = {
  feedwatch: 1,
  feeds: [
    {
      id: 'le-monde',
      url: 'https://www.lemonde.fr/rss/une.xml',
      title: 'Le Monde',
      tags: ['news', 'fr'],
      intervalMinutes: 10,
    },
    {
      id: 'private',
      url: 'https://intranet.example.com/feed',
      headers: { Authorization: HEADER },
      tags: ['work'],
      backfill: 3,
    },
    {
      id: 'keyed',
      url: 'https://api.example.org/feed?api_key=k-123456',
      tags: [],
      enabled: false,
      maxItemAgeHours: 0,
    },
  ],
  destinations: [
    {
      id: 'hook',
      name: 'Hook',
      type: 'webhook',
      url: 'https://hooks.example.com/in/abc',
      secret: SECRET,
    },
    { id: 'tg', name: 'Telegram', type: 'telegram', token: TELEGRAM, chatId: '@feedwatch_news' },
    { id: 'ntfy', name: 'ntfy', type: 'ntfy', url: 'https://ntfy.sh/feedwatch-x', token: NTFY },
    {
      id: 'mail',
      name: 'Mail',
      type: 'email',
      to: ['a@example.com', 'b@example.org'],
      mode: 'digest',
      digest: { dailyAt: '08:30', timeZone: 'Europe/Paris' },
    },
  ],
  watches: [
    {
      id: 'otan',
      name: 'OTAN',
      query: 'otan OR nato',
      destinations: ['hook', 'tg'],
      scope: { tags: ['news'] },
    },
    {
      id: 'private-only',
      name: 'Private',
      query: '"release notes"',
      destinations: ['mail'],
      scope: { feeds: ['private'] },
      mode: 'digest',
      digest: { everyMinutes: 60 },
      options: { stem: true, transliterate: true },
      enabled: false,
    },
    {
      id: 'two',
      name: 'Two feeds',
      query: 'belgorod*',
      destinations: ['ntfy'],
      scope: { feeds: ['private', 'le-monde'] },
    },
    {
      id: 'mixed',
      name: 'Mixed',
      query: 'climat',
      destinations: ['hook'],
      scope: { feeds: ['private'], tags: ['fr'] },
    },
  ],
}

const stored = async () => {
  const { feeds, watches, destinations } = await loadConfig(env)
  return { feeds, watches, destinations }
}

beforeEach(async () => {
  const res = await api('PUT', '/api/config', seeded)
  expect(res.status, JSON.stringify(res.json)).toBe(200)
})

describe('GET /api/config', () => {
  it('exports everything, with every credential left out and marked as set', async () => {
    const res = await api('GET', '/api/config')
    expect(res.status).toBe(200)
    const text = JSON.stringify(res.json)
    for (const secret of [SECRET, TELEGRAM, NTFY, HEADER, 'k-123456', 'hooks.example.com/in/abc']) {
      expect(text).not.toContain(secret)
    }
    const feeds = res.json.feeds
    expect(feeds[1].headers).toEqual({ Authorization: { set: true } })
    expect(feeds[2].url).toEqual({ set: true }) // a key in its query string
    expect(feeds[0].url).toBe('https://www.lemonde.fr/rss/une.xml')
    expect(res.json.destinations[0]).toMatchObject({ url: { set: true }, secret: { set: true } })
    expect(res.json.destinations[1]).toMatchObject({
      token: { set: true },
      chatId: '@feedwatch_news',
    })
    expect(res.json.watches).toHaveLength(4)
  })

  it('round-trips losslessly: importing the export changes nothing, credentials included', async () => {
    const before = await stored()
    const exported = (await api('GET', '/api/config')).json
    const res = await api('PUT', '/api/config', exported)
    expect(res.status).toBe(200)
    expect(res.json.diff.unchanged).toBe(true)
    expect(await stored()).toEqual(before)
    // And through JSON text again, as a file on disk would carry it.
    const again = await api('PUT', '/api/config', JSON.parse(JSON.stringify(exported)))
    expect(again.json.diff.unchanged).toBe(true)
    expect((await stored()).destinations[1]?.token).toBe(TELEGRAM)
  })
})

describe('PUT /api/config', () => {
  it('answers the diff with ?dryRun=true and changes nothing', async () => {
    const before = await stored()
    const doc = structuredClone((await api('GET', '/api/config')).json)
    doc.watches[0].query = 'otan OR nato OR alliance'
    doc.feeds = doc.feeds.filter((f: { id: string }) => f.id !== 'keyed')
    doc.destinations.push({
      id: 'slack',
      name: 'Slack',
      type: 'slack',
      url: 'https://hooks.slack.com/services/T0/B0/x',
    })
    const res = await api('PUT', '/api/config?dryRun=true', doc)
    expect(res.status).toBe(200)
    expect(res.json).toEqual({
      dryRun: true,
      diff: {
        unchanged: false,
        feeds: { added: [], removed: ['keyed'], changed: [] },
        watches: { added: [], removed: [], changed: [{ id: 'otan', fields: ['query'] }] },
        destinations: { added: ['slack'], removed: [], changed: [] },
      },
    })
    expect(await stored()).toEqual(before)

    const applied = await api('PUT', '/api/config', doc)
    expect(applied.json.dryRun).toBe(false)
    expect(applied.json.diff).toEqual(res.json.diff)
    const after = await stored()
    expect(after.watches[0]?.query).toBe('otan OR nato OR alliance')
    expect(after.feeds.map((f) => f.id)).toEqual(['le-monde', 'private'])
  })

  it('generates a signing secret for a new webhook without one and shows it once', async () => {
    const doc = (await api('GET', '/api/config')).json
    doc.destinations.push({
      id: 'new-hook',
      name: 'New',
      type: 'webhook',
      url: 'https://h.example.net/x',
    })
    const res = await api('PUT', '/api/config', doc)
    expect(res.json.secrets['new-hook']).toMatch(/^whsec_/)
    expect((await stored()).destinations.at(-1)?.secret).toBe(res.json.secrets['new-hook'])
  })

  it('takes a document past the 64 KiB default body limit, and refuses one past its own limit', async () => {
    const doc = structuredClone((await api('GET', '/api/config')).json)
    const many = Array.from({ length: 800 }, (_, i) => ({
      id: `bulk-${i}`,
      name: `Bulk watch number ${i}`,
      query: `otan AND "mot ${i}"`,
      destinations: ['hook'],
    }))
    const big = await api('PUT', '/api/config?dryRun=true', {
      ...doc,
      watches: [...doc.watches, ...many],
    })
    expect(JSON.stringify(many).length).toBeGreaterThan(64 * 1024)
    expect(big.status).toBe(200)
    expect(big.json.diff.watches.added).toHaveLength(800)
    const padding = 'x'.repeat(MAX_IMPORT_BODY_BYTES)
    const huge = await api('PUT', '/api/config', { ...doc, padding })
    expect(huge.status).toBe(413)
    expect(huge.json.error.message).toContain(`${MAX_IMPORT_BODY_BYTES}-byte limit`)
  })

  it.each([
    ['a document of another format version', (d: any) => (d.feedwatch = 2), 400, 'feedwatch'],
    ['an unknown field', (d: any) => (d.feeds[0].colour = 'red'), 400, 'feeds[0].colour'],
    [
      'a query that does not parse',
      (d: any) => (d.watches[1].query = 'a AND (b'),
      400,
      'watches[1].query',
    ],
    [
      'a watch naming a missing destination',
      (d: any) => (d.watches[0].destinations = ['nope']),
      400,
      'watches[0].destinations[0]',
    ],
    [
      'a scope naming a missing feed',
      (d: any) => (d.watches[2].scope.feeds = ['gone']),
      400,
      'watches[2].scope.feeds[0]',
    ],
    [
      'a credential marked set on a new entry',
      (d: any) => (d.destinations[0].id = 'other'),
      400,
      'destinations[0].url',
    ],
    [
      'a header marked set that is not stored',
      (d: any) => (d.feeds[1].headers.Cookie = { set: true }),
      400,
      'feeds[1].headers.Cookie',
    ],
    [
      'a field the destination type does not take',
      (d: any) => (d.destinations[3].url = 'https://x.example/'),
      400,
      'destinations[3].url',
    ],
    [
      'a digest without a schedule',
      (d: any) => delete d.watches[1].digest,
      400,
      'watches[1].digest',
    ],
    ['two watches with one id', (d: any) => (d.watches[1].id = 'otan'), 409, 'watches[1].id'],
    [
      'two feeds with one URL',
      (d: any) => (d.feeds[0].url = 'https://intranet.example.com/feed'),
      409,
      'feeds[1].url',
    ],
  ])(
    'refuses %s, naming the field from the document root',
    async (_what, change, status, field) => {
      const before = await stored()
      const doc = structuredClone((await api('GET', '/api/config')).json)
      change(doc)
      const res = await api('PUT', '/api/config', doc)
      expect(res.status, JSON.stringify(res.json)).toBe(status)
      expect(res.json.error.field).toBe(field)
      expect(res.json.error.message).toContain(field)
      expect(await stored()).toEqual(before)
    },
  )
})

describe('integrity on every write', () => {
  it('deleting a feed cleans the watches scoped to it', async () => {
    const res = await api('DELETE', '/api/feeds/private')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ watchesChanged: ['two', 'mixed'], watchesRemoved: ['private-only'] })
    const { watches } = await stored()
    expect(watches.map((w) => [w.id, w.scope])).toEqual([
      ['otan', { tags: ['news'] }],
      ['two', { feeds: ['le-monde'] }],
      ['mixed', { tags: ['fr'] }],
    ])
  })

  it('refuses to delete a destination a watch sends to, and says which', async () => {
    const res = await api('DELETE', '/api/destinations/tg')
    expect(res.status).toBe(409)
    expect(res.json.error.message).toContain('watch otan')
    expect((await stored()).destinations.some((d) => d.id === 'tg')).toBe(true)
  })

  it('refuses a watch change that names a missing destination, relative to the watch', async () => {
    const res = await api('PATCH', '/api/watches/otan', { destinations: ['hook', 'nope'] })
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('destinations[1]')
  })
})

describe('health-event destinations in the configuration', () => {
  const withHealth = (ids: string[]) => ({
    ...seeded,
    destinations: [
      ...seeded.destinations,
      { id: 'ops', name: 'Ops', type: 'ntfy', url: 'https://ntfy.sh/ops-x' },
    ],
    healthDestinations: ids,
  })

  it('are exported, imported back unchanged, and diffed when they change', async () => {
    expect((await api('PUT', '/api/config', withHealth(['ops']))).status).toBe(200)
    const exported = (await api('GET', '/api/config')).json
    expect(exported.healthDestinations).toEqual(['ops'])
    const again = await api('PUT', '/api/config?dryRun=true', exported)
    expect(again.json.diff.unchanged).toBe(true)
    const moved = await api('PUT', '/api/config?dryRun=true', {
      ...exported,
      healthDestinations: ['hook'],
    })
    expect(moved.json.diff.healthDestinations).toEqual({ from: ['ops'], to: ['hook'] })
  })

  it('must name destinations that exist', async () => {
    const res = await api('PUT', '/api/config', withHealth(['ops', 'nope']))
    expect(res.status).toBe(400)
    expect(res.json.error.field).toBe('healthDestinations[1]')
  })

  it('lose a destination when it is deleted, which is not refused', async () => {
    expect((await api('PUT', '/api/config', withHealth(['ops', 'hook']))).status).toBe(200)
    expect((await api('DELETE', '/api/destinations/ops')).status).toBe(204)
    expect((await loadConfig(env)).healthDestinations).toEqual(['hook'])
    expect((await api('GET', '/api/health')).json).toEqual({ destinations: ['hook'] })
  })
})

describe('OPML', () => {
  it('exports feeds in folders named by their first tag, leaving out URLs with credentials', async () => {
    const res = await fetchText('GET', '/api/config/opml')
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^text\/x-opml/)
    // Hono's secureHeaders on every API answer: a browser never sniffs this as HTML.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.text).toContain('<outline text="news">')
    expect(res.text).toContain('xmlUrl="https://www.lemonde.fr/rss/une.xml" category="/fr"')
    expect(res.text).toContain('xmlUrl="https://intranet.example.com/feed"')
    expect(res.text).not.toContain('k-123456')
    expect(res.text).toContain('1 feed(s) left out')
  })

  it('imports new feeds with their folders as tags, skipping known URLs; dryRun stores nothing', async () => {
    const opml = `<?xml version="1.0"?>
<opml version="2.0"><head><title>Reader</title></head><body>
  <outline text="Tech">
    <outline text="Security">
      <outline type="rss" text="Krebs &amp; Co" xmlUrl="https://krebsonsecurity.com/feed/"/>
    </outline>
    <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss" category="/linux,/kernel"/>
  </outline>
  <outline type="rss" text="Le Monde" xmlUrl="https://www.lemonde.fr/rss/une.xml"/>
</body></opml>`
    const dry = await fetchText('POST', '/api/config/opml?dryRun=true', opml)
    expect(JSON.parse(dry.text)).toMatchObject({
      dryRun: true,
      added: [
        { url: 'https://krebsonsecurity.com/feed/', tags: ['Tech', 'Security'] },
        { url: 'https://lwn.net/headlines/rss', tags: ['Tech', 'linux', 'kernel'] },
      ],
      skipped: ['https://www.lemonde.fr/rss/une.xml'],
    })
    expect((await stored()).feeds).toHaveLength(3)
    const done = await fetchText('POST', '/api/config/opml', opml)
    expect(done.status).toBe(200)
    const feeds = (await stored()).feeds
    expect(feeds).toHaveLength(5)
    expect(feeds[3]).toMatchObject({
      title: 'Krebs & Co',
      tags: ['Tech', 'Security'],
      enabled: true,
    })
  })

  it('imports its own export back with the same URLs, titles and tags', async () => {
    const shareable = (await stored()).feeds.filter((f) => !f.url.includes('api_key'))
    const opml = (await fetchText('GET', '/api/config/opml')).text
    const emptied = await api('PUT', '/api/config', {
      feedwatch: 1,
      destinations: seeded.destinations,
    })
    expect(emptied.status).toBe(200)
    const res = await fetchText('POST', '/api/config/opml', opml)
    expect(res.status).toBe(200)
    const strip = (f: { url: string; title?: string; tags: string[] }) => [f.url, f.title, f.tags]
    expect((await stored()).feeds.map(strip)).toEqual(shareable.map(strip))
  })

  it.each([
    ['not OPML', '<rss></rss>', '(opml)'],
    ['an unclosed folder', '<opml><body><outline text="A">', '(opml)'],
    [
      'a feed URL that is not http(s)',
      '<opml><body><outline xmlUrl="ftp://x.example/f"/></body></opml>',
      'feeds[0].url',
    ],
  ])('refuses %s, naming where', async (_what, body, field) => {
    const res = await fetchText('POST', '/api/config/opml', body)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error.field).toBe(field)
  })
})

async function fetchText(method: string, path: string, body?: string) {
  const worker = (await import('../../src/index')).default
  const { createExecutionContext, waitOnExecutionContext } = await import('cloudflare:test')
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request(`https://feedwatch.test${path}`, {
      method,
      body,
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'text/x-opml' },
    }),
    env,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    text: await res.text(),
  }
}
