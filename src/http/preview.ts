// POST /api/preview: try a query before saving it, against items given in the body or, without
// them, against the current items of the configured feeds (fetched live, a few feeds at most).
import { Hono } from 'hono'
import { fetchFeed, parseFeed } from '../ingest'
import { previewQuery, type PreviewItem } from '../watch'
import { errorMessage } from '../lib/errors'
import { redactUrlsIn } from '../lib/redact'
import { loadConfig } from '../store/config'
import type { AppEnv } from './app-env'
import { parseBody, previewInput } from './validate'

/** Live previews fetch at most this many feeds: each is a subrequest (50 on the free plan). */
export const PREVIEW_MAX_FEEDS = 10

export const previewRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const input = parseBody(previewInput, await c.req.json().catch(() => undefined))
  if (input.items) {
    return c.json({ results: previewQuery(input.query, input.items, input.options) })
  }
  const config = await loadConfig(c.env)
  const feeds = config.feeds.filter((f) => f.enabled).slice(0, PREVIEW_MAX_FEEDS)
  const deps = c.get('deps')
  const fetched = await Promise.allSettled(
    feeds.map(async (feed) => {
      const res = await fetchFeed({ url: feed.url, headers: feed.headers }, { fetch: deps.fetch })
      if (res.kind !== 'ok') return []
      const parsed = parseFeed(res.body, { url: res.url, contentType: res.contentType })
      return parsed.items.map((item) => ({ feedId: feed.id, item }))
    }),
  )
  const items: Array<{ feedId: string; preview: PreviewItem & { title: string } }> = []
  const errors: Array<{ feedId: string; error: string }> = []
  fetched.forEach((r, i) => {
    const feedId = feeds[i]?.id ?? ''
    if (r.status === 'rejected') {
      errors.push({
        feedId,
        error: redactUrlsIn(errorMessage(r.reason)),
      })
      return
    }
    for (const { item } of r.value) {
      items.push({
        feedId,
        preview: {
          title: item.title,
          summary: item.summary,
          content: item.content,
          url: item.url,
          lang: item.lang,
          author: item.author,
          categories: item.categories,
        },
      })
    }
  })
  const results = previewQuery(
    input.query,
    items.map((i) => i.preview),
    input.options,
  ).map((result, i) => ({
    ...result,
    feedId: items[i]?.feedId,
    title: items[i]?.preview.title,
    url: items[i]?.preview.url,
  }))
  return c.json({ results, feeds: feeds.length, errors })
})
