// The configuration's Durable Object through the Worker: concurrent API writes all kept, a change's
// errors reaching the route unchanged, the size budget, the isolate cache and the stored schema.
import { env, runInDurableObject, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/lib/errors'
import { loadConfig, MAX_CONFIG_BYTES, updateConfig } from '../../src/store/config'
import type { ConfigStore } from '../../src/store/config-object'
import { ADMIN_TOKEN, api } from '../support/worker'

const now = new Date('2026-12-01T10:00:00Z')

/** A request to the Worker through SELF, as the platform would send it. */
async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`https://feedwatch.test${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** Runs `tasks` with at most `limit` in flight. */
async function inFlight<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await (tasks[i] as () => Promise<T>)()
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return results
}

describe('configuration writes', () => {
  it('keeps all 300 feeds created 20 at a time, each change under its own version', async () => {
    const before = (await loadConfig(env)).version
    const statuses = await inFlight(
      Array.from({ length: 300 }, (_, i) => async () => {
        const res = await call('POST', '/api/feeds', {
          id: `f-many-${i}`,
          url: `https://news.example.org/many/${i}.xml`,
          discover: false,
        })
        await res.arrayBuffer()
        return res.status
      }),
      20,
    )
    expect(statuses.filter((s) => s !== 201)).toEqual([])
    const config = await loadConfig(env)
    const ids = new Set(config.feeds.map((f) => f.id))
    expect(Array.from({ length: 300 }, (_, i) => ids.has(`f-many-${i}`)).every(Boolean)).toBe(true)
    // Serialised: each of the 300 changes was applied on top of the previous one.
    expect(config.version).toBe(before + 300)
  })

  it('keeps concurrent creates of watches that each check their references', async () => {
    const dest = await api('POST', '/api/destinations', {
      id: 'd-refs',
      name: 'refs',
      type: 'webhook',
      url: 'http://127.0.0.1:1/hook',
    })
    expect(dest.status).toBe(201)
    const statuses = await inFlight(
      Array.from({ length: 100 }, (_, i) => async () => {
        const res = await call('POST', '/api/watches', {
          id: `w-many-${i}`,
          name: `watch ${i}`,
          query: `term${i}`,
          destinations: ['d-refs'],
        })
        await res.arrayBuffer()
        return res.status
      }),
      10,
    )
    expect(statuses.every((s) => s === 201)).toBe(true)
    expect((await loadConfig(env)).watches.filter((w) => w.id.startsWith('w-many-'))).toHaveLength(
      100,
    )
  })

  it.each([
    {
      behaviour: 'a missing entry answers 404 with its name',
      method: 'PATCH',
      path: '/api/feeds/f-nowhere',
      body: { title: 'x' },
      status: 404,
      error: { message: 'feed f-nowhere not found' },
    },
    {
      behaviour: 'a duplicate id answers 409 naming the field',
      method: 'POST',
      path: '/api/feeds',
      body: { id: 'f-many-0', url: 'https://news.example.org/other.xml', discover: false },
      status: 409,
      error: { message: 'id: feed f-many-0 already exists', field: 'id' },
    },
    {
      behaviour: 'an unknown reference answers 400 naming the field',
      method: 'POST',
      path: '/api/watches',
      body: { name: 'w', query: 'otan', destinations: ['d-none'] },
      status: 400,
      error: {
        message: 'destinations[0]: no destination with id d-none',
        field: 'destinations[0]',
      },
    },
  ])(
    '$behaviour, from a change run under the lock',
    async ({ method, path, body, status, error }) => {
      const version = (await loadConfig(env)).version
      const res = await call(method, path, body)
      expect(res.status).toBe(status)
      expect(await res.json()).toEqual({ error })
      expect((await loadConfig(env)).version).toBe(version)
    },
  )

  it('rethrows what a change throws, stores nothing, and goes on serving later changes', async () => {
    class Refusal extends Error {
      readonly detail = 42
    }
    const version = (await loadConfig(env)).version
    const thrown = await updateConfig(env, now, () => {
      throw new Refusal('no')
    }).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(Refusal)
    expect((thrown as Refusal).detail).toBe(42)
    const next = await updateConfig(env, now, (c) => c)
    expect(next.version).toBe(version + 1)
  })

  it('refuses a change past the size budget with an error naming it, storing nothing', async () => {
    const version = (await loadConfig(env)).version
    const error = await updateConfig(env, now, (c) => ({
      ...c,
      feeds: [
        ...c.feeds,
        {
          id: 'f-huge',
          url: 'https://news.example.org/huge.xml',
          title: 'x'.repeat(MAX_CONFIG_BYTES),
          enabled: true,
          tags: [],
        },
      ],
    })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe('configuration')
    expect((error as ConfigError).message).toContain(
      `over its budget of ${MAX_CONFIG_BYTES} bytes (MAX_CONFIG_BYTES`,
    )
    const config = await loadConfig(env)
    expect(config.version).toBe(version)
    expect(config.feeds.some((f) => f.id === 'f-huge')).toBe(false)
  })
})

describe('configuration reads', () => {
  it('hands out the cached document, frozen, while the version is unchanged', async () => {
    const a = await loadConfig(env)
    const b = await loadConfig(env)
    expect(b).toBe(a)
    expect(Object.isFrozen(a.feeds)).toBe(true)
    const changed = await updateConfig(env, now, (c) => ({ ...c, feeds: c.feeds.slice(1) }))
    const c = await loadConfig(env)
    expect(c).toBe(changed)
    expect(c.feeds.length).toBe(a.feeds.length - 1)
  })

  it('reports a stored document that breaks its schema with the field, never trusts it', async () => {
    const stub = env.CONFIG.get(env.CONFIG.idFromName('config'))
    const good = await loadConfig(env)
    const corrupt = {
      ...good,
      version: good.version + 1,
      feeds: [{ ...good.feeds[0], url: 42 }, ...good.feeds.slice(1)],
    }
    await runInDurableObject(stub, async (instance: ConfigStore, state) => {
      state.storage.sql.exec(
        'UPDATE config SET version = ?, json = ?',
        corrupt.version,
        JSON.stringify(corrupt),
      )
      // The object answers from memory: make it read the row again, as after an eviction.
      await (instance as unknown as { load(): Promise<void> }).load()
    })
    const error = await loadConfig(env).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe('configuration feeds[0].url')
  })
})
