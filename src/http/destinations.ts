// /api/destinations: create, list, get, update (rename, pause, rotate a credential, change the
// schedule), delete. What each type takes is checked by destination-shape.ts; URLs, secrets and
// tokens are credentials: stored, never shown again. A webhook secret the user did not supply is
// generated and shown once, in the creation answer, because the receiver needs it to verify
// signatures.
import { Hono } from 'hono'
import type { Destination } from '../model'
import { generateSecret } from '../deliver/sign'
import { addressPolicyOf } from '../lib/address-guard'
import { ConfigError } from '../lib/errors'
import { loadConfig, updateConfig } from '../store/config'
import { enableDestination } from '../store/deliveries'
import { newId, type AppEnv } from './app-env'
import { readJson } from './body'
import { assertNewId, findById, removeById, updateById } from './collection'
import { resolveDelivery } from './delivery-mode'
import { DESTINATION_TYPES, checkShape, isDestinationType } from './destination-shape'
import { ApiError } from './errors'
import { publicDestination } from './redact'
import { destinationInput, destinationPatch, parseBody } from './validate'

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
    const input = parseBody(destinationInput, await readJson(c))
    const { id, name, type, enabled, mode, digest, ...fields } = input
    if (!isDestinationType(type)) {
      throw new ConfigError('type', `must be one of ${DESTINATION_TYPES.join(', ')}`)
    }
    const shape = checkShape(type, fields, addressPolicyOf(c.env))
    const delivery = resolveDelivery(mode, digest, digest !== undefined)
    const generated =
      type === 'webhook' && shape.secret === undefined ? generateSecret() : undefined
    const destination: Destination = {
      id: id ?? newId('d_'),
      name,
      type,
      ...shape,
      ...(generated === undefined ? {} : { secret: generated }),
      ...delivery,
      enabled,
    }
    await updateConfig(c.env, c.get('deps').now(), (config) => {
      assertNewId(config.destinations, destination.id, 'destinations')
      return { ...config, destinations: [...config.destinations, destination] }
    })
    // The generated secret is shown this once: store it where the receiver can read it.
    return c.json({ destination: publicDestination(destination), secret: generated }, 201)
  })
  .patch('/:id', async (c) => {
    const patch = parseBody(destinationPatch, await readJson(c))
    const { name, enabled, mode, digest, ...fields } = patch
    const policy = addressPolicyOf(c.env)
    const id = c.req.param('id')
    const destination = await updateById(c.env, c.get('deps').now(), 'destinations', id, (d) => {
      const { url, secret, token, chatId, apiBase, to } = d
      // The whole shape is checked again, so a field the type does not take is refused by name.
      const shape = checkShape(
        d.type,
        { url, secret, token, chatId, apiBase, to, ...fields },
        policy,
      )
      const nextMode = mode ?? d.mode
      const delivery = resolveDelivery(
        nextMode,
        digest ?? (nextMode === 'digest' ? d.digest : undefined),
        digest !== undefined,
      )
      const { digest: _, mode: __, ...rest } = d
      return {
        ...rest,
        ...shape,
        ...delivery,
        ...(name === undefined ? {} : { name }),
        ...(enabled === undefined ? {} : { enabled }),
      }
    })
    // Turning a destination on also clears the ledger's "disabled after permanent answers" state:
    // a user who fixed it and says `enabled: true` means "send again" (same as /enable).
    if (enabled === true) await enableDestination(c.env, id)
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
