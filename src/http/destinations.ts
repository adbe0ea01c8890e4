// /api/destinations: create, list, get, update (rename, pause, rotate URL or secret), delete. URLs and secrets are credentials: they are stored,
// never shown again. A webhook secret the user did not supply is generated and shown once, in the
// creation answer, because the receiver needs it to verify signatures.
import { Hono } from 'hono'
import type { Destination, DestinationType } from '../model'
import { SUPPORTED_TYPES } from '../deliver/channels'
import { generateSecret, isValidSecret } from '../deliver/sign'
import { loadConfig, updateConfig } from '../store/config'
import { isDevelopment, newId, type AppEnv } from './app-env'
import { assertNewId, findById, removeById, updateById } from './collection'
import { ApiError } from './errors'
import { publicDestination } from './redact'
import { destinationInput, destinationPatch, parseBody } from './validate'

/** IPv4 literals in private, loopback and link-local ranges: never a destination in production. */
const PRIVATE_V4 = /^(?:10|127)\.|^192\.168\.|^172\.(?:1[6-9]|2\d|3[01])\.|^169\.254\.|^0\./

function checkDestinationUrl(raw: string, env: Env): void {
  const url = new URL(raw)
  if (isDevelopment(env)) return
  if (url.protocol !== 'https:') {
    throw new ApiError(400, 'url: must use https (plain http is allowed only in development)', {
      field: 'url',
    })
  }
  const host = url.hostname
  if (host === 'localhost' || PRIVATE_V4.test(host) || host.startsWith('[')) {
    throw new ApiError(400, 'url: must not be a loopback, private or IP-literal address', {
      field: 'url',
    })
  }
}

function checkSecret(secret: string | undefined): void {
  if (secret !== undefined && !isValidSecret(secret)) {
    throw new ApiError(400, 'secret: must be whsec_ followed by base64 of 24–64 bytes', {
      field: 'secret',
    })
  }
}

export const destinationRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ destinations: config.destinations.map(publicDestination) })
  })
  .get('/:id', async (c) => {
    const config = await loadConfig(c.env)
    const destination = findById(config.destinations, c.req.param('id'), 'destinations')
    return c.json({ destination: publicDestination(destination) })
  })
  .post('/', async (c) => {
    const input = parseBody(destinationInput, await c.req.json().catch(() => undefined))
    if (!SUPPORTED_TYPES.includes(input.type as DestinationType)) {
      throw new ApiError(400, `type: must be one of ${SUPPORTED_TYPES.join(', ')}`, {
        field: 'type',
      })
    }
    checkDestinationUrl(input.url, c.env)
    checkSecret(input.secret)
    const generated = input.secret === undefined ? generateSecret() : undefined
    const destination: Destination = {
      ...input,
      type: input.type as DestinationType,
      id: input.id ?? newId('d_'),
      secret: input.secret ?? generated,
    }
    await updateConfig(c.env, c.get('deps').now(), (config) => {
      assertNewId(config.destinations, destination.id, 'destinations')
      return { ...config, destinations: [...config.destinations, destination] }
    })
    // The generated secret is shown this once: store it where the receiver can read it.
    return c.json({ destination: publicDestination(destination), secret: generated }, 201)
  })
  .patch('/:id', async (c) => {
    const patch = parseBody(destinationPatch, await c.req.json().catch(() => undefined))
    if (patch.url !== undefined) checkDestinationUrl(patch.url, c.env)
    checkSecret(patch.secret)
    const id = c.req.param('id')
    const destination = await updateById(c.env, c.get('deps').now(), 'destinations', id, (d) => ({
      ...d,
      ...patch,
    }))
    return c.json({ destination: publicDestination(destination) })
  })
  .delete('/:id', async (c) => {
    const id = c.req.param('id')
    await removeById(c.env, c.get('deps').now(), 'destinations', id, (config) => {
      const user = config.watches.find((w) => w.destinations.includes(id))
      if (user) {
        throw new ApiError(
          409,
          `destination ${id} is used by watch ${user.id}; remove it there first`,
        )
      }
    })
    return c.body(null, 204)
  })
