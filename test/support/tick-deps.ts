// The tick's dependencies as the tests inside workerd give them: the Worker's own bindings, real
// fetch (the loopback servers), one shard, the development floor of 1 minute, quiet logs. Each
// call of the returned function stamps its tick one minute after the previous one, so a feed
// polled every minute is due on every tick.
import { env } from 'cloudflare:test'
import type { TickDeps } from '../../src/monitor/tick'

export function minuteTicks(start = Date.now()): (over?: Partial<TickDeps>) => TickDeps {
  let minute = 0
  return (over = {}) => ({
    store: env,
    queue: env.DELIVERIES,
    fetch: (input, init) => fetch(input, init),
    now: new Date(start + ++minute * 60_000),
    shardCount: 1,
    maxPollsPerTick: 40,
    maxItemAgeHours: 72,
    floorMinutes: 1,
    log: () => undefined,
    ...over,
  })
}
