// The queue consumer's WebSub branch: each push message ingested (websub-push.ts) and settled on
// its own. A message that finds the tick lease held is retried a few seconds later; one that fails
// is retried by the queue, and after its last retry dropped with a log line (the feed's next poll
// finds its items: polling is the safety net).
import { errorMessage } from '../lib/errors'
import type { PushMessage } from './websub-message'
import { ingestPush, type PushDeps } from './websub-push'

/** Wait before looking again when a tick (or another push) holds the lease: ticks take seconds. */
export const BUSY_RETRY_SECONDS = 5

export async function consumePushes(
  messages: Array<Message<PushMessage>>,
  deps: Omit<PushDeps, 'now'> & { now: () => Date },
): Promise<void> {
  const say = deps.log ?? ((line: string) => console.log(line))
  for (const m of messages) {
    try {
      const result = await ingestPush(m.body, { ...deps, now: deps.now() })
      if (result.kind === 'busy') {
        m.retry({ delaySeconds: BUSY_RETRY_SECONDS })
        continue
      }
      if (result.kind === 'ignored') say(`websub: push ignored: ${result.reason}`)
      else {
        const latency = deps.now().getTime() - Date.parse(m.body.websub.receivedAt)
        say(
          `websub ${m.body.websub.feedId}: push ingested, ${result.fresh} new items, ` +
            `${result.alerts} alerts${result.fetched ? ' (topic fetched)' : ''}, ${latency} ms`,
        )
      }
      m.ack()
    } catch (error) {
      say(
        `websub ${m.body.websub.feedId}: push failed (attempt ${m.attempts}): ${errorMessage(error)}`,
      )
      m.retry()
    }
  }
}
