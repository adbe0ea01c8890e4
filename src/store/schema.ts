// What stored documents must look like when they are read back: the configuration (from its Durable
// Object) and the feed-state shards (from KV). A stored document is input like any other
// (docs/decisions.md, 16): a corrupt one is reported with its key and the offending field, never
// trusted. Validation only checks; the value read is returned as it was.
// Not responsible for request bodies (src/http/validate.ts holds those stricter rules, in zod).
//
// Why not zod here (docs/decisions.md, 28): a tick that lands on a new isolate checks the whole
// configuration and every shard it reads before it polls anything, with no code warm yet. zod's
// generic machinery took ~15 ms of that for 1,000 watches and ~20 ms for a shard of 50 feeds in a
// new process, more than matching the tick's new items. These checks are plain functions over the
// few shapes stored, a type test per field, and allocate nothing unless a field is bad.
import { ConfigError } from '../lib/errors'

/** A failed check: the path to the bad field (outermost first) and what was wrong with it. */
interface Failure {
  path: Array<string | number>
  message: string
}

/** Checks one value; undefined when it fits. */
export type Check = (value: unknown) => Failure | undefined

/** What a value is, as a message names it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  return type === 'object' || type === 'undefined' ? type : `a ${type}`
}

const fail = (expected: string, value: unknown): Failure => ({
  path: [],
  message: `expected ${expected}, got ${kindOf(value)}`,
})

/** `failure` one level further out: at `key` of the value that holds it. */
function at(key: string | number, failure: Failure): Failure {
  failure.path.unshift(key)
  return failure
}

const str: Check = (v) => (typeof v === 'string' ? undefined : fail('a string', v))
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : fail('a boolean', v))
const num: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : fail('a number', v)
const count: Check = (v) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : fail('a whole number ≥ 0', v)
const positive: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : fail('a number > 0', v)
const unknown: Check = () => undefined

const literal =
  (expected: string | number): Check =>
  (v) =>
    v === expected ? undefined : fail(JSON.stringify(expected), v)

function oneOf(values: readonly string[]): Check {
  const expected = values.map((s) => JSON.stringify(s)).join(' or ')
  return (v) => (typeof v === 'string' && values.includes(v) ? undefined : fail(expected, v))
}

/** Absent (undefined) or fitting `check`. */
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v)

/** An array whose every element fits `each`; strings and numbers are tested inline. */
function array(each: Check): Check {
  const type = each === str ? 'string' : undefined
  return (v) => {
    if (!Array.isArray(v)) return fail('an array', v)
    for (let i = 0; i < v.length; i++) {
      const element: unknown = v[i]
      if (type !== undefined && typeof element === type) continue
      const failure = each(element)
      if (failure) return at(i, failure)
    }
    return undefined
  }
}

const strings = array(str)

/** The feed's seen set: [digest, minute] pairs, by far the longest arrays stored. */
const seenPairs: Check = (v) => {
  if (!Array.isArray(v)) return fail('an array', v)
  for (let i = 0; i < v.length; i++) {
    const pair: unknown = v[i]
    if (!Array.isArray(pair) || pair.length !== 2) return at(i, fail('a pair', pair))
    if (typeof pair[0] !== 'string') return at(i, at(0, fail('a string', pair[0])))
    const minute: unknown = pair[1]
    if (typeof minute !== 'number' || !Number.isFinite(minute))
      return at(i, at(1, fail('a number', minute)))
  }
  return undefined
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** An object holding (at least) `shape`'s keys, each fitting its check; other keys are let be. */
function looseObject(shape: Record<string, Check>): Check {
  const keys = Object.keys(shape)
  const checks = keys.map((k) => shape[k]!)
  return (v) => {
    if (!isPlainObject(v)) return fail('an object', v)
    for (let i = 0; i < keys.length; i++) {
      const failure = checks[i]!(v[keys[i]!])
      if (failure) return at(keys[i]!, failure)
    }
    return undefined
  }
}

/** An object whose every own value fits `each`. */
function record(each: Check): Check {
  return (v) => {
    if (!isPlainObject(v)) return fail('an object', v)
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue
      const failure = each(v[key])
      if (failure) return at(key, failure)
    }
    return undefined
  }
}

const feed = looseObject({
  id: str,
  url: str,
  title: optional(str),
  intervalMinutes: optional(num),
  enabled: bool,
  headers: optional(record(str)),
  tags: strings,
  backfill: optional(num),
  maxItemAgeHours: optional(num),
})

const watch = looseObject({
  id: str,
  name: str,
  query: str,
  scope: looseObject({ feeds: optional(strings), tags: optional(strings) }),
  destinations: strings,
  mode: oneOf(['instant', 'digest']),
  enabled: bool,
  options: optional(looseObject({ stem: optional(bool), transliterate: optional(bool) })),
})

const destination = looseObject({
  id: str,
  name: str,
  type: str,
  enabled: bool,
  url: optional(str),
  secret: optional(str),
  to: optional(strings),
})

export const configSchema: Check = looseObject({
  schema: literal(1),
  version: count,
  updatedAt: str,
  feeds: array(feed),
  watches: array(watch),
  destinations: array(destination),
  healthDestinations: optional(strings),
})

export const feedStateSchema: Check = looseObject({
  url: str,
  etag: optional(str),
  lastModified: optional(str),
  bodyHash: optional(str),
  intervalMinutes: positive,
  failures: count,
  notBefore: optional(str),
  health: oneOf(['pending', 'ok', 'error']),
  checkedAt: optional(str),
  lastSuccessAt: optional(str),
  seen: seenPairs,
  stories: optional(strings),
  warnings: optional(strings),
  published: optional(array(num)),
  announced: optional(oneOf(['broken', 'silent'])),
})

/** The shard document around its feeds; each feed's state is checked on its own. */
export const shardSchema: Check = looseObject({
  schema: literal(1),
  shard: count,
  writtenAt: str,
  lastTick: optional(looseObject({ at: str, errors: strings })),
  feeds: record(unknown),
  watchStats: optional(
    record(looseObject({ total: count, day: str, today: count, lastMatchAt: str })),
  ),
})

/** `value` as T when it fits `check`; else a ConfigError naming `where` and the first bad field. */
export function checkStored<T>(check: Check, value: unknown, where: string): T {
  const failure = check(value)
  if (failure === undefined) return value as T
  const path = failure.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('')
  throw new ConfigError(path ? `${where} ${path}` : where, failure.message)
}
