// A tick does not parse a shard again when KV still holds the revision this isolate holds: the
// revision rides with the value as metadata (saveShard), so an equal one is the same write. Shown
// with stored text that cannot be parsed at all: only a different revision makes the tick read it.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { openShards } from '../../src/monitor/tick'
import { shard as shardKey } from '../../src/store/keys'
import { saveShard, type ShardDoc } from '../../src/store/shards'

const now = new Date('2026-12-05T09:00:00Z')
const doc = (rev: string): ShardDoc => ({
  schema: 1,
  shard: 0,
  writtenAt: now.toISOString(),
  rev,
  feeds: {
    f: {
      url: 'https://news.example.org/feed.xml',
      intervalMinutes: 15,
      failures: 0,
      health: 'ok',
      seen: [['d1', 1]],
    },
  },
})

describe('a shard this isolate holds', () => {
  it('is not parsed again while KV holds its revision, and is read again once another is written', async () => {
    await saveShard(env.KV, doc('r1'))
    const { metadata } = await env.KV.getWithMetadata(shardKey(0))
    expect(metadata).toEqual({ rev: 'r1' })
    const first = await openShards(env.KV, 1, now)
    expect(first.errors).toEqual([])
    const held = first.shards.get(0)!
    expect(held.feeds.f?.seen).toEqual([['d1', 1]])

    // The same revision over text that is not JSON: the isolate's copy is used, unparsed.
    await env.KV.put(shardKey(0), 'not json {', { metadata: { rev: 'r1' } })
    const second = await openShards(env.KV, 1, now)
    expect(second.errors).toEqual([])
    expect(second.shards.get(0)).toBe(held)

    // Another revision: read, and here found unreadable (its feeds wait; reported).
    await env.KV.put(shardKey(0), 'not json {', { metadata: { rev: 'r2' } })
    const third = await openShards(env.KV, 1, now)
    expect(third.shards.has(0)).toBe(false)
    expect(third.errors.join('\n')).toMatch(/shard 0 unreadable.*not valid JSON/)

    // A value written before revisions rode as metadata is read as before.
    await env.KV.put(shardKey(0), JSON.stringify(doc('r3')))
    const fourth = await openShards(env.KV, 1, now)
    expect(fourth.errors).toEqual([])
    expect(fourth.shards.get(0)?.rev).toBe('r3')
    await env.KV.put(shardKey(0), 'not json {')
    expect((await openShards(env.KV, 1, now)).errors.join('\n')).toMatch(/unreadable/)
  })
})
