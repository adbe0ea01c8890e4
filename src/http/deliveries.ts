// /api/deliveries: counters, the recent delivery log and the dead letters; replay of a dead letter.
import { Hono } from 'hono'
import type { Alert } from '../model'
import {
  deleteDeadLetter,
  getDeadLetter,
  listDeadLetters,
  loadDeliveryLog,
  saveDeliveryLog,
} from '../store/deliveries'
import type { AppEnv } from './app-env'
import { notFound } from './errors'

export const deliveryRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const [log, dead] = await Promise.all([loadDeliveryLog(c.env), listDeadLetters(c.env)])
    return c.json({
      counters: log.counters,
      recent: log.recent,
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
    const letter = await getDeadLetter(c.env, id)
    if (!letter) throw notFound('dead letter', id)
    // Same alert id: a receiver that did get an earlier attempt deduplicates it.
    await (c.env.DELIVERIES as Queue<Alert>).send(letter.alert)
    await deleteDeadLetter(c.env, id)
    const log = await loadDeliveryLog(c.env)
    log.counters.replayed++
    await saveDeliveryLog(c.env, log)
    return c.json({ replayed: id }, 202)
  })
