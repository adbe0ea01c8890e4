// One error shape for every API answer: `{ "error": { "message", "field"?, "position"? } }`.
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ConfigError } from '../lib/errors'
import { QueryError } from '../watch'

export class ApiError extends HTTPException {
  readonly body: { message: string; field?: string; position?: number }
  constructor(
    status: ContentfulStatusCode,
    message: string,
    extra: { field?: string; position?: number } = {},
  ) {
    super(status, { message })
    this.body = { message, ...extra }
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, `${what} ${id} not found`)

/** Maps any thrown value to the JSON error answer. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError)
    return Response.json({ error: error.body }, { status: error.status })
  if (error instanceof ConfigError) {
    return Response.json({ error: { message: error.message, field: error.field } }, { status: 400 })
  }
  if (error instanceof QueryError) {
    return Response.json(
      {
        error: {
          message: error.message,
          field: 'query',
          position: error.position,
          display: error.display,
        },
      },
      { status: 400 },
    )
  }
  if (error instanceof HTTPException) {
    return Response.json({ error: { message: error.message } }, { status: error.status })
  }
  console.error('unhandled error', error)
  return Response.json({ error: { message: 'internal error' } }, { status: 500 })
}
