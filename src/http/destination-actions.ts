// Actions on one destination beside its CRUD (src/http/destinations.ts):
//   POST /api/destinations/:id/test   — send a sample alert now through the real channel; answers
//                                       the service's status and the classified outcome.
//   POST /api/destinations/:id/enable — clear the ledger's "disabled after permanent answers"
//                                       state, so new alerts and replays are sent again.
// Credentials are never echoed (the test answer's error is scrubbed).
import { Hono } from 'hono'
import { findEntry } from '../config/entries'
import { CHANNELS } from '../deliver/channels'
import { testSend } from '../deliver/test-send'
import { loadConfig } from '../store/config'
import { destinationHealth, enableDestination } from '../store/deliveries'
import type { AppEnv } from './app-env'
import { describe } from './contract'
import { ApiError } from './errors'

export const destinationActionRoutes = new Hono<AppEnv>()
  .post(
    '/:id/test',
    describe({
      summary: 'Send a sample alert now; answers the classified outcome',
      responses: {
        200: '{ destinationId, type, ok, status?, error? }',
        404: 'no such destination',
      },
    }),
    async (c) => {
      const config = await loadConfig(c.env)
      const destination = findEntry(config, 'destinations', c.req.param('id'))
      const channel = CHANNELS[destination.type]
      if (!channel) throw new ApiError(400, `type: no channel for ${destination.type}`)
      const deps = c.get('deps')
      const result = await testSend(destination, channel, {
        fetch: deps.fetch,
        now: deps.now(),
        email: c.env.EMAIL,
        emailFrom: c.env.EMAIL_FROM,
      })
      return c.json({ destinationId: destination.id, type: destination.type, ...result })
    },
  )
  .post(
    '/:id/enable',
    describe({
      summary: 'Re-enable a destination disabled after permanent answers',
      responses: { 200: '{ destinationId, wasDisabled, health }', 404: 'no such destination' },
    }),
    async (c) => {
      const config = await loadConfig(c.env)
      const destination = findEntry(config, 'destinations', c.req.param('id'))
      const wasDisabled = await enableDestination(c.env, destination.id)
      return c.json({
        destinationId: destination.id,
        wasDisabled,
        health: await destinationHealth(c.env, destination.id),
      })
    },
  )
