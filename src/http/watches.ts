// /api/watches: create (the query is parsed and refused with its position if invalid), list, get,
// update, delete. Each route parses and calls one function of src/config/entries.ts.
import { Hono } from 'hono'
import { addWatch, findEntry, removeConfigEntry, updateWatch } from '../config/entries'
import { loadConfig } from '../store/config'
import { entryDeps, type AppEnv } from './app-env'
import { describe, jsonBody } from './contract'
import { watchInput, watchPatch } from './validate'

export const watchRoutes = new Hono<AppEnv>()
  .get('/', describe({ summary: 'List watches', responses: { 200: '{ watches }' } }), async (c) =>
    c.json({ watches: (await loadConfig(c.env)).watches }),
  )
  .get(
    '/:id',
    describe({ summary: 'Get a watch', responses: { 200: '{ watch }', 404: 'no such watch' } }),
    async (c) =>
      c.json({ watch: findEntry(await loadConfig(c.env), 'watches', c.req.param('id')) }),
  )
  .post(
    '/',
    describe({
      summary: 'Add a watch',
      responses: {
        201: '{ watch }',
        400: 'invalid field, unknown destination or feed, or a query error with its position',
        409: 'id already used',
      },
    }),
    jsonBody(watchInput),
    async (c) => c.json({ watch: await addWatch(entryDeps(c), c.req.valid('json')) }, 201),
  )
  .patch(
    '/:id',
    describe({
      summary: 'Change a watch',
      responses: { 200: '{ watch }', 400: 'invalid field', 404: 'no such watch' },
    }),
    jsonBody(watchPatch),
    async (c) =>
      c.json({ watch: await updateWatch(entryDeps(c), c.req.param('id'), c.req.valid('json')) }),
  )
  .delete(
    '/:id',
    describe({ summary: 'Delete a watch', responses: { 204: 'deleted', 404: 'no such watch' } }),
    async (c) => {
      await removeConfigEntry(entryDeps(c), 'watches', c.req.param('id'))
      return c.body(null, 204)
    },
  )
