// The configuration document: every feed, watch and destination, with a version that increases on
// each change so isolates can cache what they derive from it (the compiled watch index).
//
// KV has no compare-and-swap: two API writes within KV's propagation window (~60 s across
// locations) can overwrite each other. Configuration changes are rare and made by one admin, so
// this is accepted and documented (docs/decisions.md) rather than solved with a Durable Object.
import type { Destination, Feed, Watch } from '../model'
import { CONFIG } from './keys'
import { readJson, writeJson } from './json'

export interface ConfigDoc {
  schema: 1
  version: number
  updatedAt: string
  feeds: Feed[]
  watches: Watch[]
  destinations: Destination[]
}

export const emptyConfig = (): ConfigDoc => ({
  schema: 1,
  version: 0,
  updatedAt: new Date(0).toISOString(),
  feeds: [],
  watches: [],
  destinations: [],
})

/**
 * The bindings the configuration lives in. Callers pass the Worker's whole `env`, so where the
 * document is kept can change inside src/store/ without touching them.
 */
export type ConfigEnv = Pick<Env, 'KV'>

export async function loadConfig(env: ConfigEnv): Promise<ConfigDoc> {
  return (await readJson<ConfigDoc>(env.KV, CONFIG, 1)) ?? emptyConfig()
}

/** Applies `change` to the current document and stores it under the next version. */
export async function updateConfig(
  env: ConfigEnv,
  now: Date,
  change: (config: ConfigDoc) => ConfigDoc,
): Promise<ConfigDoc> {
  const current = await loadConfig(env)
  const next = { ...change(current), version: current.version + 1, updatedAt: now.toISOString() }
  await writeJson(env.KV, CONFIG, next)
  return next
}
