// The configuration kept in KV before the Durable Object is migrated into it once, on first read.
// (A file of its own: storage is per test file, and this needs an object that was never touched.)
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { loadConfig, updateConfig } from '../../src/store/config'
import { CONFIG } from '../../src/store/keys'
import { api } from '../support/worker'

const legacy = {
  schema: 1,
  version: 7,
  updatedAt: '2026-11-30T12:00:00.000Z',
  feeds: [{ id: 'f-old', url: 'https://news.example.org/old.xml', enabled: true, tags: [] }],
  watches: [],
  destinations: [],
}

describe('migration of the KV configuration', () => {
  it('takes the KV document with its version on first read, and only once', async () => {
    await env.KV.put(CONFIG, JSON.stringify(legacy))
    const feeds = await api('GET', '/api/feeds')
    expect(feeds.json.feeds.map((f: { id: string }) => f.id)).toEqual(['f-old'])
    expect((await loadConfig(env)).version).toBe(7)

    const next = await updateConfig(env, new Date(), (c) => ({ ...c, feeds: [] }))
    expect(next.version).toBe(8)
    // The KV copy is left as it was, and never read again.
    await env.KV.put(CONFIG, JSON.stringify({ ...legacy, version: 99 }))
    const after = await loadConfig(env)
    expect(after.version).toBe(8)
    expect(after.feeds).toEqual([])
  })
})
