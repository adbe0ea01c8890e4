// Reading request bodies: a size cap per route (Hono's bodyLimit, answering 413 with the limit)
// and JSON parsing that says plainly when the body is not JSON, before any field is looked at.
import { bodyLimit } from 'hono/body-limit'
import type { AppContext } from './app-env'
import { ApiError } from './errors'

/** Refuses bodies over `maxBytes` with a 413 that names the limit. */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json({ error: { message: `request body larger than the ${maxBytes}-byte limit` } }, 413),
  })

/** The request body parsed as JSON, or a 400 "body is not valid JSON". */
export async function readJson(c: AppContext): Promise<unknown> {
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new ApiError(400, 'body is not valid JSON', { field: '(body)', cause })
  }
}
