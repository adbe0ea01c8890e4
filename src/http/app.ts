// The Hono application: public status, the bearer-protected API, JSON errors and 404s.
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from './app-env'
import { requireAdmin } from './auth'
import { deliveryRoutes } from './deliveries'
import { destinationActionRoutes } from './destination-actions'
import { destinationRoutes } from './destinations'
import { ApiError, toErrorResponse } from './errors'
import { feedRoutes } from './feeds'
import { previewRoutes } from './preview'
import { detailedStatusRoutes, publicStatusRoutes } from './status'
import { watchRoutes } from './watches'

export function createApp(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    .use(requireAdmin)
    .route('/feeds', feedRoutes)
    .route('/watches', watchRoutes)
    .route('/destinations', destinationRoutes)
    .route('/destinations', destinationActionRoutes)
    .route('/deliveries', deliveryRoutes)
    .route('/preview', previewRoutes)

  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', deps)
      await next()
    })
    .get('/', (c) =>
      c.json({
        name: 'Feedwatch',
        status: '/status',
        api: [
          '/api/feeds',
          '/api/watches',
          '/api/destinations',
          '/api/deliveries',
          '/api/preview',
          '/api/status',
        ],
      }),
    )
    .route('/status', publicStatusRoutes)
    .route('/api/status', detailedStatusRoutes)
    .route('/api', api)
    .notFound((c) =>
      c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
    )
    .onError((error) => toErrorResponse(error))
}

export { ApiError }
