// The checks of stored documents (src/store/schema.ts), against the zod schemas they replaced:
// the same documents accepted and refused, the first bad field named the same, over thousands of
// mutations of valid documents. Plus what a refusal says.
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { ConfigError } from '../../src/lib/errors'
import {
  checkStored,
  configSchema,
  feedStateSchema,
  shardSchema,
  type Check,
} from '../../src/store/schema'
import { prng } from '../support/prng'

// The zod schemas as they were before the hand-written checks (decision 28), kept as the reference.
const zs = z.string()
const zstrings = z.array(z.string())
const zcount = z.int().check(z.minimum(0))
const zfeed = z.looseObject({
  id: zs,
  url: zs,
  title: z.optional(zs),
  intervalMinutes: z.optional(z.number()),
  enabled: z.boolean(),
  headers: z.optional(z.record(zs, zs)),
  tags: zstrings,
  backfill: z.optional(z.number()),
  maxItemAgeHours: z.optional(z.number()),
})
const zwatch = z.looseObject({
  id: zs,
  name: zs,
  query: zs,
  scope: z.looseObject({ feeds: z.optional(zstrings), tags: z.optional(zstrings) }),
  destinations: zstrings,
  mode: z.enum(['instant', 'digest']),
  enabled: z.boolean(),
  options: z.optional(
    z.looseObject({ stem: z.optional(z.boolean()), transliterate: z.optional(z.boolean()) }),
  ),
})
const zdestination = z.looseObject({
  id: zs,
  name: zs,
  type: zs,
  enabled: z.boolean(),
  url: z.optional(zs),
  secret: z.optional(zs),
  to: z.optional(zstrings),
})
const zconfig = z.looseObject({
  schema: z.literal(1),
  version: zcount,
  updatedAt: zs,
  feeds: z.array(zfeed),
  watches: z.array(zwatch),
  destinations: z.array(zdestination),
  healthDestinations: z.optional(zstrings),
})
const zfeedState = z.looseObject({
  url: zs,
  etag: z.optional(zs),
  lastModified: z.optional(zs),
  bodyHash: z.optional(zs),
  intervalMinutes: z.number().check(z.positive()),
  failures: zcount,
  notBefore: z.optional(zs),
  health: z.enum(['pending', 'ok', 'error']),
  checkedAt: z.optional(zs),
  lastSuccessAt: z.optional(zs),
  seen: z.array(z.tuple([zs, z.number()])),
  stories: z.optional(zstrings),
  warnings: z.optional(zstrings),
  published: z.optional(z.array(z.number())),
  announced: z.optional(z.enum(['broken', 'silent'])),
})
const zshard = z.looseObject({
  schema: z.literal(1),
  shard: zcount,
  writtenAt: zs,
  lastTick: z.optional(z.looseObject({ at: zs, errors: zstrings })),
  feeds: z.record(zs, z.unknown()),
  watchStats: z.optional(
    z.record(zs, z.looseObject({ total: zcount, day: zs, today: zcount, lastMatchAt: zs })),
  ),
})

const config = {
  schema: 1,
  version: 12,
  updatedAt: '2026-12-05T10:00:00.000Z',
  feeds: [
    { id: 'f1', url: 'https://a.example/feed', enabled: true, tags: ['news', 'fr'] },
    {
      id: 'f2',
      url: 'https://b.example/rss',
      title: 'B',
      intervalMinutes: 30,
      enabled: false,
      headers: { authorization: 'Bearer x', 'x-key': 'k' },
      tags: [],
      backfill: 3,
      maxItemAgeHours: 48,
    },
  ],
  watches: [
    {
      id: 'w1',
      name: 'Belgorod',
      query: 'belgorod OR белгород',
      scope: {},
      destinations: ['d1'],
      mode: 'instant',
      enabled: true,
    },
    {
      id: 'w2',
      name: 'Armes',
      query: '"armes de facture belge"',
      scope: { feeds: ['f1'], tags: ['fr'] },
      destinations: ['d1', 'd2'],
      mode: 'digest',
      enabled: false,
      options: { stem: true, transliterate: false },
    },
  ],
  destinations: [
    { id: 'd1', name: 'hook', type: 'webhook', enabled: true, url: 'https://h.example/x' },
    { id: 'd2', name: 'mail', type: 'email', enabled: true, to: ['a@b.example'], secret: 's' },
  ],
  healthDestinations: ['d1'],
}

const feedState = {
  url: 'https://a.example/feed',
  etag: '"e"',
  lastModified: 'Sat, 05 Dec 2026 10:00:00 GMT',
  bodyHash: 'h',
  intervalMinutes: 15,
  failures: 0,
  notBefore: '2026-12-05T11:00:00.000Z',
  health: 'ok',
  checkedAt: '2026-12-05T10:00:00.000Z',
  lastSuccessAt: '2026-12-05T10:00:00.000Z',
  seen: [
    ['d1', 29_000_000],
    ['d2', 29_000_001],
    ['d3', 29_000_002],
  ],
  stories: ['s1', 's2'],
  warnings: ['w'],
  published: [29_000_000, 29_000_001],
  announced: 'silent',
  extra: { kept: true },
}

