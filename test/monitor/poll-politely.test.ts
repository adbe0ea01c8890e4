import { describe, expect, it } from 'vitest'
import { pollPolitely } from '../../src/monitor/tick'

describe('pollPolitely', () => {
  it('never runs two tasks for one host at once, and keeps input order', async () => {
    const inFlight = new Map<string, number>()
    let maxPerHost = 0
    let maxTotal = 0
    let total = 0
    const inputs = Array.from({ length: 24 }, (_, i) => ({
      url: `https://host${i % 4}.example/feed${i}`,
      i,
    }))
    const results = await pollPolitely(inputs, 6, async ({ url, i }) => {
      const host = new URL(url).host
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1)
      total++
      maxPerHost = Math.max(maxPerHost, inFlight.get(host)!)
      maxTotal = Math.max(maxTotal, total)
      await new Promise((r) => setTimeout(r, 2))
      inFlight.set(host, inFlight.get(host)! - 1)
      total--
      return i
    })
    expect(results).toEqual(inputs.map(({ i }) => i))
    expect(maxPerHost).toBe(1)
    expect(maxTotal).toBe(4)
  })

  it('runs at most `limit` hosts at once', async () => {
    let total = 0
    let maxTotal = 0
    const inputs = Array.from({ length: 20 }, (_, i) => ({ url: `https://h${i}.example/` }))
    await pollPolitely(inputs, 6, async () => {
      maxTotal = Math.max(maxTotal, ++total)
      await new Promise((r) => setTimeout(r, 2))
      total--
    })
    expect(maxTotal).toBe(6)
  })
})
