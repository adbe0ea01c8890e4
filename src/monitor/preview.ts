// Trying a query before saving it: against items given, or against the current items of the
// configured feeds, fetched live (fetch → parse → match, the same stages a tick runs). The text
// matched is bounded (MAX_PREVIEW_CHARS, src/http/limits.ts): given items past it are refused;
// live items past it are left out and the answer says so. Not responsible for parsing the request.
import type { Feed } from '../model'
import { fetchFeed, parseFeed } from '../ingest'
import { previewQuery, type PreviewItem, type PreviewResult } from '../watch'
import { ConfigError, errorMessage } from '../lib/errors'
import { redactUrlsIn } from '../lib/redact'
import { MAX_PREVIEW_CHARS } from '../http/limits'

/** Live previews fetch at most this many feeds: each is a subrequest (50 on the free plan). */
export const PREVIEW_MAX_FEEDS = 10

type MatchOptions = { stem?: boolean; transliterate?: boolean }

/** Given items whose text is past the bound (answered 413). */
export class PreviewTooLargeError extends ConfigError {}

/** The characters of text an item gives the matcher. */
function textLength(item: PreviewItem): number {
  let n = (item.title?.length ?? 0) + (item.summary?.length ?? 0) + (item.content?.length ?? 0)
  n += (item.url?.length ?? 0) + (item.author?.length ?? 0) + (item.lang?.length ?? 0)
  for (const category of item.categories ?? []) n += category.length
  return n
}

/** `query` tried on `items`; a PreviewTooLargeError past MAX_PREVIEW_CHARS. */
export function previewOnItems(
  query: string,
  items: PreviewItem[],
  options?: MatchOptions,
): PreviewResult[] {
  const total = items.reduce((sum, item) => sum + textLength(item), 0)
  if (total > MAX_PREVIEW_CHARS) {
    throw new PreviewTooLargeError(
      'items',
      `${total} characters of text in all; the limit is ${MAX_PREVIEW_CHARS}`,
    )
  }
  return previewQuery(query, items, options)
}

export interface LivePreview {
  results: Array<PreviewResult & { feedId?: string; title?: string; url?: string }>
  feeds: number
  errors: Array<{ feedId: string; error: string }>
  truncated?: string
}

/** `query` tried on the current items of the first enabled `feeds`, fetched now. */
export async function previewOnFeeds(
  query: string,
  feeds: Feed[],
  options: MatchOptions | undefined,
  deps: { fetch: typeof fetch },
): Promise<LivePreview> {
  const polled = feeds.filter((f) => f.enabled).slice(0, PREVIEW_MAX_FEEDS)
  const fetched = await Promise.allSettled(
    polled.map(async (feed) => {
      const res = await fetchFeed({ url: feed.url, headers: feed.headers }, { fetch: deps.fetch })
      if (res.kind !== 'ok') return []
      return parseFeed(res.body, { url: res.url, contentType: res.contentType }).items
    }),
  )
  const items: Array<{ feedId: string; preview: PreviewItem & { title: string } }> = []
  const errors: Array<{ feedId: string; error: string }> = []
  let budget = MAX_PREVIEW_CHARS
  let truncated = false
  fetched.forEach((r, i) => {
    const feedId = polled[i]?.id ?? ''
    if (r.status === 'rejected') {
      errors.push({ feedId, error: redactUrlsIn(errorMessage(r.reason)) })
      return
    }
    for (const item of r.value) {
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
    query,
    items.map((i) => i.preview),
    options,
  ).map((result, i) => ({
    ...result,
    feedId: items[i]?.feedId,
    title: items[i]?.preview.title,
    url: items[i]?.preview.url,
  }))
  return {
    results,
    feeds: polled.length,
    errors,
    // Items past the text budget were not tried: the first ones of each feed were.
    ...(truncated ? { truncated: `stopped at ${MAX_PREVIEW_CHARS} characters of text` } : {}),
  }
}
