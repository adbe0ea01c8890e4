// The dashboard in a real browser: headless Chromium (Debian's package, driven by playwright-core)
// against `wrangler dev`, with a site, its feed and two webhook receivers on 127.0.0.1. Signs in,
// adds a feed by its site URL, writes a watch with the live preview (a syntax error, then a match),
// adds destinations and test-sends, fires ticks, sees the alert on the overview and replays a dead
// letter. Every page is screenshotted under test-results/dashboard/ and checked with axe-core.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWranglerDev, type DevServer } from './wrangler-dev'

const root = join(import.meta.dirname, '..', '..')
const out = join(root, 'test-results', 'dashboard')
/** Debian's chromium package puts the browser here; .ci/run installs it when missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const TOKEN = 'e2e-dashboard-token'
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 20_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(200)
  }
}

/** The publisher's site and feed, and two webhook receivers; what the receivers got. */
function startPeers() {
  const items = [
    { guid: 'a', title: 'Budget talks open in parliament', at: Date.now() - 3 * 3_600_000 },
    { guid: 'b', title: 'Rain expected over the weekend', at: Date.now() - 2 * 3_600_000 },
  ]
  const received: { ok: string[]; flaky: string[] } = { ok: [], flaky: [] }
  let flakyStatus = 410
  const feed = () => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example News</title><link>http://site.test/</link>
<description>Test</description>
${items
  .map(
    (i) => `<item><guid isPermaLink="false">${i.guid}</guid><title>${i.title}</title>
<link>https://news.example.org/${i.guid}</link><description>${i.title}.</description>
<pubDate>${new Date(i.at).toUTCString()}</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      if (req.url === '/site/') {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end(
          '<!doctype html><html><head><title>Example News</title>' +
            '<link rel="alternate" type="application/rss+xml" href="/site/feed.xml"></head>' +
            '<body>News</body></html>',
        )
      } else if (req.url === '/site/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' })
        res.end(feed())
      } else if (req.url === '/hook/ok') {
        received.ok.push(body)
        res.writeHead(204).end()
      } else if (req.url === '/hook/flaky') {
        received.flaky.push(body)
        res.writeHead(flakyStatus).end()
      } else res.writeHead(404).end()
    })
  })
  return {
    server,
    received,
    publish: (title: string) => items.unshift({ guid: `n${items.length}`, title, at: Date.now() }),
    heal: () => (flakyStatus = 204),
  }
}

describe('the dashboard in Chromium', () => {
  const state = mkdtempSync(join(tmpdir(), 'feedwatch-dash-e2e-'))
  const peers = startPeers()
  let peer = ''
  let base = ''
  let dev: DevServer | undefined
  let browser: Browser | undefined
  let page: Page
  let log = ''
  const violations: string[] = []

  beforeAll(async () => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    await new Promise<void>((ok) => peers.server.listen(0, '127.0.0.1', ok))
    peer = `http://127.0.0.1:${(peers.server.address() as AddressInfo).port}`
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    dev = await startWranglerDev({ state, token: TOKEN })
    base = dev.base
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    await new Promise((r) => peers.server.close(r))
    rmSync(state, { recursive: true, force: true })
  })

  /** Screenshot the page and run axe-core on it; serious or critical issues fail the test. */
  async function check(name: string) {
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true })
    // Evaluated through the DevTools protocol: the page's CSP (no inline script) stays in force.
    await page.evaluate(axeSource)
    const result = await page.evaluate(async () => {
      const axe = (globalThis as any).axe
      const r = await axe.run(document, { resultTypes: ['violations'] })
      return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }))
    })
    for (const v of result as Array<{ id: string; impact: string; nodes: number }>) {
      if (v.impact === 'serious' || v.impact === 'critical')
        violations.push(`${name}: ${v.id} (${v.impact}, ${v.nodes} node(s))`)
    }
  }

  const message = () => page.locator('main .message').first().innerText()
  const fireTick = () => dev!.tick()

  it('signs in with the admin token into a strict session cookie', async () => {
    const res = await page.goto(`${base}/`)
    expect(page.url()).toBe(`${base}/login?next=%2F`)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    await check('sign-in')
    await page.getByLabel('Admin token').fill('wrong')
    await page.getByRole('button', { name: 'Sign in' }).click()
    expect(await page.getByRole('alert').innerText()).toContain('Wrong token')
    await page.getByLabel('Admin token').fill(TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/`)
    const [cookie] = await page.context().cookies()
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' })
    await check('overview-empty')
  })

  it('adds a feed by its site URL (discovery)', async () => {
    await page.getByRole('link', { name: 'Feeds' }).click()
    await page.getByLabel('Site or feed URL').fill(`${peer}/site/`)
    await page.getByLabel('Check every (minutes, optional)').fill('1')
    await page.getByRole('button', { name: 'Add feed' }).click()
    expect(await message()).toMatch(
      /Added .*\/site\/feed\.xml \(discovered through link-alternate\)/,
    )
    await check('feeds')
  })

  it('adds destinations, test-sends to a loopback receiver and routes health alerts', async () => {
    await page.getByRole('link', { name: 'Destinations' }).click()
    for (const [name, path] of [
      ['Receiver', '/hook/ok'],
      ['Flaky', '/hook/flaky'],
    ] as const) {
      await page.getByLabel('Name').fill(name)
      await page.getByLabel('Type').selectOption('webhook')
      await page.getByLabel('URL').fill(`${peer}${path}`)
      await page.getByRole('button', { name: 'Add destination' }).click()
      expect(await message()).toMatch(new RegExp(`Added “${name}”. Its signing secret`))
    }
    await page.getByRole('button', { name: 'Send test to Receiver' }).click()
    expect(await message()).toMatch(/delivered \(HTTP 204\)/)
    expect(peers.received.ok).toHaveLength(1)
    await page
      .getByRole('group', { name: /Send "feed broken"/ })
      .getByLabel('Receiver')
      .check()
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    expect(await message()).toContain('Health alerts will go to the checked destinations')
    await check('destinations')
  })

  it('writes a watch with the live preview: a syntax error, then a highlighted match', async () => {
    await page.getByRole('link', { name: 'Watches' }).click()
    await page.getByLabel('Name').fill('Budget')
    const query = page.getByLabel('Query')
    await query.pressSequentially('budget AND (')
    const preview = page.locator('#preview')
    await preview.getByText('Syntax error').waitFor()
    expect(await preview.locator('mark.err').count()).toBe(1)
    await check('watch-syntax-error')
    await query.fill('')
    await query.pressSequentially('budget')
    await preview.getByText('1 of 2 current items match').waitFor()
    expect(await preview.locator('mark').first().innerText()).toBe('Budget')
    await page.getByLabel('Receiver').check()
    await page.getByLabel('Flaky').check()
    await page.getByRole('button', { name: 'Save watch' }).click()
    expect(await message()).toContain('Saved the watch “Budget”')
    await check('watches')
  })

  it('shows the alert a tick finds on the overview', async () => {
    await fireTick() // the first poll records the feed's current items silently
    peers.publish('Budget deal reached after all-night talks')
    await sleep(1_100) // a new second for the tick's clock, and the next minute's due check
    await until('the alert at the receiver', async () => {
      await fireTick()
      return peers.received.ok.some((b) => b.includes('Budget deal reached'))
    })
    await page.getByRole('link', { name: 'Overview' }).click()
    await until('the alert on the overview', async () => {
      await page.reload()
      return (await page.locator('main').innerText()).includes('Budget deal reached')
    })
    await check('overview')
    // Readable on a phone: nothing wider than the screen (wide tables scroll inside themselves).
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: join(out, 'overview-phone.png'), fullPage: true })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.setViewportSize({ width: 1000, height: 900 })
    // Keyboard: the first Tab reaches the skip link, which leads to the main landmark.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
  })

  it('replays a dead letter once the destination works again', async () => {
    await until('the dead letter', async () => peers.received.flaky.length >= 1)
    await page.getByRole('link', { name: 'Deliveries' }).click()
    await until('the dead letter listed', async () => {
      await page.reload()
      return (await page.locator('main').innerText()).includes('HTTP 410')
    })
    await check('deliveries')
    peers.heal()
    await page.getByRole('button', { name: /Replay “Budget deal reached/ }).click()
    expect(await message()).toMatch(/Replayed .*: it is back in the delivery queue/)
    await until('the replayed alert', async () => peers.received.flaky.length >= 2)
    expect(peers.received.flaky.at(-1)).toContain('Budget deal reached')
  })

  it('started the Worker with its start-up warm-ups, none of which failed', () => {
    // src/startup.ts logs a failing warm-up and starts the isolate without it; wrangler dev
    // prints what the Worker logs, its global scope included.
    expect(dev!.output()).not.toContain('start-up warm-up failed')
  })

  it('finds no serious or critical accessibility issue on any page', () => {
    expect(violations).toEqual([])
  })
})
