// The Hono environment shared by every route file: bindings plus the transport (injectable, so
// tests and the local demo need no monkey-patching of globalThis.fetch).
import type { Context } from 'hono'
import type { EntryDeps } from '../config/entries'
import { addressPolicyOf } from '../lib/address-guard'

export interface AppDeps {
  fetch: typeof fetch
  now: () => Date
}

export type AppEnv = { Bindings: Env; Variables: { deps: AppDeps } }
export type AppContext = Context<AppEnv>

/** A short random id with a type prefix: `f_k3j9x2ab`. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return prefix + Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}

/** What the configuration's entry functions (src/config/entries.ts) need from a request. */
export function entryDeps(c: AppContext): EntryDeps {
  const deps = c.get('deps')
  return {
    env: c.env,
    now: deps.now(),
    fetch: deps.fetch,
    policy: addressPolicyOf(c.env),
    newId,
  }
}
