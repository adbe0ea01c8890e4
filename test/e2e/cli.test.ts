// `npx feedwatch pull|push|diff|test-query` as a user runs it: the CLI (Node) against the Worker
// under `wrangler dev` (local Durable Objects and KV), with a real RSS feed on 127.0.0.1 for the
// live query test. Checks the files it writes, the diffs it prints and the errors it names.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { startWranglerDev, type DevServer } from './wrangler-dev'

const root = join(import.meta.dirname, '..', '..')
const TOKEN = 'cli-e2e-token'

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Le fil</title>
<item><guid>1</guid><title>Raid près de Belgorod</title><link>https://example.org/1</link>
<description>Des armes belges auraient été utilisées près de Belgorod.</description></item>
<item><guid>2</guid><title>Roland-Garros</title><link>https://example.org/2</link>
<description>Une Belge en finale.</description></item></channel></rss>`

describe('feedwatch CLI against wrangler dev', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedwatch-cli-'))
  let dev: DevServer | undefined
  let feedServer: Server | undefined
  let base = ''
  let feedUrl = ''

  /** Runs the CLI the way `npx feedwatch` does; resolves with its exit code and output. */
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(root, 'bin/feedwatch.mjs'), ...args],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            FEEDWATCH_URL: base,
            FEEDWATCH_TOKEN: TOKEN,
            ...env,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      )
    })

  beforeAll(async () => {
    feedServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' })
      res.end(RSS)
    })
    await new Promise<void>((r) => feedServer!.listen(0, '127.0.0.1', r))
    feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.xml`

    dev = await startWranglerDev({ state: join(dir, 'state'), token: TOKEN })
    base = dev.base
  }, 90_000)

  afterAll(async () => {
    await dev?.stop()
    await new Promise((r) => feedServer?.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  it('pushes a YAML file, pulls it back as JSON with credentials marked, diffs and re-pushes', async () => {
    const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')
    const doc = {
      feedwatch: 1,
      feeds: [{ id: 'le-fil', url: feedUrl, title: 'Le fil', tags: ['fr'] }],
      destinations: [
        { id: 'hook', name: 'Hook', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret },
      ],
      watches: [
        { id: 'belgorod', name: 'Belgorod', query: 'belgorod AND belge*', destinations: ['hook'] },
      ],
    }
    writeFileSync(join(dir, 'feedwatch.yaml'), YAML.stringify(doc))

    const first = await cli(['diff'])
    expect(first.stdout).toContain('+ feeds le-fil')
    expect(first.stdout).toContain('+ watches belgorod')
    const pushed = await cli(['push'])
    expect(pushed.code, pushed.stderr).toBe(0)
    expect(pushed.stdout).toContain('+ destinations hook')
    expect(pushed.stdout).toContain('pushed')

    const pulled = await cli(['pull', 'config.json'])
    expect(pulled.stdout).toContain('wrote config.json: 1 feeds, 1 watches, 1 destinations')
    const text = readFileSync(join(dir, 'config.json'), 'utf8')
    expect(text).not.toContain(secret)
    const exported = JSON.parse(text)
    expect(exported.destinations[0]).toMatchObject({ url: { set: true }, secret: { set: true } })
    expect(exported.watches[0]).toMatchObject({ id: 'belgorod', query: 'belgorod AND belge*' })

    // The pulled file pushes back unchanged (the credentials it marks as set are kept).
    expect((await cli(['diff', 'config.json'])).stdout.trim()).toBe('no changes')

    exported.watches[0].query = 'belgorod'
    writeFileSync(join(dir, 'config.json'), JSON.stringify(exported))
    const diff = await cli(['diff', 'config.json'])
    expect(diff.stdout.trim()).toBe('~ watches belgorod: query')
    expect((await cli(['push', 'config.json'])).stdout).toContain('pushed')
    expect((await cli(['diff', 'config.json'])).stdout.trim()).toBe('no changes')
  })

  it('tries a query on the live feed and highlights the match', async () => {
    const res = await cli(['test-query', 'belgorod AND belges'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain('✓ Raid près de Belgorod  <https://example.org/1>')
    expect(res.stdout).toMatch(/\[Belgorod\]/)
    expect(res.stdout).toContain('1 of 2 items match')
    expect(res.stdout).not.toContain('Roland-Garros')
  })

  it('tries a query on items from a file', async () => {
    writeFileSync(
      join(dir, 'items.yaml'),
      YAML.stringify([{ title: 'OTAN summit' }, { title: 'Weather' }]),
    )
    const res = await cli(['test-query', 'otan', '--items', 'items.yaml'])
    expect(res.stdout).toContain('✓ OTAN summit')
    expect(res.stdout).toContain('1 of 2 items match')
  })

  it.each([
    ['a bad query, naming its field', ['push', 'bad.yaml'], /watches\[0\]\.query/],
    ['a wrong token', ['pull', 'x.json', '--token', 'nope'], /HTTP 401: wrong bearer token/],
    ['no instance', ['pull'], /no instance: give --url or set FEEDWATCH_URL/],
  ])('fails with exit status 1 and says why: %s', async (_what, args, message) => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      YAML.stringify({
        feedwatch: 1,
        watches: [{ id: 'w', name: 'w', query: 'a AND (', destinations: ['hook'] }],
      }),
    )
    const res = await cli(
      args,
      args[0] === 'pull' && args.length === 1 ? { FEEDWATCH_URL: '' } : {},
    )
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(message)
  })
})
