// The watch index snapshot through the configuration object and the tick: built in the object's
// alarm after a change, handed to a tick whose isolate holds no index of the current version
// (forgetWatchIndex stands for a new isolate), loaded there instead of compiling, alerting as a
// compiled index does. A stored snapshot that is damaged, of another configuration version or
// of another code version is refused by the tick, which compiles instead and alerts the same, and
// the object rebuilds it when the tick gives its lease back.
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { runTick } from '../../src/monitor/tick'
import { forgetWatchIndex, indexSources, loadConfig, watchSpecsOf } from '../../src/store/config'
import type { ConfigStore } from '../../src/store/config-object'
import { SNAPSHOT_CODE_VERSION, buildIndexSnapshot } from '../../src/watch/snapshot'
import { rss, type TestItem } from '../support/feeds'
import { received, script } from '../support/loopback'
import { api, eventually } from '../support/worker'
import { minuteTicks } from '../support/tick-deps'

const stub = () => env.CONFIG.get(env.CONFIG.idFromName('config'))
const start = Date.now()
const deps = minuteTicks(start)

const items: TestItem[] = [
  {
    guid: 'raid',
    title: 'Raid raté près de Belgorod',
    description:
      'Le groupe était équipé d’armes de facture belge ; la Belgique demande des comptes.',
    pubDate: new Date(start - 3_600_000),
  },
  {
    guid: 'kharkiv',
    title: 'Харків: нова атака дронів',
    description: 'Missiles and drones struck Kharkiv overnight, officials said.',
    pubDate: new Date(start - 3_600_000),
  },
  {
    guid: 'sport',
    title: 'Le Standard gagne',
    description: 'Football : victoire 2-0.',
    pubDate: new Date(start - 3_600_000),
  },
]

const WATCHES = [
  { id: 'belgorod', query: 'belgorod AND (belge OR belgique)' },
  { id: 'armes', query: '"armes de facture belge"', options: { stem: true } },
  { id: 'kharkiv', query: 'kharkiv', options: { transliterate: true } },
  { id: 'drones', query: 'drone* NEAR/3 missile*' },
  { id: 'no-sport', query: '-football lang:fr' },
  { id: 'never', query: 'Łódź' },
]

let feeds = 0
/** Alerts the ticks of this file enqueued, all of them to the receiver. */
let delivered = 0
/**
 * A new feed carrying `items` under its own ids and links (one story in two feeds alerts once),
 * whose first poll alerts for all of them (backfill).
 */
async function newFeed(): Promise<void> {
  const id = `snap-feed-${++feeds}`
  const own = items.map((i) => ({
    ...i,
    guid: `${id}-${i.guid}`,
    link: `https://news.example.org/${id}/${i.guid}`,
  }))
  const url = await script(`/snapshot/${id}.xml`, { body: rss(id, own) })
  const created = await api('POST', '/api/feeds', {
    id,
    url,
    discover: false,
    intervalMinutes: 60,
    backfill: items.length,
  })
  expect(created.status).toBe(201)
}

/**
 * Runs the configuration object's alarm (the snapshot build) now if it is still set, and waits
 * until the stored snapshot is the current version's: an alarm set for "now" may already be
 * running on its own.
 */
async function buildSnapshot(): Promise<void> {
  await runDurableObjectAlarm(stub())
  const version = (await loadConfig(env)).version
  await eventually(async () => {
    const meta = await storedMeta()
    return meta?.config_version === version && meta.code_version === SNAPSHOT_CODE_VERSION
  })
}

async function storedMeta(): Promise<{ config_version: number; code_version: number } | null> {
  return runInDurableObject(stub(), (_: ConfigStore, state) => {
    const row = state.storage.sql
      .exec<{ config_version: number; code_version: number }>(
        'SELECT config_version, code_version FROM snapshot_meta',
      )
      .toArray()[0]
    return row ?? null
  })
}

/** Replaces the stored snapshot with `bytes`, its meta row claiming the current version. */
async function storeSnapshot(bytes: Uint8Array, version: number): Promise<void> {
  await runInDurableObject(stub(), (_: ConfigStore, state) => {
    state.storage.sql.exec('DELETE FROM snapshot_chunk')
    state.storage.sql.exec('INSERT INTO snapshot_chunk (seq, bytes) VALUES (0, ?)', bytes)
    state.storage.sql.exec(
      'INSERT OR REPLACE INTO snapshot_meta (id, config_version, code_version) VALUES (1, ?, ?)',
      version,
      SNAPSHOT_CODE_VERSION,
    )
  })
}

