// /api/feeds: create (with autodiscovery), list, get, update, delete. The URL, discovered feed
// links and every redirect pass the address guard (src/lib/address-guard.ts); per-feed headers are
// checked by feed-headers.ts before they are stored.
import { Hono } from 'hono'
import type { Feed } from '../model'
import {
  COMMON_FEED_PATHS,
  FetchError,
  discoverFeeds,
  fetchFeed,
  looksLikeFeed,
  type DiscoveredFeed,
} from '../ingest'
import {
  addressPolicyOf,
  assertPublicUrl,
  isAllowedUrl,
  type AddressPolicy,
} from '../lib/address-guard'
import { errorMessage } from '../lib/errors'
import { redactFeedUrl, redactUrlsIn } from '../lib/redact'
import { loadConfig, updateConfig } from '../store/config'
import { newId, type AppDeps, type AppEnv } from './app-env'
import { readJson } from './body'
import { assertNewId, findById, removeById, updateById } from './collection'
import { checkFeedHeaders } from './feed-headers'
import { ApiError } from './errors'
import { publicFeed } from './redact'
import { feedInput, feedPatch, parseBody } from './validate'

/** What autodiscovery found, returned with the created feed so the user sees what was stored. */
interface Discovery {
  requested: string
  found: string
  via: 'direct' | 'link-alternate' | 'common-path'
  candidates: DiscoveredFeed[]
}

const decoder = new TextDecoder()

/**
 * Resolves the URL a user gave to a feed URL: itself if it serves a feed, else the first
 * `<link rel="alternate">` feed of the HTML page that the address guard allows, else the first
 * common feed path that serves one. `deps.fetch` is guarded, so redirects are checked too.
 */
async function discover(
  url: string,
  headers: Record<string, string> | undefined,
  deps: AppDeps,
  policy: AddressPolicy,
): Promise<Discovery> {
  let page
  try {
    page = await fetchFeed({ url, headers }, { fetch: deps.fetch })
  } catch (cause) {
    throw new ApiError(422, `url: could not fetch it: ${redactUrlsIn(errorMessage(cause))}`, {
      field: 'url',
    })
  }
  if (page.kind === 'not-modified' || looksLikeFeed(page.body, page.contentType)) {
    return { requested: url, found: page.url, via: 'direct', candidates: [] }
  }
  const candidates = discoverFeeds(decoder.decode(page.body), page.url).filter((f) =>
    isAllowedUrl(f.url, 'feed', policy),
  )
  const first = candidates[0]
  if (first) return { requested: url, found: first.url, via: 'link-alternate', candidates }
  for (const path of COMMON_FEED_PATHS) {
    const guess = new URL(path, page.url).toString()
    try {
      const res = await fetchFeed({ url: guess, headers }, { fetch: deps.fetch })
      if (res.kind === 'ok' && looksLikeFeed(res.body, res.contentType)) {
        return { requested: url, found: res.url, via: 'common-path', candidates: [] }
      }
    } catch (error) {
      if (!(error instanceof FetchError)) throw error
      // A missing common path is the normal case: try the next one.
    }
  }
  throw new ApiError(
    422,
    `url: ${redactFeedUrl(url)} is an HTML page with no feed link, and none of the common feed paths answered`,
    { field: 'url' },
  )
}

export const feedRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ feeds: config.feeds.map(publicFeed) })
  })
  .get('/:id', async (c) => {
    const config = await loadConfig(c.env)
    return c.json({ feed: publicFeed(findById(config.feeds, c.req.param('id'), 'feeds')) })
  })
  .post('/', async (c) => {
    const input = parseBody(feedInput, await readJson(c))
    checkFeedHeaders(input.headers)
    const policy = addressPolicyOf(c.env)
    assertPublicUrl(input.url, 'feed', policy)
    const deps = c.get('deps')
    const discovery = input.discover
      ? await discover(input.url, input.headers, deps, policy)
      : undefined
    const { discover: _, ...fields } = input
    const feed: Feed = {
      ...fields,
      id: input.id ?? newId('f_'),
      url: discovery?.found ?? input.url,
    }
    await updateConfig(c.env, deps.now(), (config) => {
      assertNewId(config.feeds, feed.id, 'feeds')
      if (config.feeds.some((f) => f.url === feed.url)) {
        throw new ApiError(409, `url: a feed with this URL already exists`, { field: 'url' })
      }
      return { ...config, feeds: [...config.feeds, feed] }
    })
    return c.json({ feed: publicFeed(feed), discovery }, 201)
  })
  .patch('/:id', async (c) => {
    const patch = parseBody(feedPatch, await readJson(c))
    checkFeedHeaders(patch.headers)
    const feed = await updateById(c.env, c.get('deps').now(), 'feeds', c.req.param('id'), (f) => ({
      ...f,
      ...patch,
    }))
    return c.json({ feed: publicFeed(feed) })
  })
  .delete('/:id', async (c) => {
    await removeById(c.env, c.get('deps').now(), 'feeds', c.req.param('id'))
    return c.body(null, 204)
  })
