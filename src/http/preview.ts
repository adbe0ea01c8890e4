// POST /api/preview: try a query before saving it, against items given in the body or, without
// them, against the current items of the configured feeds, fetched live (src/monitor/preview.ts
// does both, within MAX_PREVIEW_CHARS).
import { Hono } from 'hono'
import { previewOnFeeds, previewOnItems } from '../monitor/preview'
import { loadConfig } from '../store/config'
import type { AppEnv } from './app-env'
import { describe, jsonBody } from './contract'
import { previewInput } from './validate'

export const previewRoutes = new Hono<AppEnv>().post(
  '/',
  describe({
    summary: 'Try a query on given items, or on the configured feeds’ current items',
    responses: {
      200: '{ results, feeds?, errors?, truncated? }',
      400: 'invalid field, or a query error with its position',
      413: 'the items’ text is past the limit',
    },
  }),
  jsonBody(previewInput),
  async (c) => {
    const { query, items, options } = c.req.valid('json')
    if (items) return c.json({ results: previewOnItems(query, items, options) })
    const { feeds } = await loadConfig(c.env)
    return c.json(await previewOnFeeds(query, feeds, options, c.get('deps')))
  },
)
