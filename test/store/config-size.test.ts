// Issue #11's deployment in one configuration: 10,000 watches and 5,000 feeds, ~2.5 MB of JSON,
// past one SQLite value's 2 MB. Stored in chunked rows in one transaction, read back by the
// configuration object identical, its index snapshot (also past one row) built, and ticks matching
// against it: one loading that snapshot alerts exactly as one compiling the same watches.
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { runTick } from '../../src/monitor/tick'
import type { Feed, Watch } from '../../src/model'
import {
  forgetWatchIndex,
  indexSources,
  loadConfig,
  updateConfig,
  MAX_CONFIG_BYTES,
} from '../../src/store/config'
import type { ConfigStore } from '../../src/store/config-object'
import { SNAPSHOT_CODE_VERSION } from '../../src/watch/snapshot'
import { rss, type TestItem } from '../support/feeds'
import { received, script } from '../support/loopback'
import { prng } from '../support/prng'
import { api, eventually } from '../support/worker'
import { generator } from '../watch/property-generators'
import { minuteTicks } from '../support/tick-deps'

const WATCHES = 10_000
const FEEDS = 5_000
/** One SQLite value's limit in a Durable Object: the document must be past it. */
const SQLITE_VALUE_BYTES = 2_000_000
/** Generous: 10,000 watches are validated, stored and compiled on a shared, loaded machine. */
const SLOW_MS = 120_000

const stub = () => env.CONFIG.get(env.CONFIG.idFromName('config'))
const start = Date.now()
const deps = minuteTicks(start)

/** A few of the words the random watches use (property-generators.ts). */
const items: TestItem[] = [{ guid: 'a', title: 'Łódź', description: 'Αθήνα 2024' }].map((i) => ({
  ...i,
  pubDate: new Date(start - 3_600_000),
}))

let feedCount = 0
/** Alerts the ticks of this file enqueued, all of them to the receiver. */
let delivered = 0
/**
 * Watches in scope of the live feeds: one in 20. The others are matched all the same (scope is
 * applied to matchItem's answer) but alert nobody, so that the ticks' alerts stay few enough to
 * deliver within the test.
 */
const IN_SCOPE_EVERY = 20
/** Adds an enabled feed with `items` (its own ids), alerting on its first poll (backfill). */
async function addFeed(): Promise<void> {
  const id = `size-live-${++feedCount}`
  const own = items.map((i) => ({
    ...i,
    guid: `${id}-${i.guid}`,
    link: `https://x.test/${id}/${i.guid}`,
  }))
  const url = await script(`/size/${id}.xml`, { body: rss(id, own) })
  await updateConfig(env, new Date(), (c) => ({
    ...c,
    feeds: [
      ...c.feeds,
      { id, url, enabled: true, tags: [], intervalMinutes: 60, backfill: items.length },
    ],
  }))
}

async function storedJson(): Promise<{ json: string; rows: number }> {
  return runInDurableObject(stub(), (_: ConfigStore, state) => {
    const head = state.storage.sql
      .exec<{ json: string }>('SELECT json FROM config WHERE id = 1')
      .toArray()[0]!.json
    const rest = state.storage.sql
      .exec<{ text: string }>('SELECT text FROM config_chunk ORDER BY seq')
      .toArray()
      .map((r) => r.text)
    return { json: head + rest.join(''), rows: 1 + rest.length }
  })
}

async function snapshotBuilt(version: number): Promise<number> {
  await runDurableObjectAlarm(stub())
  return eventually(async () =>
    runInDurableObject(stub(), (_: ConfigStore, state) => {
      const meta = state.storage.sql
        .exec<{ config_version: number; code_version: number }>('SELECT * FROM snapshot_meta')
        .toArray()[0]
      if (meta?.config_version !== version || meta.code_version !== SNAPSHOT_CODE_VERSION) {
        return false
      }
      return state.storage.sql
        .exec<{ n: number }>('SELECT count(*) AS n FROM snapshot_chunk')
        .toArray()[0]!.n
    }),
  )
}

