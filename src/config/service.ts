// The configuration service: every write to the configuration from the API goes through
// `changeConfig`, which runs the integrity rules (integrity.ts) on the result before it is stored;
// export and import of the whole document (portable.ts) and of feeds as OPML (opml.ts).
// Not responsible for one entry's shape (the API checks it before calling) or for the storage
// itself (src/store/config.ts, the single writer).
import type { Feed } from '../model'
import { generateSecret } from '../deliver/sign'
import { assertPublicUrl, type AddressPolicy } from '../lib/address-guard'
import { loadConfig, updateConfig, type ConfigDoc, type ConfigEnv } from '../store/config'
import { feedInput, parseBody, type PortableConfig } from '../http/validate'
import { checkIntegrity, removeEntry, type Collection, type Focus, type Removal } from './integrity'
import { exportConfig, planImport, type ConfigDiff, type ExportedConfig } from './portable'
import { parseOpml, renderOpml } from './opml'

/** Applies `change` and stores the result if every integrity rule holds (else throws, stores nothing). */
export function changeConfig(
  env: ConfigEnv,
  now: Date,
  change: (config: ConfigDoc) => ConfigDoc,
  focus?: Focus,
): Promise<ConfigDoc> {
  return updateConfig(env, now, (config) => checkIntegrity(change(config), focus))
}

/** Removes entry `id` with its cascade (integrity.ts); `check` may refuse first (e.g. a 404). */
export async function removeFromConfig(
  env: ConfigEnv,
  now: Date,
  collection: Collection,
  id: string,
  check: (config: ConfigDoc) => void,
): Promise<Omit<Removal, 'config'>> {
  let removal: Removal | undefined
  await changeConfig(env, now, (config) => {
    check(config)
    removal = removeEntry(config, collection, id)
    return removal.config
  })
  return {
    watchesChanged: removal?.watchesChanged ?? [],
    watchesRemoved: removal?.watchesRemoved ?? [],
  }
}

export async function exportCurrentConfig(env: ConfigEnv): Promise<ExportedConfig> {
  return exportConfig(await loadConfig(env))
}

export interface ImportResult {
  dryRun: boolean
  diff: ConfigDiff
  /** Signing secrets generated for new webhooks that had none: shown this once. */
  secrets?: Record<string, string>
}

/** Replaces the configuration with `document` (or, with `dryRun`, only says what would change). */
export async function importConfig(
  env: ConfigEnv,
  now: Date,
  document: PortableConfig,
  policy: AddressPolicy,
  dryRun: boolean,
): Promise<ImportResult> {
  const current = await loadConfig(env)
  let plan = planImport(current, document, policy, generateSecret)
  if (dryRun || plan.diff.unchanged) return { dryRun, diff: plan.diff }
  await changeConfig(env, now, (config) => {
    // Planned again only when another write came in between (a large import is ~50 ms of CPU).
    if (config.version !== current.version) {
      plan = planImport(config, document, policy, generateSecret)
    }
    return plan.next
  })
  const secrets = Object.keys(plan.generatedSecrets).length ? plan.generatedSecrets : undefined
  return { dryRun, diff: plan.diff, ...(secrets ? { secrets } : {}) }
}

export async function exportOpml(env: ConfigEnv, now: Date): Promise<string> {
  return renderOpml((await loadConfig(env)).feeds, now)
}

export interface OpmlImport {
  dryRun: boolean
  added: Array<{ id: string; url: string; tags: string[] }>
  /** URLs already configured: left as they are. */
  skipped: string[]
}

/** Adds the feeds of an OPML file that are not configured yet (by URL), folders as tags. */
export async function importOpml(
  env: ConfigEnv,
  now: Date,
  text: string,
  policy: AddressPolicy,
  newId: () => string,
  dryRun: boolean,
): Promise<OpmlImport> {
  // Each listed feed passes the API's own feed rules (URL, title and tag sizes, address guard).
  const listed = parseOpml(text).map((f, i) => {
    const field = `feeds[${i}]`
    const input = parseBody(
      feedInput,
      { url: f.url, title: f.title, tags: f.tags, discover: false },
      field,
    )
    assertPublicUrl(input.url, 'feed', policy, `${field}.url`)
    return { url: input.url, title: input.title, tags: input.tags }
  })
  const plan = (config: ConfigDoc): { next: ConfigDoc; result: OpmlImport } => {
    const known = new Set(config.feeds.map((f) => f.url))
    const added: Feed[] = []
    const skipped: string[] = []
    for (const f of listed) {
      if (known.has(f.url)) skipped.push(f.url)
      else {
        known.add(f.url)
        added.push({
          id: newId(),
          url: f.url,
          ...(f.title ? { title: f.title } : {}),
          enabled: true,
          tags: f.tags,
        })
      }
    }
    return {
      next: { ...config, feeds: [...config.feeds, ...added] },
      result: { dryRun, added: added.map(({ id, url, tags }) => ({ id, url, tags })), skipped },
    }
  }
  if (dryRun) return plan(await loadConfig(env)).result
  let result: OpmlImport | undefined
  await changeConfig(env, now, (config) => {
    const planned = plan(config)
    result = planned.result
    return planned.next
  })
  return result ?? { dryRun, added: [], skipped: [] }
}
