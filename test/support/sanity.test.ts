import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { received, script } from './loopback'

describe('test harness', () => {
  it('reaches the loopback server from workerd and uses real KV', async () => {
    const url = await script('/sanity/feed.xml', { body: '<rss/>', etag: '"v1"' })
    const first = await fetch(url)
    expect(await first.text()).toBe('<rss/>')
    const second = await fetch(url, { headers: { 'if-none-match': '"v1"' } })
    expect(second.status).toBe(304)
    expect((await received('/sanity/')).length).toBe(2)
    await env.KV.put('k', 'v')
    expect(await env.KV.get('k')).toBe('v')
  })
})
