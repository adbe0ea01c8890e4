// Bearer-token guard for /api/* (RFC 6750): Hono's bearerAuth middleware, checking the ADMIN_TOKEN
// Worker secret with its constant-time comparison (both sides hashed, so timing leaks neither the
// token nor its length). Every refusal carries `WWW-Authenticate: Bearer …` and a JSON body.
// Not responsible for who may read /status (public) — only for the token check itself.
import { bearerAuth } from 'hono/bearer-auth'
import { createMiddleware } from 'hono/factory'
import { timingSafeEqual } from 'hono/utils/buffer'
import type { AppEnv } from './app-env'
import { ApiError } from './errors'

const refusal = (message: string) => ({ error: { message } })

const checkToken = bearerAuth<AppEnv>({
  verifyToken: (token, c) => timingSafeEqual(c.env.ADMIN_TOKEN, token),
  noAuthenticationHeader: { message: refusal('missing bearer token') },
  invalidAuthenticationHeader: {
    message: refusal('malformed Authorization header: expected "Bearer <token>"'),
  },
  invalidToken: { message: refusal('wrong bearer token') },
})

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new ApiError(503, 'ADMIN_TOKEN is not set: the API is disabled')
  return checkToken(c, next)
})
