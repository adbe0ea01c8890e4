// Request-body validation at the boundary (STYLE.md habit 6): every body is parsed into a typed
// value or refused with a 400 that names the field. zod does the walking; this file holds the
// schemas and turns zod's issues into Feedwatch's error shape.
import { z } from 'zod'
import { ConfigError } from '../lib/errors'

/** Ids are chosen by the user or generated; they appear in URLs and alert payloads. */
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 lower-case letters, digits, - or _')

const httpUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .refine((s) => {
    try {
      const u = new URL(s)
      return u.protocol === 'http:' || u.protocol === 'https:'
    } catch {
      return false // not a URL at all: reported by the message below
    }
  }, 'must be an absolute http(s) URL')

export const feedInput = z.strictObject({
  id: id.optional(),
  url: httpUrl,
  title: z.string().trim().max(200).optional(),
  intervalMinutes: z.number().int().min(1).max(1440).optional(),
  enabled: z.boolean().default(true),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string())
    .optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  backfill: z.number().int().min(0).max(100).optional(),
  maxItemAgeHours: z
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
  /** Fetch the URL first: refuse one that does not answer, find the feed of an HTML page. */
  discover: z.boolean().default(true),
})

export const watchInput = z.strictObject({
  id: id.optional(),
  name: z.string().trim().min(1, 'is required').max(200),
  query: z.string().min(1, 'is required').max(4000),
  scope: z
    .strictObject({ feeds: z.array(z.string()).optional(), tags: z.array(z.string()).optional() })
    .default({}),
  destinations: z.array(z.string()).min(1, 'needs at least one destination id'),
  mode: z
    .literal('instant', { message: 'only "instant" is supported (digests are not built yet)' })
    .default('instant'),
  enabled: z.boolean().default(true),
  options: z
    .strictObject({ stem: z.boolean().optional(), transliterate: z.boolean().optional() })
    .optional(),
})

export const destinationInput = z.strictObject({
  id: id.optional(),
  name: z.string().trim().min(1, 'is required').max(200),
  type: z.string(),
  url: httpUrl,
  secret: z.string().optional(),
  enabled: z.boolean().default(true),
})

const previewItem = z.strictObject({
  title: z.string().optional(),
  summary: z.string().optional(),
  content: z.string().optional(),
  url: z.string().optional(),
  lang: z.string().optional(),
  author: z.string().optional(),
  categories: z.array(z.string()).optional(),
})

export const previewInput = z.strictObject({
  query: z.string().min(1, 'is required').max(4000),
  items: z.array(previewItem).max(500).optional(),
  options: z
    .strictObject({ stem: z.boolean().optional(), transliterate: z.boolean().optional() })
    .optional(),
})

/** Parses `body` with `schema`, or throws a ConfigError naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.length ? formatPath(issue.path) : '(body)'
  throw new ConfigError(field, issue?.message ?? 'is invalid')
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('')
}
