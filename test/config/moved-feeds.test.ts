// A feed's permanent redirect is stored by the tick through the same integrity rules as API
// writes: a feed that moved to a new URL gets it; one redirected onto another feed's URL keeps its
// own, so no two feeds ever share a URL (and alert twice).
import { env } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { runTick } from '../../src/monitor/tick'
import { loadConfig } from '../../src/store/config'
import { rss } from '../support/feeds'
import { loopbackUrl, script } from '../support/loopback'
import { api } from '../support/worker'

it('stores a moved feed’s new URL, unless another feed already has it', async () => {
  const base = loopbackUrl()
  const target = await script('/moved/new.xml', { body: rss('new home', []) })
  const shared = await script('/moved/shared.xml', { body: rss('shared', []) })
  await script('/moved/old.xml', { status: 301, headers: { location: target } })
  await script('/moved/onto-shared.xml', { status: 301, headers: { location: shared } })
  for (const [id, url] of [
    ['f-old', `${base}/moved/old.xml`],
    ['f-onto', `${base}/moved/onto-shared.xml`],
    ['f-shared', shared],
  ]) {
    expect((await api('POST', '/api/feeds', { id, url, discover: false })).status).toBe(201)
  }
  await runTick({
    store: env,
    queue: env.DELIVERIES,
    fetch: (input, init) => fetch(input, init),
    now: new Date(),
    shardCount: 1,
    maxPollsPerTick: 40,
    maxItemAgeHours: 72,
    log: () => undefined,
  })
  const urls = Object.fromEntries((await loadConfig(env)).feeds.map((f) => [f.id, f.url]))
  expect(urls).toEqual({
    'f-old': target,
    'f-onto': `${base}/moved/onto-shared.xml`,
    'f-shared': shared,
  })
})
