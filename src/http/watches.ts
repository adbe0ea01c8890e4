// /api/watches: create (the query is parsed and refused with its position if invalid), list, get,
// update, delete.
import { Hono } from 'hono'
import type { Watch } from '../model'
import { parseQuery } from '../watch'
import { loadConfig, updateConfig, type ConfigDoc } from '../store/config'
import { newId, type AppEnv } from './app-env'
import { readJson } from './body'
import { assertNewId, findById, removeById, updateById } from './collection'
import { resolveDelivery } from './delivery-mode'
import { ApiError } from './errors'
import { parseBody, watchInput, watchPatch } from './validate'

/** Refuses a watch that names destinations or feeds the configuration does not have. */
function checkReferences(watch: Watch, config: ConfigDoc): void {
  watch.destinations.forEach((d, i) => {
    if (!config.destinations.some((x) => x.id === d)) {
      throw new ApiError(400, `destinations[${i}]: no destination with id ${d}`, {
        field: `destinations[${i}]`,
      })
    }
  })
  ;(watch.scope.feeds ?? []).forEach((f, i) => {
    if (!config.feeds.some((x) => x.id === f)) {
      throw new ApiError(400, `scope.feeds[${i}]: no feed with id ${f}`, {
        field: `scope.feeds[${i}]`,
      })
    }
  })
}

export const watchRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ watches: config.watches })
  })
  .get('/:id', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ watch: findById(config.watches, c.req.param('id'), 'watches') })
  })
  .post('/', async (c) => {
    const { digest, ...input } = parseBody(watchInput, await readJson(c))
    parseQuery(input.query) // throws QueryError → 400 with the position
    const delivery = resolveDelivery(input.mode, digest, digest !== undefined)
    const watch: Watch = { ...input, ...delivery, mode: input.mode, id: input.id ?? newId('w_') }
    await updateConfig(c.env, c.get('deps').now(), (config) => {
      assertNewId(config.watches, watch.id, 'watches')
      checkReferences(watch, config)
      return { ...config, watches: [...config.watches, watch] }
    })
    return c.json({ watch }, 201)
  })
  .patch('/:id', async (c) => {
    const { digest, ...patch } = parseBody(watchPatch, await readJson(c))
    if (patch.query !== undefined) parseQuery(patch.query)
    const watch = await updateById(
      c.env,
      c.get('deps').now(),
      'watches',
      c.req.param('id'),
      (w, config) => {
        const mode = patch.mode ?? w.mode
        const delivery = resolveDelivery(
          mode,
          digest ?? (mode === 'digest' ? w.digest : undefined),
          digest !== undefined,
        )
        const { digest: _, ...rest } = w
        const next: Watch = { ...rest, ...patch, ...delivery, mode }
        checkReferences(next, config)
        return next
      },
    )
    return c.json({ watch })
  })
  .delete('/:id', async (c) => {
    await removeById(c.env, c.get('deps').now(), 'watches', c.req.param('id'))
    return c.body(null, 204)
  })
