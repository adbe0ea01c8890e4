// One error shape for every API answer: `{ "error": { "message", "field"?, "position"? } }`, and
// the status each error class of the stages and services is answered with (400 invalid input,
// 404 not found, 409 conflict, 413 too large, 422 unfetchable feed URL).
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { NotFoundError } from '../config/entries'
import { IntegrityError } from '../config/integrity'
import { DiscoveryError } from '../monitor/discover-feed'
import { PreviewTooLargeError } from '../monitor/preview'
import { ReplayRefused } from '../store/replay'
import { AddressError, ConfigError } from '../lib/errors'
import { QueryError } from '../watch'

export class ApiError extends HTTPException {
  readonly body: { message: string; field?: string; position?: number }
  constructor(
    status: ContentfulStatusCode,
    message: string,
    extra: { field?: string; position?: number; cause?: unknown } = {},
  ) {
    const { cause, ...fields } = extra
    super(status, { message, cause })
    this.body = { message, ...fields }
  }
}

const json = (body: ApiError['body'], status: number): Response =>
  Response.json({ error: body }, { status })

/** Maps any thrown value to the JSON error answer. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError)
    return Response.json({ error: error.body }, { status: error.status })
  if (error instanceof NotFoundError) return json({ message: error.message }, 404)
  if (error instanceof ReplayRefused) {
    return json({ message: error.message }, error.reason === 'not-found' ? 404 : 409)
  }
  if (error instanceof DiscoveryError) {
    return json({ message: error.message, field: error.field }, 422)
  }
  if (error instanceof PreviewTooLargeError) {
    return json({ message: error.message, field: error.field }, 413)
  }
  if (error instanceof IntegrityError && error.conflict) {
    return Response.json({ error: { message: error.message, field: error.field } }, { status: 409 })
  }
  if (error instanceof ConfigError || error instanceof AddressError) {
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
    // Middleware answers (bearerAuth's 401 with WWW-Authenticate) come ready-made: keep headers.
    if (error.res) return error.getResponse()
    return Response.json({ error: { message: error.message } }, { status: error.status })
  }
  console.error('unhandled error', error)
  return Response.json({ error: { message: 'internal error' } }, { status: 500 })
}
