// Feed-state shards read back from KV are checked like any input: a corrupt feed entry or shard is
// reported with its key and field, and never stops the tick for the other feeds and shards.
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/lib/errors'
import { runTick } from '../../src/monitor/tick'
import { shardOf } from '../../src/monitor/schedule'
import { emptyShard, loadShard, loadShards, type ShardDoc } from '../../src/store/shards'
import { shard as shardKey } from '../../src/store/keys'
import { rss } from '../support/feeds'
import { received, script } from '../support/loopback'
import { api } from '../support/worker'

const SHARDS = 2
const validState = {
  url: 'https://a.example/feed',
  intervalMinutes: 10,
  failures: 0,
  health: 'ok',
  seen: [['abc', 1]],
}

describe('reading a shard back', () => {
  it.each([
    {
      behaviour: 'a seen entry of the wrong type',
      state: { ...validState, seen: [['abc', 'yesterday']] },
      field: 'shard:0 feeds.f-bad seen[0][1]',
    },
    {
      behaviour: 'an unknown health',
      state: { ...validState, health: 'great' },
      field: 'shard:0 feeds.f-bad health',
    },
    { behaviour: 'a feed state that is not an object', state: 42, field: 'shard:0 feeds.f-bad' },
  ])('drops and reports $behaviour, keeping the other feeds', async ({ state, field }) => {
    const doc = { ...emptyShard(0), feeds: { 'f-good': validState, 'f-bad': state } }
    await env.KV.put(shardKey(0), JSON.stringify(doc))
    const loaded = await loadShard(env.KV, 0)
    expect(Object.keys(loaded.doc.feeds)).toEqual(['f-good'])
    expect(loaded.problems).toHaveLength(1)
    expect(loaded.problems[0]).toContain(field)
  })

  it.each([
    { behaviour: 'text that is not JSON', raw: '{"schema":1,', field: 'shard:1' },
    {
      behaviour: 'a document without its feeds',
      raw: JSON.stringify({ schema: 1, shard: 1, writtenAt: 'x' }),
      field: 'shard:1 feeds',
    },
    {
      behaviour: 'another schema',
      raw: JSON.stringify({ ...emptyShard(1), schema: 2 }),
      field: 'shard:1',
    },
  ])('refuses $behaviour, naming the key and field', async ({ raw, field }) => {
    await env.KV.put(shardKey(1), raw)
    const error = await loadShard(env.KV, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe(field)
  })
})

describe('the status’s view of the shards', () => {
  it('shows an unreadable shard as empty, never failing the others, and writes nothing', async () => {
    const good = { ...emptyShard(0), feeds: { 'f-good': validState } }
    await env.KV.put(shardKey(0), JSON.stringify(good))
    await env.KV.put(shardKey(1), 'not json')
    const docs = await loadShards(env.KV, 2)
    expect(Object.keys(docs[0]?.feeds ?? {})).toEqual(['f-good'])
    expect(docs[1]).toEqual(emptyShard(1))
    expect(await env.KV.get(shardKey(1))).toBe('not json')
  })
})

describe('a tick over a corrupt shard', () => {
  // Two feeds that fall in different shards.
  const ids = { healthy: '', broken: '' }
  beforeAll(() => {
    for (let i = 0; !ids.healthy || !ids.broken; i++) {
      const id = `f-shard-${i}`
      if (shardOf(id, SHARDS) === 0 && !ids.healthy) ids.healthy = id
      if (shardOf(id, SHARDS) === 1 && !ids.broken) ids.broken = id
    }
  })

  it('polls the other shards’ feeds and leaves the unreadable shard as it was', async () => {
    for (const [name, id] of Object.entries(ids)) {
      const url = await script(`/shards/${name}.xml`, { body: rss(name, []) })
      const res = await api('POST', '/api/feeds', { id, url, discover: false })
      expect(res.status).toBe(201)
    }
    await env.KV.delete(shardKey(0))
    const corrupt = '{"schema":1, "feeds": '
    await env.KV.put(shardKey(1), corrupt)
    const lines: string[] = []
    const result = await runTick({
      store: env,
      queue: env.DELIVERIES,
      fetch: (input, init) => fetch(input, init),
      now: new Date(),
      shardCount: SHARDS,
      maxPollsPerTick: 40,
      maxItemAgeHours: 72,
      log: (line) => lines.push(line),
    })
    expect(result.polled).toBe(1)
    expect(await received('/shards/healthy.xml')).toHaveLength(1)
    expect(await received('/shards/broken.xml')).toHaveLength(0)
    expect(result.errors.some((e) => e.startsWith('shard 1 unreadable'))).toBe(true)
    expect(await env.KV.get(shardKey(1))).toBe(corrupt)
    const healthy = JSON.parse((await env.KV.get(shardKey(0))) ?? 'null') as ShardDoc
    expect(healthy.feeds[ids.healthy]?.health).toBe('ok')
  })
})
