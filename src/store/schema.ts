// What stored documents must look like when they are read back: the configuration (from its Durable
// Object) and the feed-state shards (from KV). A stored document is input like any other
// (docs/decisions.md, 16): a corrupt one is reported with its key and the offending field, never
// trusted. Validation only checks; the value read is returned as it was.
// Not responsible for request bodies (src/http/validate.ts holds those stricter rules).
import * as z from 'zod/mini'
import { en } from 'zod/v4/locales'
import { ConfigError } from '../lib/errors'

// zod/mini ships no messages of its own (the same single locale as src/http/validate.ts).
z.config(en())

const str = z.string()
const strings = z.array(z.string())
const count = z.int().check(z.minimum(0))

const feed = z.looseObject({
  id: str,
  url: str,
  title: z.optional(str),
  intervalMinutes: z.optional(z.number()),
  enabled: z.boolean(),
  headers: z.optional(z.record(str, str)),
  tags: strings,
  backfill: z.optional(z.number()),
  maxItemAgeHours: z.optional(z.number()),
})

const watch = z.looseObject({
  id: str,
  name: str,
  query: str,
  scope: z.looseObject({ feeds: z.optional(strings), tags: z.optional(strings) }),
  destinations: strings,
  mode: z.enum(['instant', 'digest']),
  enabled: z.boolean(),
  options: z.optional(
    z.looseObject({ stem: z.optional(z.boolean()), transliterate: z.optional(z.boolean()) }),
  ),
})

const destination = z.looseObject({
  id: str,
  name: str,
  type: str,
  enabled: z.boolean(),
  url: z.optional(str),
  secret: z.optional(str),
  to: z.optional(strings),
})

export const configSchema = z.looseObject({
  schema: z.literal(1),
  version: count,
  updatedAt: str,
  feeds: z.array(feed),
  watches: z.array(watch),
  destinations: z.array(destination),
  healthDestinations: z.optional(strings),
})

export const feedStateSchema = z.looseObject({
  url: str,
  etag: z.optional(str),
  lastModified: z.optional(str),
  bodyHash: z.optional(str),
  intervalMinutes: z.number().check(z.positive()),
  failures: count,
  notBefore: z.optional(str),
  health: z.enum(['pending', 'ok', 'error']),
  checkedAt: z.optional(str),
  lastSuccessAt: z.optional(str),
  seen: z.array(z.tuple([str, z.number()])),
  stories: z.optional(strings),
  warnings: z.optional(strings),
  published: z.optional(z.array(z.number())),
  announced: z.optional(z.enum(['broken', 'silent'])),
})

/** The shard document around its feeds; each feed's state is checked on its own. */
export const shardSchema = z.looseObject({
  schema: z.literal(1),
  shard: count,
  writtenAt: str,
  lastTick: z.optional(z.looseObject({ at: str, errors: strings })),
  feeds: z.record(str, z.unknown()),
  watchStats: z.optional(
    z.record(str, z.looseObject({ total: count, day: str, today: count, lastMatchAt: str })),
  ),
})

/** `value` as T when it fits `schema`; else a ConfigError naming `where` and the first bad field. */
export function checkStored<T>(schema: z.ZodMiniType, value: unknown, where: string): T {
  const result = schema.safeParse(value)
  if (result.success) return value as T
  const issue = result.error.issues[0]
  const path = (issue?.path ?? [])
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('')
  throw new ConfigError(path ? `${where} ${path}` : where, issue?.message ?? 'is invalid')
}
