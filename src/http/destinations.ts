// /api/destinations: create, list, get, update (rename, pause, rotate a credential, change the
// schedule), delete (refused while a watch sends to it: src/config/integrity.ts). The rules are in
// src/config/entries.ts and src/config/destination-shape.ts; URLs, secrets and tokens are credentials: stored,
// never shown again. A webhook secret the user did not supply is generated and shown once, in the
// creation answer, because the receiver needs it to verify signatures.
import { Hono } from 'hono'
import { addDestination, findEntry, removeConfigEntry, updateDestination } from '../config/entries'
import { loadConfig } from '../store/config'
import { entryDeps, type AppEnv } from './app-env'
import { describe, jsonBody } from './contract'
import { publicDestination } from './redact'
import { destinationInput, destinationPatch } from './validate'

export const destinationRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'List destinations', responses: { 200: '{ destinations }' } }),
    async (c) => {
      const config = await loadConfig(c.env)
      return c.json({ destinations: config.destinations.map(publicDestination) })
    },
  )
  .get(
    '/:id',
    describe({
      summary: 'Get a destination',
      responses: { 200: '{ destination }', 404: 'no such destination' },
    }),
    async (c) => {
      const config = await loadConfig(c.env)
      const destination = findEntry(config, 'destinations', c.req.param('id'))
      return c.json({ destination: publicDestination(destination) })
    },
  )
  .post(
    '/',
    describe({
      summary: 'Add a destination',
      responses: {
        201: '{ destination, secret? } (a generated webhook secret, shown this once)',
        400: 'invalid field, or a field the type does not take',
        409: 'id already used',
      },
    }),
    jsonBody(destinationInput),
    async (c) => {
      const { destination, secret } = await addDestination(entryDeps(c), c.req.valid('json'))
      // The generated secret is shown this once: store it where the receiver can read it.
      return c.json({ destination: publicDestination(destination), secret }, 201)
    },
  )
  .patch(
    '/:id',
    describe({
      summary: 'Change a destination (rename, pause, rotate a credential, change the schedule)',
      responses: { 200: '{ destination }', 400: 'invalid field', 404: 'no such destination' },
    }),
    jsonBody(destinationPatch),
    async (c) => {
      const id = c.req.param('id')
      const destination = await updateDestination(entryDeps(c), id, c.req.valid('json'))
      return c.json({ destination: publicDestination(destination) })
    },
  )
  .delete(
    '/:id',
    describe({
      summary: 'Delete a destination (refused while a watch sends to it)',
      responses: { 204: 'deleted', 404: 'no such destination', 409: 'a watch sends to it' },
    }),
    async (c) => {
      await removeConfigEntry(entryDeps(c), 'destinations', c.req.param('id'))
      return c.body(null, 204)
    },
  )
