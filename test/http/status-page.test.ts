import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { renderStatusPage } from '../../src/http/status-page'
import type { PublicStatus } from '../../src/monitor/health'
import { ADMIN_TOKEN } from '../support/worker'

async function call(path: string, init: RequestInit, bindings: Env = env) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`https://feedwatch.test${path}`, init), bindings, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('status page', () => {
  it('serves browsers an HTML page and scripts JSON', async () => {
    const page = await call('/status', { headers: { accept: 'text/html,application/xhtml+xml' } })
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('No tick has run yet')
    const json = await call('/status', { headers: { accept: 'application/json' } })
    expect((await json.json()) as object).toHaveProperty('status', 'idle')
  })

  it('escapes every value it renders', () => {
    const status: PublicStatus = {
      status: 'ok',
      lastTick: {
        at: '<script>',
        durationMs: 1,
        polled: 1,
        notModified: 0,
        failed: 0,
        newItems: 0,
        alerts: 0,
        deferred: 0,
        errors: [],
      },
      feeds: { total: 1, ok: 1, error: 0, pending: 0, disabled: 0 },
      watches: 1,
      alerts: { sent: 0, retried: 0, deadLettered: 0, duplicates: 0 },
      configVersion: 1,
    }
    const html = renderStatusPage(status, new Date())
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;')
  })
})

describe('destinations in production', () => {
  const production = { ...env, ENVIRONMENT: 'production' }
  it.each([
    ['http://hooks.example.com/x', /https/],
    ['https://127.0.0.1/x', /loopback|private/],
    ['https://192.168.1.20/x', /private/],
    ['https://localhost/x', /loopback/],
  ])('refuses %s', async (url, message) => {
    const res = await call(
      '/api/destinations',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', type: 'webhook', url }),
      },
      production,
    )
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { field: string; message: string } }
    expect(body.error.field).toBe('url')
    expect(body.error.message).toMatch(message)
  })
})
