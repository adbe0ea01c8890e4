// Bearer-token guard for /api/* (DESIGN.md, "Interfaces"). The token is the ADMIN_TOKEN Worker
// secret; compared in constant time so response timing does not leak it.
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError } from './errors'

const encoder = new TextEncoder()

async function sameSecret(a: string, b: string): Promise<boolean> {
  // Hash both first: equal-length inputs for a constant-time comparison of the digests.
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ])
  const x = new Uint8Array(da)
  const y = new Uint8Array(db)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN
  if (!expected) throw new ApiError(503, 'ADMIN_TOKEN is not set: the API is disabled')
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header)
  if (!match || !(await sameSecret(match[1] ?? '', expected))) {
    c.header('www-authenticate', 'Bearer')
    throw new ApiError(401, 'missing or wrong bearer token')
  }
  await next()
})
