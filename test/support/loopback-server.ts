// A scriptable HTTP server on 127.0.0.1 for tests: it plays feed publishers and alert receivers.
// Runs in Node (vitest globalSetup), outside workerd; tests in workerd script it over HTTP, so
// every request the Worker makes is a real request over loopback — nothing is mocked.
//
// Control API (paths under /_control, JSON bodies):
//   PUT    /_control/routes        { path, responses: ScriptedResponse[] } — answer `path` with each
//                                   response in turn; the last one repeats. Replaces earlier scripts.
//   GET    /_control/requests?prefix=/x  — every request recorded whose path starts with prefix.
//   DELETE /_control/requests?prefix=/x  — forget them.
//   GET    /_control/mail?contains=text  — the raw .eml files Miniflare's send_email binding wrote
//                                   (under the OS temp directory) that contain `text`, as a JSON list.
// A path with no script answers 404. Every request to a non-control path is recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync, deflateSync } from 'node:zlib'
import type { RecordedRequest, ScriptedResponse } from './loopback-types'

export type { RecordedRequest, ScriptedResponse }

export interface LoopbackServer {
  port: number
  close(): Promise<void>
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** Every .eml Miniflare wrote (tmpdir/miniflare-<id>/email/**) whose text contains `needle`. */
async function sentMail(needle: string): Promise<string[]> {
  const found: string[] = []
  const roots = (await readdir(tmpdir())).filter((d) => d.startsWith('miniflare-'))
  for (const root of roots) {
    let files: string[]
    try {
      files = await readdir(join(tmpdir(), root, 'email'), { recursive: true })
    } catch {
      continue // an instance that never sent mail has no email directory
    }
    for (const file of files.filter((f) => f.endsWith('.eml'))) {
      const text = await readFile(join(tmpdir(), root, 'email', file), 'utf8')
      if (text.includes(needle)) found.push(text)
    }
  }
  return found
}

export async function startLoopbackServer(port = 0): Promise<LoopbackServer> {
  const scripts = new Map<string, { responses: ScriptedResponse[]; served: number }>()
  let recorded: RecordedRequest[] = []

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const body = await readBody(req)
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }

    if (url.pathname.startsWith('/_control/')) {
      const prefix = url.searchParams.get('prefix') ?? '/'
      if (url.pathname === '/_control/routes' && req.method === 'PUT') {
        const { path, responses } = JSON.parse(body.toString('utf8')) as {
          path: string
          responses: ScriptedResponse[]
        }
        scripts.set(path, { responses, served: 0 })
        return json(200, { ok: true })
      }
      if (url.pathname === '/_control/requests' && req.method === 'GET') {
        return json(
          200,
          recorded.filter((r) => r.path.startsWith(prefix)),
        )
      }
      if (url.pathname === '/_control/requests' && req.method === 'DELETE') {
        recorded = recorded.filter((r) => !r.path.startsWith(prefix))
        return json(200, { ok: true })
      }
      if (url.pathname === '/_control/mail' && req.method === 'GET') {
        return json(200, await sentMail(url.searchParams.get('contains') ?? ''))
      }
      return json(404, { error: 'unknown control route' })
    }

    const path = url.pathname + url.search
    recorded.push({
      method: req.method ?? 'GET',
      path,
      headers: flatHeaders(req),
      body: body.toString('utf8'),
      at: Date.now(),
    })
    const script = scripts.get(path) ?? scripts.get(url.pathname)
    if (!script) return json(404, { error: `no script for ${path}` })
    const index = Math.min(script.served, script.responses.length - 1)
    script.served++
    const r = script.responses[index] ?? {}
    if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs))
    if (res.destroyed) return

    const headers: Record<string, string> = { ...(r.headers ?? {}) }
    if (r.etag) headers['etag'] = r.etag
    if (r.lastModified) headers['last-modified'] = r.lastModified
    const notModified =
      (r.etag !== undefined && req.headers['if-none-match'] === r.etag) ||
      (r.lastModified !== undefined && req.headers['if-modified-since'] === r.lastModified)
    if (notModified) {
      res.writeHead(304, headers)
      return res.end()
    }
    let payload = r.bodyBase64 ? Buffer.from(r.bodyBase64, 'base64') : Buffer.from(r.body ?? '')
    if (r.encoding === 'gzip') payload = gzipSync(payload)
    if (r.encoding === 'deflate') payload = deflateSync(payload)
    if (r.encoding) headers['content-encoding'] = r.encoding
    res.writeHead(r.status ?? 200, headers)
    res.end(payload)
  })

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no port')
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
