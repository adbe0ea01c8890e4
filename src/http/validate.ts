// Request-body validation at the boundary (docs/architecture.md, "Conventions"): every body is parsed into a typed
// value or refused with a 400 that names the field. zod (its tree-shakable `mini` build: ~16 KB
// in the bundle against ~440 KB for the classic API) does the walking; this file holds the
// schemas and turns zod's issues into Feedwatch's error shape.
import * as z from 'zod/mini'
import { en } from 'zod/v4/locales'
import { ConfigError } from '../lib/errors'

// zod/mini ships no messages of its own; English only, so the bundle carries one locale.
z.config(en())

/** Ids are chosen by the user or generated; they appear in URLs and alert payloads. */
const id = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 lower-case letters, digits, - or _'))

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false // not a URL at all: reported by the message below
  }
}

const httpUrl = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'is required'),
    z.refine(isHttpUrl, 'must be an absolute http(s) URL'),
  )

const text = (min: number, max: number) =>
  z.string().check(z.trim(), z.minLength(min, 'is required'), z.maxLength(max))

const options = z.optional(
  z.strictObject({ stem: z.optional(z.boolean()), transliterate: z.optional(z.boolean()) }),
)

const feedTitle = text(0, 200)
const intervalMinutes = z.int().check(z.minimum(1), z.maximum(1440))
/** Names, values, count and sizes are checked by src/config/feed-headers.ts, which names the header. */
const headers = z.record(z.string(), z.string())
const tags = z.array(text(1, 50)).check(z.maxLength(20))
const backfill = z.int().check(z.minimum(0), z.maximum(100))
const maxItemAgeHours = z.number().check(z.minimum(0), z.maximum(24 * 365))

export const feedInput = z.strictObject({
  id: z.optional(id),
  url: httpUrl,
  title: z.optional(feedTitle),
  intervalMinutes: z.optional(intervalMinutes),
  enabled: z._default(z.boolean(), true),
  headers: z.optional(headers),
  tags: z._default(tags, []),
  backfill: z.optional(backfill),
  maxItemAgeHours: z.optional(maxItemAgeHours),
  /** Fetch the URL first: refuse one that does not answer, find the feed of an HTML page. */
  discover: z._default(z.boolean(), true),
})

/** PATCH /api/feeds/:id. The URL is not editable: a new URL is a new feed with its own history. */
export const feedPatch = z.strictObject({
  title: z.optional(feedTitle),
  intervalMinutes: z.optional(intervalMinutes),
  enabled: z.optional(z.boolean()),
  headers: z.optional(headers),
  tags: z.optional(tags),
  maxItemAgeHours: z.optional(maxItemAgeHours),
})

const name = text(1, 200)
const query = z.string().check(z.minLength(1, 'is required'), z.maxLength(4000))
const scope = z.strictObject({
  feeds: z.optional(z.array(z.string())),
  tags: z.optional(z.array(z.string())),
})
const destinationIds = z
  .array(z.string())
  .check(z.minLength(1, 'needs at least one destination id'))
const mode = z.enum(['instant', 'digest'], { error: 'must be "instant" or "digest"' })
/** Checked by src/config/delivery-mode.ts, which names the part of the schedule that is wrong. */
const digest = z.optional(z.unknown())

/** A watch's fields as created (POST /api/watches) and as imported in a configuration document. */
const watchFields = {
  name,
  query,
  scope: z._default(scope, {}),
  destinations: destinationIds,
  mode: z._default(mode, 'instant'),
  digest,
  enabled: z._default(z.boolean(), true),
  options,
}

export const watchInput = z.strictObject({ id: z.optional(id), ...watchFields })

export const watchPatch = z.strictObject({
  name: z.optional(name),
  query: z.optional(query),
  scope: z.optional(scope),
  destinations: z.optional(destinationIds),
  mode: z.optional(mode),
  digest,
  enabled: z.optional(z.boolean()),
  options,
})

