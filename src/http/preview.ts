// POST /api/preview: try a query before saving it, against items given in the body or, without
// them, against the current items of the configured feeds (fetched live, a few feeds at most).
// Either way the text matched is bounded (MAX_PREVIEW_CHARS): given items past it are refused with
// 413; live items past it are left out and the answer says so.
import { Hono } from 'hono'
import { fetchFeed, parseFeed } from '../ingest'
import { previewQuery, type PreviewItem } from '../watch'
import { errorMessage } from '../lib/errors'
import { redactUrlsIn } from '../lib/redact'
import { loadConfig } from '../store/config'
import type { AppEnv } from './app-env'
import { readJson } from './body'
import { ApiError } from './errors'
import { MAX_PREVIEW_CHARS } from './limits'
import { parseBody, previewInput } from './validate'

/** Live previews fetch at most this many feeds: each is a subrequest (50 on the free plan). */
export const PREVIEW_MAX_FEEDS = 10

/** The characters of text an item gives the matcher. */
function textLength(item: PreviewItem): number {
  let n = (item.title?.length ?? 0) + (item.summary?.length ?? 0) + (item.content?.length ?? 0)
  n += (item.url?.length ?? 0) + (item.author?.length ?? 0) + (item.lang?.length ?? 0)
  for (const category of item.categories ?? []) n += category.length
  return n
}

export const previewRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const input = parseBody(previewInput, await readJson(c))
  if (input.items) {
    const total = input.items.reduce((sum, item) => sum + textLength(item), 0)
    if (total > MAX_PREVIEW_CHARS) {
      throw new ApiError(
        413,
        `items: ${total} characters of text in all; the limit is ${MAX_PREVIEW_CHARS}`,
        { field: 'items' },
      )
    }
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
  let budget = MAX_PREVIEW_CHARS
  let truncated = false
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
      const preview = {
        title: item.title,
        summary: item.summary,
        content: item.content,
        url: item.url,
        lang: item.lang,
        author: item.author,
        categories: item.categories,
      }
      budget -= textLength(preview)
      if (budget < 0) {
        truncated = true
        break
      }
      items.push({ feedId, preview })
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
  return c.json({
    results,
    feeds: feeds.length,
    errors,
    // Items past the text budget were not tried: the first ones of each feed were.
    ...(truncated ? { truncated: `stopped at ${MAX_PREVIEW_CHARS} characters of text` } : {}),
  })
})
