// GET/PUT /api/health: where health events go (docs/health.md) — `{ "destinations": [ids] }`.
// The setting lives in the configuration (`healthDestinations`); an id that is not a destination
// is refused by position. A destination deleted later is simply skipped when events are sent.
import { Hono } from 'hono'
import * as z from 'zod/mini'
import { loadConfig, updateConfig } from '../store/config'
import type { AppEnv } from './app-env'
import { readJson } from './body'
import { ApiError } from './errors'
import { parseBody } from './validate'

/** Every destination could receive them; more than this is a mistake, not a setting. */
const MAX_HEALTH_DESTINATIONS = 50

const healthInput = z.strictObject({
  destinations: z.array(z.string()).check(z.maxLength(MAX_HEALTH_DESTINATIONS)),
})

export const healthSettingRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ destinations: config.healthDestinations ?? [] })
  })
  .put('/', async (c) => {
    const input = parseBody(healthInput, await readJson(c))
    const destinations = [...new Set(input.destinations)]
    await updateConfig(c.env, c.get('deps').now(), (config) => {
      destinations.forEach((id, i) => {
        if (!config.destinations.some((d) => d.id === id)) {
          throw new ApiError(400, `destinations[${i}]: no destination ${id}`, {
            field: `destinations[${i}]`,
          })
        }
      })
      return { ...config, healthDestinations: destinations }
    })
    return c.json({ destinations })
  })
