// Where WebSub subscriptions live: one JSON document in the configuration's Durable Object
// (src/store/config-object.ts, table `websub`), updated under that object's lock so the cron, the
// callback routes and the push consumer never lose each other's changes (docs/decisions.md,
// 20). Never a KV key per subscription or per push. Not responsible for what the states mean
// (src/monitor/websub.ts) — only for the stored shape and its safe reading.
import { ConfigError, errorMessage } from '../lib/errors'
import type { ConfigStore } from './config-object'

/**
 * pending: asked the hub, waiting for its verification of intent. active: verified, lease running.
 * expiring: the renewal is due or under way. expired: the lease ended unrenewed (polling only).
 * denied: the hub refused (§5.2). demoted: the hub missed items, polling only (§ docs/websub.md).
 */
export type SubscriptionState = 'pending' | 'active' | 'expiring' | 'expired' | 'denied' | 'demoted'

export interface Subscription {
  /** Unguessable: the callback path segment, so it is also the proof a request is for us. */
  id: string
  feedId: string
  topic: string
  hub: string
  /** hub.secret: HMAC key for X-Hub-Signature. Never shown. */
  secret: string
  state: SubscriptionState
  /** The mode the hub must verify next (a pending subscribe, or an unsubscribe under way). */
  pendingMode?: 'subscribe' | 'unsubscribe'
  requestedAt: string
  verifiedAt?: string
  leaseSeconds?: number
  expiresAt?: string
  /** When the cron renews (before expiresAt, with jitter). */
  renewAt?: string
  lastPushAt?: string
  pushes: number
  /** Pushes ignored because their signature was missing or wrong (a topic GET ran instead). */
  rejected: number
  /** Items a poll found that no push brought; at the limit the hub is demoted. */
  misses: number
  /** The last epoch minute the cron compared the seen set against `pushed`. */
  missCheckedMinute?: number
  /** Digests of items the pushes brought, newest last (bounded). */
  pushed: string[]
  /** Why the state is what it is (denial reason, demotion, hub error). */
  reason?: string
}

/** A feed's last discovery: when it may be tried again, and what was found. */
export interface Probe {
  checkedAt: string
  nextAt: string
  failures: number
  /** The hub found (or none), or why discovery or subscribing failed. */
  note: string
}

export interface WebSubDoc {
  subscriptions: Record<string, Subscription>
  probes: Record<string, Probe>
}

export const emptyWebSub = (): WebSubDoc => ({ subscriptions: {}, probes: {} })

type StoreEnv = Pick<Env, 'CONFIG'>
const storeOf = (env: StoreEnv): DurableObjectStub<ConfigStore> =>
  env.CONFIG.get(env.CONFIG.idFromName('config'))

function parse(json: string | null): WebSubDoc {
  if (json === null) return emptyWebSub()
  try {
    const doc = JSON.parse(json) as Partial<WebSubDoc>
    return { subscriptions: doc.subscriptions ?? {}, probes: doc.probes ?? {} }
  } catch (cause) {
    throw new ConfigError('websub', `stored document is not valid JSON: ${errorMessage(cause)}`, {
      cause,
    })
  }
}

export async function loadWebSub(env: StoreEnv): Promise<WebSubDoc> {
  return parse(await storeOf(env).readWebSub())
}

/** Applies `change` to the current document under the lock; returns what `change` returned. */
export async function updateWebSub<T>(env: StoreEnv, change: (doc: WebSubDoc) => T): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined
  await storeOf(env).updateWebSub(async (json) => {
    const doc = parse(json)
    try {
      outcome = { value: change(doc) }
    } catch (error) {
      // Kept here and rethrown below: an error crossing RPC would lose its class.
      outcome = { error }
      return json ?? JSON.stringify(emptyWebSub()) // a refused change stores nothing new
    }
    return JSON.stringify(doc)
  })
  if (!outcome) throw new ConfigError('websub', 'the update was not applied')
  if ('error' in outcome) throw outcome.error
  return outcome.value
}
