// Replaying a dead letter: the delivery ledger (ledger.ts) takes it out atomically, so two replays
// cannot send it twice; it goes back to the queue with the same alert id (a receiver that did get
// an earlier attempt deduplicates it), or back to the dead letters when its destination is disabled
// or the queue refuses it. Not responsible for sending (src/deliver/consumer.ts does).
import {
  destinationHealth,
  restoreDeadLetter,
  takeDeadLetter,
  type DeliveryEnv,
} from './deliveries'

/** Why a replay did not happen: no such letter, or its destination is disabled. */
export class ReplayRefused extends Error {
  override readonly name = 'ReplayRefused'
  readonly reason: 'not-found' | 'destination-disabled'
  constructor(reason: ReplayRefused['reason'], message: string) {
    super(message)
    this.reason = reason
  }
}

export async function replayDeadLetter(
  env: DeliveryEnv & { DELIVERIES: Queue },
  alertId: string,
): Promise<void> {
  const letter = await takeDeadLetter(env, alertId)
  if (!letter) throw new ReplayRefused('not-found', `dead letter ${alertId} not found`)
  const destinationId = letter.alert.destinationId
  const health = await destinationHealth(env, destinationId)
  if (health?.disabled) {
    await restoreDeadLetter(env, letter)
    throw new ReplayRefused(
      'destination-disabled',
      `destination ${destinationId} is disabled (${health.disabledReason}); ` +
        `re-enable it with POST /api/destinations/${destinationId}/enable first`,
    )
  }
  try {
    await env.DELIVERIES.send(letter.alert)
  } catch (cause) {
    await restoreDeadLetter(env, letter)
    throw cause
  }
}