const shard = {
  schema: 1,
  shard: 3,
  writtenAt: '2026-12-05T10:00:00.000Z',
  lastTick: { at: '2026-12-05T10:00:00.000Z', errors: ['e1'], polled: 4 },
  feeds: { f1: feedState, f2: { anything: 1 } },
  watchStats: {
    w1: { total: 3, day: '2026-12-05', today: 1, lastMatchAt: '2026-12-05T09:00:00.000Z' },
  },
}

const path = (p: ReadonlyArray<PropertyKey>) =>
  p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')

/** What our check says of `value`: the bad field's path, or 'ok'. */
function ours(check: Check, value: unknown): string {
  try {
    checkStored(check, value, 'doc')
    return 'ok'
  } catch (error) {
    return (error as ConfigError).field
  }
}

/** What the zod schema said of `value`, in the same form. */
function theirs(schema: z.ZodMiniType, value: unknown): string {
  const result = schema.safeParse(value)
  if (result.success) return 'ok'
  const p = path(result.error.issues[0]?.path ?? [])
  return p ? `doc ${p}` : 'doc'
}

/** Every path to a value inside `doc` (objects' keys and arrays' indices). */
function paths(doc: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix]
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...paths(v, [...prefix, i])))
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]))
  }
  return out
}

const REPLACEMENTS: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  7,
  '',
  'digest',
  'ok',
  true,
  [],
  ['x'],
  [['d', 1]],
  ['d', 1],
  ['d', 1, 2],
  {},
  { a: 1 },
  1,
]

/** `doc` with the value at `p` replaced (undefined: deleted), a fresh copy. */
function mutated(doc: unknown, p: Array<string | number>, value: unknown): unknown {
  if (p.length === 0) return value
  if (typeof doc !== 'object' || doc === null) return doc
  const copy = structuredClone(doc) as Record<string | number, unknown>
  let at: Record<string | number, unknown> = copy
  for (const k of p.slice(0, -1)) {
    const next = at[k]
    // An earlier change replaced a value on the way: this one has nowhere to go.
    if (typeof next !== 'object' || next === null) return doc
    at = next as Record<string | number, unknown>
  }
  const last = p[p.length - 1]!
  if (value === undefined && !Array.isArray(at)) delete at[last]
  else at[last] = value
  return copy
}

describe('stored-document checks', () => {
  it.each([
    ['configuration', configSchema, zconfig, config],
    ['feed state', feedStateSchema, zfeedState, feedState],
    ['shard', shardSchema, zshard, shard],
  ] as const)(
    'accept and refuse what zod did, naming the same field: %s',
    (_, check, schema, valid) => {
      expect(ours(check, valid)).toBe('ok')
      expect(theirs(schema, valid)).toBe('ok')
      const rand = prng(valid === config ? 1 : valid === shard ? 2 : 3)
      const all = paths(valid)
      let refused = 0
      for (let n = 0; n < 3000; n++) {
        let doc: unknown = valid
        // One to three changes at random places.
        for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
          const p = all[Math.floor(rand() * all.length)]!
          doc = mutated(doc, p, REPLACEMENTS[Math.floor(rand() * REPLACEMENTS.length)])
        }
        const verdict = ours(check, doc)
        if (verdict !== 'ok') refused++
        expect({ doc, verdict }).toEqual({ doc, verdict: theirs(schema, doc) })
      }
      // Most mutations break the document; some are harmless (an extra key, a value of the right
      // type), and both kinds are compared.
      expect(refused).toBeGreaterThan(1000)
      expect(refused).toBeLessThan(3000)
    },
  )

  it('says what was wrong and where, and returns the value it was given', () => {
    expect(checkStored(configSchema, config, 'configuration')).toBe(config)
    const bad = mutated(config, ['watches', 1, 'options', 'stem'], 'yes')
    expect(() => checkStored(configSchema, bad, 'configuration')).toThrow(
      expect.objectContaining({
        field: 'configuration watches[1].options.stem',
        message: expect.stringMatching(/expected a boolean, got a string/),
      }),
    )
    const pair = mutated(feedState, ['seen', 2, 1], '12')
    expect(() => checkStored(feedStateSchema, pair, 'shard:0 feeds.f1')).toThrow(
      expect.objectContaining({
        field: 'shard:0 feeds.f1 seen[2][1]',
        message: expect.stringMatching(/expected a number, got a string/),
      }),
    )
    expect(() => checkStored(shardSchema, [], 'shard:1')).toThrow(
      expect.objectContaining({ field: 'shard:1', message: expect.stringMatching(/an array/) }),
    )
  })
})
