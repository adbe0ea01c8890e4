// End-to-end tests run in Node: they start the Worker the way `npm start` does (wrangler dev,
// local KV and Queues, loopback publisher and receiver) and watch what a user would see.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
})