/** Which of these a type takes, and their formats, is checked by src/config/destination-shape.ts. */
const destinationFields = {
  url: z.optional(z.string()),
  secret: z.optional(z.string()),
  token: z.optional(z.string()),
  chatId: z.optional(z.union([z.string(), z.number()])),
  apiBase: z.optional(z.string()),
  to: z.optional(z.union([z.string(), z.array(z.string())])),
  mode: z.optional(mode),
  digest,
}

export const destinationInput = z.strictObject({
  id: z.optional(id),
  name,
  type: z.string(),
  ...destinationFields,
  enabled: z._default(z.boolean(), true),
})

/** PATCH /api/destinations/:id: rename, pause, rotate a credential, change the schedule. */
export const destinationPatch = z.strictObject({
  name: z.optional(name),
  ...destinationFields,
  enabled: z.optional(z.boolean()),
})

const previewItem = z.strictObject({
  title: z.optional(z.string()),
  summary: z.optional(z.string()),
  content: z.optional(z.string()),
  url: z.optional(z.string()),
  lang: z.optional(z.string()),
  author: z.optional(z.string()),
  categories: z.optional(z.array(z.string())),
})

export const previewInput = z.strictObject({
  query: z.string().check(z.minLength(1, 'is required'), z.maxLength(4000)),
  items: z.optional(z.array(previewItem).check(z.maxLength(500))),
  options,
})

/** A credential in an exported document: stored, not shown; importing it keeps the stored one. */
export const SECRET_SET = { set: true } as const
const secretSet = z.strictObject({ set: z.literal(true) })
const secretOr = <S extends z.ZodMiniType>(schema: S) => z.optional(z.union([schema, secretSet]))

/** A feed in a configuration document (GET/PUT /api/config): stored fields, no discovery. */
export const portableFeed = z.strictObject({
  id,
  url: z.union([httpUrl, secretSet]),
  title: z.optional(feedTitle),
  intervalMinutes: z.optional(intervalMinutes),
  enabled: z._default(z.boolean(), true),
  headers: z.optional(z.record(z.string(), z.union([z.string(), secretSet]))),
  tags: z._default(tags, []),
  backfill: z.optional(backfill),
  maxItemAgeHours: z.optional(maxItemAgeHours),
})

/** A watch in a configuration document: as created, with its id required. */
export const portableWatch = z.strictObject({ id, ...watchFields })

export const portableDestination = z.strictObject({
  id,
  name,
  type: z.string(),
  url: secretOr(z.string()),
  secret: secretOr(z.string()),
  token: secretOr(z.string()),
  chatId: destinationFields.chatId,
  apiBase: secretOr(z.string()),
  to: destinationFields.to,
  mode: z.optional(mode),
  digest,
  enabled: z._default(z.boolean(), true),
})

/** The whole configuration as a document: what GET /api/config answers and PUT takes. */
export const portableConfig = z.strictObject({
  feedwatch: z.literal(1, { error: 'must be 1 (the document format version)' }),
  feeds: z._default(z.array(portableFeed), []),
  watches: z._default(z.array(portableWatch), []),
  destinations: z._default(z.array(portableDestination), []),
  /** Where health events go (docs/health.md): destination ids. */
  healthDestinations: z._default(z.array(z.string()), []),
})

export type PortableConfig = z.output<typeof portableConfig>

/** `?dryRun=true`: answer what would change, change nothing. */
export const dryRunParam = z.optional(z.enum(['true', 'false']))

/** Parses `body` with `schema`, or throws a ConfigError naming the first offending field. */
export function parseBody<S extends z.ZodMiniType>(
  schema: S,
  body: unknown,
  within?: string,
): z.output<S> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const at = (path: PropertyKey[]) =>
    within === undefined
      ? formatPath(path)
      : formatPath(path)
        ? `${within}.${formatPath(path)}`
        : within
  if (!issue) throw new ConfigError(within ?? '(body)', 'is invalid')
  if (issue.code === 'unrecognized_keys') {
    // Name the unknown field itself: a typo (`intervalMinute`) is then obvious.
    throw new ConfigError(at([...issue.path, issue.keys[0] ?? '']), 'is not a known field')
  }
  throw new ConfigError(issue.path.length ? at(issue.path) : (within ?? '(body)'), issue.message)
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('')
}