/** A tick as in a new isolate; what it alerted and how it got its index. */
async function freshTick(): Promise<{
  alerts: number
  loaded: number
  compiled: number
  refused: number
}> {
  forgetWatchIndex()
  const before = { ...indexSources }
  const result = await runTick(deps())
  expect(result.errors).toEqual([])
  // Every alert delivered before the test goes on: none is left in flight when the file ends.
  delivered += result.alerts
  await eventually(async () => (await received('/snapshot/hook')).length >= delivered)
  return {
    alerts: result.alerts,
    loaded: indexSources.loaded - before.loaded,
    compiled: indexSources.compiled - before.compiled,
    refused: indexSources.refused - before.refused,
  }
}

/** How many alerts the feed's items give by a compiled index: a feed's first poll, backfilled. */
let alertsPerFeed = 0

describe('the watch index snapshot in the configuration object', () => {
  beforeAll(async () => {
    const hook = await script('/snapshot/hook', { status: 204 })
    expect(
      (
        await api('POST', '/api/destinations', {
          id: 'snap-hook',
          name: 'Snapshot receiver',
          type: 'webhook',
          url: hook,
        })
      ).status,
    ).toBe(201)
    for (const w of WATCHES) {
      const created = await api('POST', '/api/watches', {
        ...w,
        name: w.id,
        destinations: ['snap-hook'],
      })
      expect(created.status).toBe(201)
    }
    // The reference: a feed polled by a tick whose isolate compiles the index itself (no
    // snapshot stored, its build called off).
    await newFeed()
    await runInDurableObject(stub(), async (_: ConfigStore, state) => {
      await state.storage.deleteAlarm()
      state.storage.sql.exec('DELETE FROM snapshot_meta')
    })
    const reference = await freshTick()
    expect(reference).toMatchObject({ loaded: 0, compiled: 1, refused: 0 })
    alertsPerFeed = reference.alerts
    // Belgorod twice (two watches), Kharkiv twice, the French items not about football...
    expect(alertsPerFeed).toBeGreaterThanOrEqual(4)
  })

  it('is built after a change by the object, for the new version and this code', async () => {
    const created = await api('POST', '/api/watches', {
      id: 'added',
      name: 'added',
      query: 'Łódź AND Kraków',
      destinations: ['snap-hook'],
    })
    expect(created.status).toBe(201)
    const version = (await loadConfig(env)).version
    await buildSnapshot()
    expect(await storedMeta()).toEqual({
      config_version: version,
      code_version: SNAPSHOT_CODE_VERSION,
    })
  })

  it('is loaded by a tick in a new isolate instead of compiling, which alerts the same', async () => {
    await newFeed()
    await buildSnapshot()
    expect(await freshTick()).toEqual({ alerts: alertsPerFeed, loaded: 1, compiled: 0, refused: 0 })
  })

  it('is not even read by a tick in a new isolate that has nothing new to match', async () => {
    await buildSnapshot()
    expect(await freshTick()).toEqual({ alerts: 0, loaded: 0, compiled: 0, refused: 0 })
  })

  it.each([
    [
      'damaged',
      (bytes: Uint8Array) => {
        bytes[bytes.length - 3]! ^= 0x11
        return bytes
      },
    ],
    ['cut short', (bytes: Uint8Array) => bytes.subarray(0, bytes.length >> 1)],
    [
      'of another code version',
      (bytes: Uint8Array) => {
        new DataView(bytes.buffer).setInt32(4, SNAPSHOT_CODE_VERSION + 1, true)
        return bytes
      },
    ],
  ])(
    'is refused when %s: the tick compiles and alerts the same, the object rebuilds it',
    async (_, damage) => {
      await newFeed()
      const config = await loadConfig(env)
      await storeSnapshot(
        damage(buildIndexSnapshot(watchSpecsOf(config), config.version)),
        config.version,
      )
      expect(await freshTick()).toEqual({
        alerts: alertsPerFeed,
        loaded: 0,
        compiled: 1,
        refused: 1,
      })
      await rebuiltThenLoaded(config.version)
    },
  )

  it('is refused when it was built from another configuration version', async () => {
    await newFeed()
    const config = await loadConfig(env)
    const older = buildIndexSnapshot(watchSpecsOf(config), config.version - 1)
    await storeSnapshot(older, config.version)
    expect(await freshTick()).toEqual({ alerts: alertsPerFeed, loaded: 0, compiled: 1, refused: 1 })
    await rebuiltThenLoaded(config.version)
  })
})

/**
 * The refusing tick told the object when it gave its lease back: the stored snapshot (whose meta
 * row claimed the current version) is rebuilt, and a new isolate then loads what it builds.
 */
async function rebuiltThenLoaded(version: number): Promise<void> {
  await buildSnapshot()
  expect(await storedMeta()).toEqual({
    config_version: version,
    code_version: SNAPSHOT_CODE_VERSION,
  })
  await newFeed()
  await buildSnapshot()
  expect(await freshTick()).toEqual({ alerts: alertsPerFeed, loaded: 1, compiled: 0, refused: 0 })
}
