// The OpenAPI 3.1 document of the API (GET /api/openapi.json), read off the routes the app
// registered: each route's `describe(...)` and `jsonBody(schema)` (src/http/contract.ts) give its
// summary, answers and request schema, turned into JSON Schema 2020-12 by zod's own
// `z.toJSONSchema`, which is the dialect OpenAPI 3.1 uses. There is no second copy of any shape.
// Documented: every route under /api/ and /status. Not documented: pages for browsers (`/`).
// Follows OpenAPI 3.1.0 (https://spec.openapis.org/oas/v3.1.0).
import * as z from 'zod/mini'
import { operationOf, type Operation } from './contract'

/** The routes Hono registered: middleware under ALL, handlers under their method. */
export interface RegisteredRoute {
  method: string
  path: string
  handler: unknown
}

const DOCUMENTED = /^\/(?:api|status)(?:\/|$)/

/** The error shape every refusal uses (src/http/errors.ts). */
const errorBody = z.object({
  error: z.object({
    message: z.string(),
    field: z.optional(z.string()),
    position: z.optional(z.int()),
  }),
})

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  return rest
}

/** `/api/feeds/:id` → `/api/feeds/{id}`, with the names of its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = []
  const converted = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment
      params.push(segment.slice(1))
      return `{${segment.slice(1)}}`
    })
    .join('/')
  return { path: converted.length > 1 ? converted.replace(/\/$/, '') : converted, params }
}

/** The documented (method, path) pairs among `routes`, each with its merged operation parts. */
export function documentedRoutes(
  routes: readonly RegisteredRoute[],
): Map<string, { method: string; path: string; operation: Operation }> {
  const found = new Map<string, { method: string; path: string; operation: Operation }>()
  for (const route of routes) {
    if (route.method === 'ALL' || !DOCUMENTED.test(route.path)) continue
    const { path } = openApiPath(route.path)
    const key = `${route.method} ${path}`
    const entry = found.get(key) ?? { method: route.method, path, operation: {} }
    entry.operation = { ...entry.operation, ...operationOf(route.handler) }
    found.set(key, entry)
  }
  return found
}

function operationObject(method: string, rawPath: string, op: Operation): JsonSchema {
  const { params } = openApiPath(rawPath)
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(op.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: false,
      description: q.description,
      schema: jsonSchema(q.schema, 'input'),
    })),
  ]
  const responses: Record<string, JsonSchema> = {}
  for (const [status, description] of Object.entries(op.responses ?? {})) {
    const ok = Number(status) < 300
    const media = ok ? (op.produces ?? 'application/json') : 'application/json'
    responses[status] =
      status === '204'
        ? { description }
        : {
            description,
            content: {
              [media]: {
                schema: ok
                  ? media === 'application/json'
                    ? { type: 'object' }
                    : { type: 'string' }
                  : { $ref: '#/components/schemas/Error' },
              },
            },
          }
  }
  if (!op.public) {
    responses['401'] ??= {
      description: 'missing or wrong bearer token',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    }
  }
  return {
    operationId: `${method.toLowerCase()}${rawPath.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    ...(op.rawBody
      ? {
          requestBody: {
            required: true,
            description: op.rawBody.description,
            content: { [op.rawBody.media]: { schema: { type: 'string' } } },
          },
        }
      : {}),
    responses,
    ...(op.public ? { security: [] } : {}),
  }
}

/** The whole document for the routes `routes` (an app's `app.routes`). */
export function buildOpenApi(routes: readonly RegisteredRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  for (const { method, path, operation } of documentedRoutes(routes).values()) {
    const raw = routes.find((r) => r.method === method && openApiPath(r.path).path === path)
    paths[path] ??= {}
    paths[path][method.toLowerCase()] = operationObject(method, raw?.path ?? path, operation)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Feedwatch API',
      version,
      description:
        'Feeds, watches, destinations, deliveries and the configuration as a document. ' +
        'Errors are `{ "error": { "message", "field"?, "position"? } }`; see docs/api.md.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  }
}
