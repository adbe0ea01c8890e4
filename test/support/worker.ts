// Driving the Worker from tests the way the platform does: HTTP requests through its fetch
// handler, cron ticks through its scheduled handler (waiting for waitUntil work to finish).
import { env } from 'cloudflare:workers'
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test'
import worker from '../../src/index'

export const ADMIN_TOKEN = 'test-admin-token'

export async function api(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = ADMIN_TOKEN,
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request(`https://feedwatch.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
    env,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

/** Runs one cron tick at `at` with `bindings` (default: the test env) and waits for it to finish. */
export async function tick(at: Date, bindings: Env = env): Promise<void> {
  const ctx = createExecutionContext()
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: '* * * * *' }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
}

/** KV that counts the writes made through it (the real namespace underneath). */
export function countingKv(kv: KVNamespace): { kv: KVNamespace; writes: () => number } {
  let writes = 0
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      if (prop === 'put' || prop === 'delete') {
        return (...args: unknown[]) => {
          writes++
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
      return (value as (...a: unknown[]) => unknown).bind(target)
    },
  })
  return { kv: wrapped, writes: () => writes }
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
