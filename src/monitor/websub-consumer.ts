// The queue consumer's WebSub branch: each push message ingested (websub-push.ts) and settled as
// leased-messages.ts says. A push that fails is retried by the queue, and after its last retry
// dropped with a log line (the feed's next poll finds its items: polling is the safety net).
import { settleLeased } from './leased-messages'
import type { PushMessage } from './websub-message'
import { ingestPush, type PushDeps } from './websub-push'

export async function consumePushes(
  messages: Array<Message<PushMessage>>,
  deps: Omit<PushDeps, 'now'> & { now: () => Date },
): Promise<void> {
  await settleLeased(
    messages,
    {
      run: (body) => ingestPush(body, { ...deps, now: deps.now() }),
      done: (body, result) => {
        if (result.kind === 'ignored') return `websub: push ignored: ${result.reason}`
        const latency = deps.now().getTime() - Date.parse(body.websub.receivedAt)
        return (
          `websub ${body.websub.feedId}: push ingested, ${result.fresh} new items, ` +
          `${result.alerts} alerts${result.fetched ? ' (topic fetched)' : ''}, ${latency} ms`
        )
      },
      subject: (body) => `websub ${body.websub.feedId}: push`,
    },
    deps.log ?? ((line: string) => console.log(line)),
  )
}
