// /api/deliveries: counters, the recent delivery log, destination health (disabled or not, and
// why) and the dead letters; replay of a dead letter. The ledger (src/store/ledger.ts) is the only
// writer: a replay takes the letter out there, atomically, so two replays cannot send it twice.
import { Hono } from 'hono'
import type { Alert } from '../model'
import {
  destinationHealth,
  listDeadLetters,
  loadDeliveryLog,
  restoreDeadLetter,
  takeDeadLetter,
} from '../store/deliveries'
import type { AppEnv } from './app-env'
import { ApiError, notFound } from './errors'

export const deliveryRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
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
  })
  .post('/:id/replay', async (c) => {
    const id = c.req.param('id')
    const letter = await takeDeadLetter(c.env, id)
    if (!letter) throw notFound('dead letter', id)
    const health = await destinationHealth(c.env, letter.alert.destinationId)
    if (health?.disabled) {
      await restoreDeadLetter(c.env, letter)
      throw new ApiError(
        409,
        `destination ${letter.alert.destinationId} is disabled (${health.disabledReason}); ` +
          `re-enable it with POST /api/destinations/${letter.alert.destinationId}/enable first`,
      )
    }
    try {
      // Same alert id: a receiver that did get an earlier attempt deduplicates it.
      await (c.env.DELIVERIES as Queue<Alert>).send(letter.alert)
    } catch (cause) {
      await restoreDeadLetter(c.env, letter)
      throw cause
    }
    return c.json({ replayed: id }, 202)
  })
