// /api/config: the whole configuration as a document (export; import with `?dryRun=true` for the
// diff only) and feeds as OPML. Each route parses and calls one function of the configuration
// service (src/config/service.ts); the rules are there and in src/config/portable.ts.
import { Hono } from 'hono'
import { addressPolicyOf } from '../lib/address-guard'
import { exportCurrentConfig, exportOpml, importConfig, importOpml } from '../config/service'
import { newId, type AppEnv } from './app-env'
import { describe, jsonBody, type QueryParam } from './contract'
import { dryRunParam, portableConfig } from './validate'

const dryRun: QueryParam = {
  name: 'dryRun',
  description: '`true`: answer what would change and change nothing',
  schema: dryRunParam,
}

const isDryRun = (value: string | undefined): boolean => value === 'true'

export const configRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Export the whole configuration (credentials left out, marked { "set": true })',
      responses: { 200: 'the configuration document, as PUT /api/config takes it' },
    }),
    async (c) => c.json(await exportCurrentConfig(c.env)),
  )
  .put(
    '/',
    describe({
      summary: 'Import a whole configuration document, replacing the current one',
      description:
        'Entries are matched by id. A credential marked { "set": true } keeps the stored value. ' +
        'New webhooks without a secret get one, shown once in `secrets`.',
      query: [dryRun],
      responses: {
        200: 'the diff applied (or, with dryRun, the diff it would apply)',
        400: 'a field of the document is invalid (named from the document root)',
        409: 'two entries share an id or a feed URL',
      },
    }),
    jsonBody(portableConfig),
    async (c) => {
      const result = await importConfig(
        c.env,
        c.get('deps').now(),
        c.req.valid('json'),
        addressPolicyOf(c.env),
        isDryRun(c.req.query('dryRun')),
      )
      return c.json(result)
    },
  )
  .get(
    '/opml',
    describe({
      summary: 'Export the feeds as OPML 2.0 (folders from each feed’s first tag)',
      produces: 'text/x-opml',
      responses: { 200: 'the OPML document' },
    }),
    async (c) => {
      c.header('content-type', 'text/x-opml; charset=utf-8')
      return c.body(await exportOpml(c.env, c.get('deps').now()))
    },
  )
  .post(
    '/opml',
    describe({
      summary: 'Add the feeds of an OPML file that are not configured yet (folders become tags)',
      rawBody: { media: 'text/x-opml', description: 'an OPML document' },
      query: [dryRun],
      responses: {
        200: 'the feeds added (or that would be) and the URLs already configured',
        400: 'not OPML, or a listed feed is invalid (named by position and line)',
      },
    }),
    async (c) => {
      const result = await importOpml(
        c.env,
        c.get('deps').now(),
        await c.req.text(),
        addressPolicyOf(c.env),
        () => newId('f_'),
        isDryRun(c.req.query('dryRun')),
      )
      return c.json(result)
    },
  )
