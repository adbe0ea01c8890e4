// Every test runs inside workerd (Cloudflare's vitest plugin, Miniflare underneath) with real KV,
// Queues and send_email; HTTP peers are a real server on 127.0.0.1 started by globalSetup.
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: 'test-admin-token',
          // Loopback and plain-http destinations are allowed only outside production.
          ENVIRONMENT: 'development',
          LOOPBACK_URL: inject('loopbackUrl'),
          // Retries a second apart, so a test sees the whole schedule in seconds.
          RETRY_DELAYS_SECONDS: '1,1,1,1',
          // The paid plan's budget (a write per shard per tick, CPU to spare), so each tick's work
          // is in KV when a test looks; the free plan's budget is tested with its own figures
          // (test/integration/budget.test.ts).
          PLAN: 'paid',
        },
        // The polls queue of fan-out (wrangler.toml leaves it unbound), bound under another name
        // so that only the tests that hand it to the Worker as POLLS run fan-out ticks
        // (test/integration/fan-out.test.ts); its jobs reach the Worker's queue handler.
        queueProducers: { TEST_POLLS: { queueName: 'feedwatch-polls' } },
        queueConsumers: {
          'feedwatch-polls': { maxBatchSize: 1, maxBatchTimeout: 0, maxRetries: 3 },
        },
      },
    })),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
  },
})
