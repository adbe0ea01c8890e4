// The Hono application: the dashboard at `/`, public status, the bearer-protected API, body limits, JSON errors, 404s
// for unknown paths and 405s (with Allow) for unknown methods on known ones. Every outgoing request
// the routes make goes through the address guard (src/lib/address-guard.ts).
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { addressPolicyOf, guardedFetch } from '../lib/address-guard'
import type { AppDeps, AppEnv } from './app-env'
import { requireAdmin } from './auth'
import { limitBody } from './body'
import { dashboardRoutes, type InternalFetch } from './dashboard/routes'
import { deliveryRoutes } from './deliveries'
import { destinationActionRoutes } from './destination-actions'
import { destinationRoutes } from './destinations'
import { configRoutes } from './config'
import { describe } from './contract'
import { ApiError, toErrorResponse } from './errors'
import { feedRoutes } from './feeds'
import { healthSettingRoutes } from './health-settings'
import { MAX_BODY_BYTES, MAX_IMPORT_BODY_BYTES, MAX_PREVIEW_BODY_BYTES } from './limits'
import { allowedMethods } from './methods'
import { buildOpenApi } from './openapi'
import { previewRoutes } from './preview'
import { detailedStatusRoutes, publicStatusRoutes } from './status'
import { watchRoutes } from './watches'
import { websubRoutes } from './websub'

const defaultLimit = limitBody(MAX_BODY_BYTES)
/** Routes with their own body limit; every other API route has the default one. */
const OWN_LIMIT = new Set(['/api/preview', '/api/config', '/api/config/opml'])
/** The version of the API document: the package's. */
const API_VERSION = '0.1.0'

export function createApp(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    // nosniff, no framing, no referrer, and the rest of Hono's defaults on every API answer.
    .use(secureHeaders())
    .use(requireAdmin)
    // Every API route has a body limit, a route added later included; preview carries items and
    // /config a whole configuration.
    .use('/preview', limitBody(MAX_PREVIEW_BODY_BYTES))
    .use('/config/*', limitBody(MAX_IMPORT_BODY_BYTES))
    .use('*', async (c, next) => (OWN_LIMIT.has(c.req.path) ? next() : defaultLimit(c, next)))
    .get(
      '/openapi.json',
      describe({
        summary: 'This API as an OpenAPI 3.1 document',
        responses: { 200: 'the document' },
      }),
      (c) => c.json(openApi()),
    )
    .route('/feeds', feedRoutes)
    .route('/watches', watchRoutes)
    .route('/destinations', destinationRoutes)
    .route('/destinations', destinationActionRoutes)
    .route('/deliveries', deliveryRoutes)
    .route('/preview', previewRoutes)
    .route('/health', healthSettingRoutes)
    .route('/config', configRoutes)

  let document: Record<string, unknown> | undefined
  const openApi = (): Record<string, unknown> =>
    (document ??= buildOpenApi(app.routes, API_VERSION))

  // The dashboard renders the API's own answers, asked in-process (src/http/dashboard/routes.tsx).
  const internal: InternalFetch = async (request, env) => app.fetch(request, env)
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', { ...deps, fetch: guardedFetch(deps.fetch, addressPolicyOf(c.env)) })
      await next()
    })
    .route('/', dashboardRoutes(internal))
    // The status routes are documented here, where they are mounted (src/http/contract.ts).
    .on(
      'GET',
      '/status',
      describe({
        summary: 'Public summary, no secrets (HTML for browsers)',
        public: true,
        responses: { 200: 'overall status, last tick, feeds by health, alert counters' },
      }),
    )
    .route('/status', publicStatusRoutes)
    .route('/', websubRoutes)
    .on(
      'GET',
      '/api/status',
      describe({
        summary: 'Per-feed health, recent deliveries and dead letters',
        responses: { 200: 'the detailed status' },
      }),
    )
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
