// Secrets: `wrangler types` cannot see them (they live in the account, or in .dev.vars locally), so
// they are declared here, once. Everything else in Env is generated into worker-configuration.d.ts.
interface Env {
  /** Bearer token for /api/* and the detailed status. `wrangler secret put ADMIN_TOKEN`. */
  ADMIN_TOKEN: string
}