async function freshTick(): Promise<{ alerts: number; loaded: number; compiled: number }> {
  forgetWatchIndex()
  const before = { ...indexSources }
  const result = await runTick(deps())
  expect(result.errors).toEqual([])
  // Every alert delivered before the test goes on: none is left in flight when the file ends.
  delivered += result.alerts
  await eventually(async () => (await received('/size/hook')).length >= delivered, 60_000)
  return {
    alerts: result.alerts,
    loaded: indexSources.loaded - before.loaded,
    compiled: indexSources.compiled - before.compiled,
  }
}

describe('a configuration of 10,000 watches and 5,000 feeds', () => {
  let bytes = 0

  beforeAll(async () => {
    const hook = await script('/size/hook', { status: 204 })
    const created = await api('POST', '/api/destinations', {
      id: 'size-hook',
      name: 'Size receiver',
      type: 'webhook',
      url: hook,
    })
    expect(created.status).toBe(201)
    const gen = generator(prng(1511))
    const watches: Watch[] = Array.from({ length: WATCHES }, (_, i) => {
      const spec = gen.watch(i)
      return {
        id: `size-w${i}`,
        name: `Watch number ${i} of the newsroom's desk`,
        query: spec.query,
        scope: i % IN_SCOPE_EVERY === 0 ? {} : { tags: ['archive'] },
        destinations: ['size-hook'],
        mode: 'instant',
        enabled: true,
        options: spec.options,
      }
    })
    // Disabled: the ticks below poll only the live feeds added by each test.
    const feeds: Feed[] = Array.from({ length: FEEDS }, (_, i) => ({
      id: `size-f${i}`,
      url: `https://news${i % 97}.example.org/rubrique-${i}/feed.xml`,
      title: `Rubrique ${i} du journal régional`,
      enabled: false,
      tags: ['press', `region-${i % 13}`],
      intervalMinutes: 15,
    }))
    const config = await updateConfig(env, new Date(), (c) => ({ ...c, watches, feeds }))
    bytes = new TextEncoder().encode(JSON.stringify(config)).byteLength
  }, SLOW_MS)

  it(
    'is past one SQLite value and the old 1 MiB budget, within its own, stored in chunks and read back identical',
    async () => {
      expect(bytes).toBeGreaterThan(SQLITE_VALUE_BYTES)
      expect(bytes).toBeLessThan(MAX_CONFIG_BYTES)
      const config = await loadConfig(env)
      const stored = await storedJson()
      expect(stored.rows).toBeGreaterThan(1)
      expect(stored.json).toBe(JSON.stringify(config))
      // As a restarted object reads it: its rows, joined, parsed and checked.
      const reread = await runInDurableObject(stub(), async (instance: ConfigStore) => {
        await (instance as unknown as { load(): Promise<void> }).load()
        return instance.read(-1)
      })
      expect(reread).toEqual({ version: config.version, json: JSON.stringify(config) })
      expect(JSON.parse(reread.json!)).toEqual(config)
    },
    SLOW_MS,
  )

  it(
    'is matched by a tick that loads its snapshot exactly as by one that compiles the watches',
    async () => {
      // Reference: the snapshot's build called off, so the tick compiles.
      await addFeed()
      await runInDurableObject(stub(), async (_: ConfigStore, state) => {
        await state.storage.deleteAlarm()
        state.storage.sql.exec('DELETE FROM snapshot_meta')
      })
      const compiled = await freshTick()
      expect(compiled).toMatchObject({ loaded: 0, compiled: 1 })
      expect(compiled.alerts).toBeGreaterThan(5)

      await addFeed()
      const chunks = await snapshotBuilt((await loadConfig(env)).version)
      expect(chunks).toBeGreaterThan(1)
      expect(await freshTick()).toEqual({ alerts: compiled.alerts, loaded: 1, compiled: 0 })
    },
    SLOW_MS,
  )
})
