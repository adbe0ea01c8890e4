// Secrets and optional vars: `wrangler types` cannot see them (they live in the account, or in .dev.vars locally), so
// they are declared here, once, on both the global Env and the `cloudflare:workers` env.
interface FeedwatchSecrets {
  /** Bearer token for /api/* and the detailed status. `wrangler secret put ADMIN_TOKEN`. */
  ADMIN_TOKEN: string
  /** Optional var: the deployment's public base URL; set, it turns WebSub push on (docs/websub.md). */
  PUBLIC_URL?: string
  // Optional vars with defaults in src/settings.ts (README, "Configuration"); not in wrangler.toml's
  // [vars], so `wrangler types` cannot see them.
  STATE_SHARDS?: string
  MAX_POLLS_PER_TICK?: string
  RETRY_DELAYS_SECONDS?: string
  PLAN?: string
  CPU_BUDGET_MS?: string
  SUBREQUEST_BUDGET?: string
  KV_WRITES_PER_DAY?: string
  QUEUE_OPS_PER_DAY?: string
  /** WebSub pushes waiting to be ingested (wrangler.toml; src/monitor/websub-message.ts). */
  PUSHES: Queue<import('./monitor/websub-message').PushMessage>
  /** Optional: poll jobs (fan-out); unbound, the tick polls inline (docs/operations.md). */
  POLLS?: Queue<import('./monitor/poll-jobs').PollJob>
}
declare namespace Cloudflare {
  interface Env extends FeedwatchSecrets {}
}
interface Env extends FeedwatchSecrets {}
