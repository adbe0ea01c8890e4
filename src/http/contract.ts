// The API contract, attached to the routes themselves: `jsonBody(schema)` is the middleware that
// validates a route's JSON body with its zod schema, and `describe(...)` says what the route does
// and answers. Both carry their part of the OpenAPI operation on the handler, so the document
// (src/http/openapi.ts) is read off the registered routes: the schema that validates a body is the
// one documented, and a route without a description is caught by test/http/openapi.test.ts.
// `jsonBody` hands its value on the way Hono's own `validator('json')` does (`c.req.valid('json')`,
// typed), but reads the body itself: Hono's validator passes `{}` on when the content type is not
// JSON, which would answer "name: is required" to a client that only forgot the header.
// Not responsible for building the document (openapi.ts) or for the schemas (validate.ts).
import type { MiddlewareHandler } from 'hono'
import type * as z from 'zod/mini'
import type { AppEnv } from './app-env'
import { readJson } from './body'
import { parseBody } from './validate'

/** A query parameter of an operation (always optional here: every one has a default). */
export interface QueryParam {
  name: string
  description: string
  schema: z.ZodMiniType
}

/** What one route contributes to its OpenAPI operation. */
export interface Operation {
  summary?: string
  description?: string
  /** A JSON request body: the schema the route validates it with. */
  body?: z.ZodMiniType
  /** A request body that is not JSON (OPML), by media type. */
  rawBody?: { media: string; description: string }
  query?: QueryParam[]
  /** Answers by status, with what each means; errors use the shared error shape. */
  responses?: Record<number, string>
  /** Media type of the 2xx answer when it is not JSON. */
  produces?: string
  /** Served without the bearer token. */
  public?: true
}

const OPERATION = Symbol('feedwatch.operation')
type Described = { [OPERATION]?: Operation }

/** The operation parts a registered handler carries, if any. */
export function operationOf(handler: unknown): Operation | undefined {
  return typeof handler === 'function' ? (handler as Described)[OPERATION] : undefined
}

function tag<H extends object>(handler: H, operation: Operation): H {
  Object.defineProperty(handler, OPERATION, { value: operation })
  return handler
}

/** Documents a route (summary, answers); does nothing at request time. */
export function describe(operation: Operation): MiddlewareHandler<AppEnv> {
  return tag<MiddlewareHandler<AppEnv>>(async (_c, next) => next(), operation)
}

/**
 * Validates the JSON body with `schema` ("body is not valid JSON", or a 400 naming the field) and
 * hands the typed value to the route as `c.req.valid('json')`.
 */
export function jsonBody<S extends z.ZodMiniType>(
  schema: S,
): MiddlewareHandler<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> {
  return tag<MiddlewareHandler<AppEnv>>(
    async (c, next) => {
      c.req.addValidatedData('json', parseBody(schema, await readJson(c)) as object)
      await next()
    },
    { body: schema },
  )
}
