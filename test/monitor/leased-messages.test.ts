// The one loop that settles poll-job and WebSub-push messages (src/monitor/leased-messages.ts):
// busy work is retried after the lease wait without a failure line, thrown work is logged and
// retried, finished work is acknowledged, each message on its own and in order.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { settleLeased } from '../../src/monitor/leased-messages'

type Outcome = 'busy' | 'throw' | 'done' | 'quiet'

async function settle(outcomes: Outcome[]) {
  const batch = createMessageBatch<Outcome>(
    'feedwatch-polls',
    outcomes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: i + 1, body })),
  )
  const ctx = createExecutionContext()
  const lines: string[] = []
  const ran: Outcome[] = []
  await settleLeased(
    batch.messages,
    {
      run: async (body) => {
        ran.push(body)
        if (body === 'throw') throw new Error('the store refused')
        return { kind: body }
      },
      done: (body, result) => (result.kind === 'done' ? `${body}: finished` : undefined),
      subject: (body) => `job ${body}`,
    },
    (line) => lines.push(line),
  )
  return { result: await getQueueResult(batch, ctx), lines, ran }
}

describe('settleLeased', () => {
  it('acknowledges finished work and logs only what its handler says', async () => {
    const { result, lines } = await settle(['done', 'quiet'])
    expect(result.explicitAcks).toEqual(['m0', 'm1'])
    expect(result.retryMessages).toEqual([])
    expect(lines).toEqual(['done: finished'])
  })

  it('retries busy work, with no failure line', async () => {
    const { result, lines } = await settle(['busy', 'done'])
    // (the queue result records which messages were retried, not their delay)
    expect(result.retryMessages).toEqual([{ msgId: 'm0' }])
    expect(result.explicitAcks).toEqual(['m1'])
    expect(lines).toEqual(['done: finished'])
  })

  it('logs thrown work with its attempt and lets the queue retry it; the next message still runs', async () => {
    const { result, lines, ran } = await settle(['throw', 'done'])
    expect(ran).toEqual(['throw', 'done'])
    expect(result.retryMessages).toEqual([{ msgId: 'm0' }])
    expect(result.explicitAcks).toEqual(['m1'])
    expect(lines).toEqual(['job throw failed (attempt 1): the store refused', 'done: finished'])
  })
})
