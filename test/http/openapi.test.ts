// The OpenAPI document against the routes that exist: every route of the API is documented with
// a summary and answers, no documented operation lacks a route, request bodies are the very zod
// schemas the routes validate with, and every reference in the document resolves.
import * as z from 'zod/mini'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/app'
import { openApiPath } from '../../src/http/openapi'
import { feedInput, portableConfig, watchPatch } from '../../src/http/validate'
import { api } from '../support/worker'

const app = createApp({ fetch: (input, init) => fetch(input, init), now: () => new Date() })
const METHODS = ['get', 'put', 'post', 'patch', 'delete']

/** Every (method, path) the app answers under /api and /status, in OpenAPI's path syntax. */
const registered = new Set(
  app.routes
    .filter((r) => r.method !== 'ALL' && /^\/(?:api|status)(?:\/|$)/.test(r.path))
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path).path}`),
)

async function document(): Promise<any> {
  const res = await api('GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  return res.json
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document behind the bearer token', async () => {
    expect((await api('GET', '/api/openapi.json', undefined, null)).status).toBe(401)
    const doc = await document()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' })
  })

  it('documents every registered route, with a summary and its answers', async () => {
    const doc = await document()
    expect(registered.size).toBeGreaterThan(20)
    for (const key of registered) {
      const [method, path] = key.split(' ') as [string, string]
      const operation = doc.paths[path]?.[method]
      expect(operation, key).toBeDefined()
      expect(operation.summary, `${key} has no summary`).toMatch(/\w/)
      expect(Object.keys(operation.responses).length, key).toBeGreaterThan(0)
    }
  })

  it('documents no operation that has no route', async () => {
    const doc = await document()
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        expect(registered.has(`${method} ${path}`), `${method} ${path}`).toBe(true)
      }
    }
  })

  it.each([
    ['/api/feeds', 'post', feedInput],
    ['/api/watches/{id}', 'patch', watchPatch],
    ['/api/config', 'put', portableConfig],
  ])(
    'describes the body of %s %s with the schema that validates it',
    async (path, method, schema) => {
      const doc = await document()
      const { $schema: _, ...expected } = z.toJSONSchema(schema, {
        io: 'input',
        unrepresentable: 'any',
      })
      expect(doc.paths[path][method].requestBody.content['application/json'].schema).toEqual(
        expected,
      )
    },
  )

  it('names path parameters and marks the public status as needing no token', async () => {
    const doc = await document()
    expect(doc.paths['/api/feeds/{id}'].get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ])
    expect(doc.paths['/status'].get.security).toEqual([])
    expect(doc.paths['/api/config'].put.parameters[0]).toMatchObject({
      name: 'dryRun',
      in: 'query',
    })
  })

  it('resolves every $ref', async () => {
    const doc = await document()
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const target = ref.split('/').reduce<any>((node, key) => node?.[key], doc)
      expect(target, ref).toBeDefined()
    }
  })
})
