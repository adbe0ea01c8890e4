// Faults built into the test setup: wrappers around the real bindings (the real queue and KV do the
// work underneath) that fail the way the platform can — a send that throws, a send whose answer is
// lost after the queue took the messages, a KV write that throws or refuses a value's size. Handed
// to the Worker as its `env`, so the code under test runs unchanged.
import type { Alert } from '../../src/model'

export type FaultMode = 'never' | 'once' | 'always'

/** Whether the call numbered `n` (from 1) fails under `mode`. */
const fails = (mode: FaultMode, n: number): boolean =>
  mode === 'always' || (mode === 'once' && n === 1)

export interface FaultyQueue {
  queue: Queue<Alert>
  /** Alert ids the real queue accepted, in order (an id twice means it was enqueued twice). */
  enqueued: string[]
  /** Calls that were made to fail. */
  failures: () => number
}

/**
 * The real queue, whose `send`/`sendBatch` throw under `mode` — before the messages reach the queue,
 * or, with `lostAnswer`, after the queue accepted them (the caller cannot tell the difference).
 * `only` limits the fault to the alerts it selects (a batch holding one of them fails).
 */
export function faultyQueue(
  queue: Queue,
  mode: FaultMode,
  options: { lostAnswer?: boolean; only?: (alert: Alert) => boolean } = {},
): FaultyQueue {
  const real = queue as Queue<Alert>
  const enqueued: string[] = []
  let calls = 0
  let failures = 0
  const affected = (alerts: Alert[]) => !options.only || alerts.some(options.only)
  const attempt = async (alerts: Alert[], send: () => Promise<unknown>) => {
    const faulty = affected(alerts) && fails(mode, ++calls)
    if (faulty && !options.lostAnswer) {
      failures++
      throw new Error('injected fault: the queue refused the send')
    }
    await send()
    enqueued.push(...alerts.map((a) => a.id))
    if (faulty) {
      failures++
      throw new Error('injected fault: the answer to an accepted send was lost')
    }
  }
  const wrapped = {
    send: (body: Alert, opts?: QueueSendOptions) => attempt([body], () => real.send(body, opts)),
    sendBatch: (messages: Iterable<MessageSendRequest<Alert>>, opts?: QueueSendBatchOptions) => {
      const list = [...messages]
      return attempt(
        list.map((m) => m.body),
        () => real.sendBatch(list, opts),
      )
    },
  }
  return { queue: wrapped as unknown as Queue<Alert>, enqueued, failures: () => failures }
}

export interface FaultyKv {
  kv: KVNamespace
  failures: () => number
}

/**
 * The real namespace, whose `put` of keys starting with `prefix` throws under `mode` (the isolate
 * dying or KV failing mid-write), or refuses values over `maxBytes` as KV refuses values over its
 * limit. Reads, lists and deletes pass through.
 */
export function faultyKv(
  kv: KVNamespace,
  fault: { prefix: string; mode?: FaultMode; maxBytes?: number },
): FaultyKv {
  let calls = 0
  let failures = 0
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      if (prop !== 'put') return (value as (...a: unknown[]) => unknown).bind(target)
      return async (key: string, data: string, options?: KVNamespacePutOptions) => {
        if (key.startsWith(fault.prefix)) {
          if (
            fault.maxBytes !== undefined &&
            new TextEncoder().encode(data).byteLength > fault.maxBytes
          ) {
            failures++
            throw new Error(`injected fault: KV put() refused a value over ${fault.maxBytes} bytes`)
          }
          if (fault.mode && fails(fault.mode, ++calls)) {
            failures++
            throw new Error('injected fault: the isolate died before the write')
          }
        }
        return target.put(key, data, options)
      }
    },
  })
  return { kv: wrapped, failures: () => failures }
}
