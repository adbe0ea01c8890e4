// Types of scripts/wrangler-dev.mjs, for the end-to-end tests written in TypeScript.
import type { ChildProcess } from 'node:child_process'

export function freePort(): Promise<number>

export interface DevServer {
  base: string
  /** The wrangler process (the demo watches it exit). */
  child: ChildProcess
  /** Everything wrangler printed so far (for failure messages). */
  output(): string
  /**
   * Fires the cron handler, stamped at least a minute after the previous tick (a feed is polled at
   * most once a minute, and the demo and the tests fire ticks seconds apart).
   */
  tick(): Promise<string>
  stop(): Promise<void>
}

export function startWranglerDev(options: {
  state: string
  token: string
  vars?: Record<string, string>
  port?: number
  /** Each chunk wrangler prints, as it comes. */
  onOutput?: (chunk: string) => void
}): Promise<DevServer>
