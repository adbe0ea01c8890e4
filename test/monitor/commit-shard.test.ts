// A shard changed outside a tick (a WebSub push) is committed under the tick's KV write budget:
// written when the spacing allows, else held in the isolate, where the next change builds on it.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BUDGETS } from '../../src/monitor/budget'
import { commitShardChange, shardForChange } from '../../src/monitor/tick'
import { shard as shardKey } from '../../src/store/keys'

const free = DEFAULT_BUDGETS.free // 900 writes a day on one shard: one write every 2 minutes
const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 9, minute))
const stateWith = (seen: number) => ({
  url: 'https://news.example.org/feed.xml',
  intervalMinutes: 15,
  failures: 0,
  health: 'ok' as const,
  seen: Array.from({ length: seen }, (_, i): [string, number] => [`d${i}`, i]),
})

describe('committing a shard outside a tick', () => {
  it('writes at most once per spacing, and the held change is what the next one builds on', async () => {
    const first = await shardForChange(env.KV, 0)
    first.doc.feeds.f = stateWith(1)
    expect(await commitShardChange(env.KV, first.doc, free, 1, at(0))).toBe(true)
    const written = await env.KV.get(shardKey(0))

    // A minute later, a second push: within the 2-minute spacing, so held here, not written.
    const second = await shardForChange(env.KV, 0)
    expect(second.doc.feeds.f?.seen).toHaveLength(1)
    second.doc.feeds.f = stateWith(2)
    expect(await commitShardChange(env.KV, second.doc, free, 1, at(1))).toBe(false)
    expect(await env.KV.get(shardKey(0))).toBe(written)

    // The next change starts from the held copy (its seen set), and the spacing then allows a write.
    const third = await shardForChange(env.KV, 0)
    expect(third.doc.feeds.f?.seen).toHaveLength(2)
    third.doc.feeds.f = stateWith(3)
    expect(await commitShardChange(env.KV, third.doc, free, 1, at(2))).toBe(true)
    const stored = JSON.parse((await env.KV.get(shardKey(0))) ?? '{}')
    expect(stored.feeds.f.seen).toHaveLength(3)
    expect(stored.usage).toMatchObject({ day: '2026-12-04', kvWrites: 2 })
  })
})
