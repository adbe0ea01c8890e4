// The Hono application: the dashboard at `/`, public status, the bearer-protected API, body limits, JSON errors, 404s
// for unknown paths and 405s (with Allow) for unknown methods on known ones. Every outgoing request
// the routes make goes through the address guard (src/lib/address-guard.ts).
import { Hono } from 'hono'
import { addressPolicyOf, guardedFetch } from '../lib/address-guard'
import type { AppDeps, AppEnv } from './app-env'
import { requireAdmin } from './auth'
import { limitBody } from './body'
import { dashboardRoutes, type InternalFetch } from './dashboard/routes'
import { deliveryRoutes } from './deliveries'
import { destinationActionRoutes } from './destination-actions'
import { destinationRoutes } from './destinations'
import { ApiError, toErrorResponse } from './errors'
import { feedRoutes } from './feeds'
import { healthSettingRoutes } from './health-settings'
import { MAX_BODY_BYTES, MAX_PREVIEW_BODY_BYTES } from './limits'
import { allowedMethods } from './methods'
import { previewRoutes } from './preview'
import { detailedStatusRoutes, publicStatusRoutes } from './status'
import { watchRoutes } from './watches'
import { websubRoutes } from './websub'

const defaultLimit = limitBody(MAX_BODY_BYTES)

export function createApp(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    .use(requireAdmin)
    // Every API route has a body limit, a route added later included; preview carries items.
    .use('/preview', limitBody(MAX_PREVIEW_BODY_BYTES))
    .use('*', async (c, next) => (c.req.path === '/api/preview' ? next() : defaultLimit(c, next)))
    .route('/feeds', feedRoutes)
    .route('/watches', watchRoutes)
    .route('/destinations', destinationRoutes)
    .route('/destinations', destinationActionRoutes)
    .route('/deliveries', deliveryRoutes)
    .route('/preview', previewRoutes)
    .route('/health', healthSettingRoutes)

  // The dashboard renders the API's own answers, asked in-process (src/http/dashboard/routes.tsx).
  const internal: InternalFetch = async (request, env) => app.fetch(request, env)
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', { ...deps, fetch: guardedFetch(deps.fetch, addressPolicyOf(c.env)) })
      await next()
    })
    .route('/', dashboardRoutes(internal))
    .route('/status', publicStatusRoutes)
    .route('/', websubRoutes)
    .route('/api/status', detailedStatusRoutes)
    .route('/api', api)
    .notFound((c) => {
      const allow = allowedMethods(app.routes, c.req.path)
      if (allow.length > 0) {
        c.header('allow', allow.join(', '))
        return c.json(
          { error: { message: `${c.req.method} is not allowed on ${c.req.path}` } },
          405,
        )
      }
      return c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}` } }, 404)
    })
    .onError((error) => toErrorResponse(error))
  return app
}

export { ApiError }
