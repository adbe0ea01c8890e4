// /api/deliveries: counters, the recent delivery log, destination health (disabled or not, and
// why) and the dead letters; replay of a dead letter (src/store/replay.ts, through the ledger).
import { Hono } from 'hono'
import { listDeadLetters, loadDeliveryLog } from '../store/deliveries'
import { replayDeadLetter } from '../store/replay'
import type { AppEnv } from './app-env'
import { describe } from './contract'

export const deliveryRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Delivery counters, recent outcomes, destination health and dead letters',
      responses: { 200: '{ counters, recent, destinations, deadLetters }' },
    }),
    async (c) => {
      const [log, dead] = await Promise.all([loadDeliveryLog(c.env), listDeadLetters(c.env)])
      return c.json({
        counters: log.counters,
        recent: log.recent,
        destinations: log.destinations,
        deadLetters: dead.map((d) => ({
          alertId: d.alert.id,
          destinationId: d.alert.destinationId,
          watch: d.alert.watch,
          item: { title: d.alert.item.title, url: d.alert.item.url },
          error: d.error,
          status: d.status,
          attempts: d.attempts,
          at: d.at,
        })),
      })
    },
  )
  .post(
    '/:id/replay',
    describe({
      summary: 'Send a dead letter again (same alert id)',
      responses: {
        202: '{ replayed }',
        404: 'no such dead letter',
        409: 'its destination is disabled',
      },
    }),
    async (c) => {
      const id = c.req.param('id')
      await replayDeadLetter(c.env, id)
      return c.json({ replayed: id }, 202)
    },
  )
