// GET/PUT /api/health: where health events go (docs/health.md) — `{ "destinations": [ids] }`.
// The setting lives in the configuration (`healthDestinations`) and is written through the same
// integrity rules as every other change (src/config/integrity.ts): an id that is not a destination
// is refused by position, and deleting a destination takes it out of the list.
import { Hono } from 'hono'
import * as z from 'zod/mini'
import { IntegrityError } from '../config/integrity'
import { changeConfig } from '../config/service'
import { loadConfig } from '../store/config'
import type { AppEnv } from './app-env'
import { describe, jsonBody } from './contract'

/** Every destination could receive them; more than this is a mistake, not a setting. */
const MAX_HEALTH_DESTINATIONS = 50

const healthInput = z.strictObject({
  destinations: z.array(z.string()).check(z.maxLength(MAX_HEALTH_DESTINATIONS)),
})

export const healthSettingRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Where health events go',
      responses: { 200: '{ destinations }: destination ids' },
    }),
    async (c) => c.json({ destinations: (await loadConfig(c.env)).healthDestinations ?? [] }),
  )
  .put(
    '/',
    describe({
      summary: 'Choose where health events go',
      responses: { 200: '{ destinations }', 400: 'an id that is not a destination, by position' },
    }),
    jsonBody(healthInput),
    async (c) => {
      const destinations = [...new Set(c.req.valid('json').destinations)]
      await changeConfig(c.env, c.get('deps').now(), (config) => {
        // Named as the request names them; the integrity rules would say `healthDestinations[i]`.
        destinations.forEach((id, i) => {
          if (!config.destinations.some((d) => d.id === id)) {
            throw new IntegrityError(`destinations[${i}]`, `no destination with id ${id}`)
          }
        })
        const { healthDestinations: _, ...rest } = config
        return destinations.length > 0 ? { ...rest, healthDestinations: destinations } : rest
      })
      return c.json({ destinations })
    },
  )
