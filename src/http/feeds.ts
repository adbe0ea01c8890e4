// /api/feeds: create (with autodiscovery, src/monitor/discover-feed.ts), list, get, update,
// delete (which also cleans the watches scoped to the feed: src/config/integrity.ts). Each route
// parses and calls one function of src/config/entries.ts, where the rules live.
import { Hono } from 'hono'
import { addFeed, findEntry, removeConfigEntry, updateFeed } from '../config/entries'
import { loadConfig } from '../store/config'
import { entryDeps, type AppEnv } from './app-env'
import { describe, jsonBody } from './contract'
import { publicFeed } from './redact'
import { feedInput, feedPatch } from './validate'

export const feedRoutes = new Hono<AppEnv>()
  .get('/', describe({ summary: 'List feeds', responses: { 200: '{ feeds }' } }), async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ feeds: config.feeds.map(publicFeed) })
  })
  .get(
    '/:id',
    describe({ summary: 'Get a feed', responses: { 200: '{ feed }', 404: 'no such feed' } }),
    async (c) => {
      const config = await loadConfig(c.env)
      return c.json({ feed: publicFeed(findEntry(config, 'feeds', c.req.param('id'))) })
    },
  )
  .post(
    '/',
    describe({
      summary: 'Add a feed (a site URL is resolved to its feed unless discover is false)',
      responses: {
        201: '{ feed, discovery? }',
        400: 'invalid field',
        409: 'id or URL already used',
        422: 'the URL cannot be fetched or has no feed',
      },
    }),
    jsonBody(feedInput),
    async (c) => {
      const { feed, discovery } = await addFeed(entryDeps(c), c.req.valid('json'))
      return c.json({ feed: publicFeed(feed), discovery }, 201)
    },
  )
  .patch(
    '/:id',
    describe({
      summary: 'Change a feed (not its URL)',
      responses: { 200: '{ feed }', 400: 'invalid field', 404: 'no such feed' },
    }),
    jsonBody(feedPatch),
    async (c) => {
      const feed = await updateFeed(entryDeps(c), c.req.param('id'), c.req.valid('json'))
      return c.json({ feed: publicFeed(feed) })
    },
  )
  .delete(
    '/:id',
    describe({
      summary: 'Delete a feed, and clean the watches scoped to it',
      description:
        'The feed leaves every watch scope; a watch whose scope named only deleted feeds (and no ' +
        'tags) is deleted with it. The answer lists both.',
      responses: { 200: '{ watchesChanged, watchesRemoved }', 404: 'no such feed' },
    }),
    async (c) => c.json(await removeConfigEntry(entryDeps(c), 'feeds', c.req.param('id'))),
  )
