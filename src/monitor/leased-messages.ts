// How a queue consumer settles messages whose work takes the tick lease (poll jobs, WebSub
// pushes; docs/decisions.md, 17 and 23): each message on its own, in order. Work that finds the
// lease held is retried a few seconds later, without counting as a failure in the log; work that
// throws is logged and retried by the queue (its retry limit and dead-letter queue are in
// wrangler.toml); anything else is acknowledged. Not responsible for the work itself.
import { errorMessage } from '../lib/errors'

/** Wait before looking again when a tick, a push or a poll job holds the lease: ticks take seconds. */
export const LEASE_BUSY_RETRY_SECONDS = 5

export interface LeasedHandler<T, R> {
  /** The work for one message; `busy` when another holder has the lease. */
  run(body: T): Promise<R | { kind: 'busy' }>
  /** A log line for finished work, if any. */
  done?(body: T, result: Exclude<R, { kind: 'busy' }>): string | undefined
  /** The log line's subject for work that threw, e.g. `poll job (shard 3)`. */
  subject(body: T): string
}

export async function settleLeased<T, R extends { kind: string }>(
  messages: ReadonlyArray<Message<T>>,
  handler: LeasedHandler<T, R>,
  say: (line: string) => void,
): Promise<void> {
  for (const m of messages) {
    try {
      const result = await handler.run(m.body)
      if (result.kind === 'busy') {
        m.retry({ delaySeconds: LEASE_BUSY_RETRY_SECONDS })
        continue
      }
      const line = handler.done?.(m.body, result as Exclude<R, { kind: 'busy' }>)
      if (line) say(line)
      m.ack()
    } catch (error) {
      say(`${handler.subject(m.body)} failed (attempt ${m.attempts}): ${errorMessage(error)}`)
      m.retry()
    }
  }
}
