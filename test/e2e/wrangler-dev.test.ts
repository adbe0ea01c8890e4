// The start helper the demo and every end-to-end test use (scripts/wrangler-dev.mjs), when the
// port it was given is already taken by another server: it must not take that server for the
// Worker, and it must say why it gave up.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWranglerDev } from './wrangler-dev'

describe('startWranglerDev on a taken port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedwatch-port-'))
  let squatter: Server | undefined
  let port = 0
  let requests = 0

  beforeAll(async () => {
    // Answers 200 to everything, /status included, as a stale Worker from another run would.
    squatter = createServer((_req, res) => {
      requests++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    await new Promise<void>((r) => squatter!.listen(0, '127.0.0.1', r))
    port = (squatter.address() as AddressInfo).port
  })

  afterAll(async () => {
    await new Promise((r) => squatter?.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  it('retries, then fails naming the taken address, never answering from the other server', async () => {
    const start = startWranglerDev({ state: join(dir, 'state'), token: 't', port })
    await expect(start).rejects.toThrow(/attempt 3 of 3/)
    await expect(start).rejects.toThrow(/Address already in use/)
    // The squatter was never even asked: readiness waits for wrangler's own "Ready on" line.
    expect(requests).toBe(0)
  }, 120_000)
})
