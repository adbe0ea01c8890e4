// A set-up several integration tests share: `count` feeds named `prefix-i` served by the loopback
// server under `/<area>/<prefix>/<i>.xml`, tagged `prefix`, a webhook destination on the loopback
// receiver at `/<area>/<prefix>/hook`, and a watch for `belgorod` on the tag. Each feed's body is
// scripted by `publish`, with an ETag per version so that an unchanged feed answers 304.
import { expect } from 'vitest'
import { rss, type TestItem } from './feeds'
import { loopbackUrl, script } from './loopback'
import { api } from './worker'

export interface TaggedFeeds {
  /** The receiver's path. */
  hook: string
  /** Serves feed `i` with `items`, as its `version`. */
  publish: (i: number, items: TestItem[], version: number) => Promise<string>
}

export async function setUpTaggedFeeds(options: {
  area: string
  prefix: string
  count: number
  /** Items every feed starts with. */
  initial: TestItem[]
  /** Extra fields of each feed (e.g. `intervalMinutes`). */
  feed?: Record<string, unknown>
}): Promise<TaggedFeeds> {
  const { area, prefix, count } = options
  const hook = `/${area}/${prefix}/hook`
  await script(hook, { status: 204 })
  const publish = (i: number, items: TestItem[], version: number) =>
    script(`/${area}/${prefix}/${i}.xml`, {
      body: rss(`Fil ${prefix} ${i}`, items),
      etag: `"${prefix}-${i}-${version}"`,
    })
  const destination = await api('POST', '/api/destinations', {
    id: `d-${prefix}`,
    name: prefix,
    type: 'webhook',
    url: `${loopbackUrl()}${hook}`,
  })
  expect(destination.status).toBe(201)
  for (let i = 0; i < count; i++) {
    await publish(i, options.initial, 0)
    const feed = await api('POST', '/api/feeds', {
      id: `${prefix}-${i}`,
      url: `${loopbackUrl()}/${area}/${prefix}/${i}.xml`,
      discover: false,
      tags: [prefix],
      ...options.feed,
    })
    expect(feed.status).toBe(201)
  }
  const watch = await api('POST', '/api/watches', {
    id: `w-${prefix}`,
    name: prefix,
    query: 'belgorod',
    scope: { tags: [prefix] },
    destinations: [`d-${prefix}`],
  })
  expect(watch.status).toBe(201)
  return { hook, publish }
}
