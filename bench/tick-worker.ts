// The tick bench's Worker: real ticks (src/monitor/tick.ts) inside workerd, with the real
// configuration Durable Object and a Miniflare KV namespace, counted. bench/tick-day.bench.ts
// starts it through Miniflare and drives a compressed day. The alert queue here only counts and
// remembers ids: delivery is not what this bench measures. With fan-out, the poll jobs a tick
// sends are run right after it, each as its own invocation. Not deployed anywhere.
import type { Alert, Destination, Feed, Watch } from '../src/model'
import {
  DEFAULT_BUDGETS,
  PLAN_LIMITS,
  QUEUE_OPS_PER_ALERT,
  type Budget,
} from '../src/monitor/budget'
import { runPollJob } from '../src/monitor/poll-consumer'
import { QUEUE_OPS_PER_JOB, type PollJob } from '../src/monitor/poll-jobs'
import { runTick } from '../src/monitor/tick'
import { warmUpIsolate } from '../src/startup'
import { updateConfig } from '../src/store/config'

export { ConfigStore } from '../src/store/config-object'

// As src/index.ts does: the ticks measured are those of an isolate started as Feedwatch's are.
warmUpIsolate()

interface BenchEnv {
  CONFIG: Env['CONFIG']
  KV: KVNamespace
}

/** KV that counts what the tick asks of it. */
function counted(kv: KVNamespace, counts: Record<string, number>): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const op =
          prop === 'put' || prop === 'delete' ? 'writes' : prop === 'list' ? 'lists' : 'reads'
        counts[op] = (counts[op] ?? 0) + 1
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url)
    const q = (name: string) => url.searchParams.get(name) ?? ''
    if (url.pathname === '/limits') {
      return Response.json({ PLAN_LIMITS, QUEUE_OPS_PER_ALERT, QUEUE_OPS_PER_JOB })
    }
    if (url.pathname === '/setup') {
      // dailyFrom=k: feeds k and after are read every 24 hours (a tick then finds few due).
      const dailyFrom = q('dailyFrom') === '' ? Infinity : Number(q('dailyFrom'))
      const feeds: Feed[] = Array.from({ length: Number(q('feeds')) }, (_, i) => ({
        id: `f${i}`,
        url: `${q('origin')}/feed/${i}.xml`,
        enabled: true,
        tags: [],
        ...(i >= dailyFrom ? { intervalMinutes: 24 * 60 } : {}),
      }))
      const destinations: Destination[] = [
        { id: 'd', name: 'bench', type: 'webhook', url: 'https://example.org/hook', enabled: true },
      ]
      // The watches' words come in the body: 10,000 of them are too long for a URL.
      const words = (await request.text()).split(',')
      const watches: Watch[] = Array.from({ length: Number(q('watches')) }, (_, i) => ({
        id: `w${i}`,
        name: `w${i}`,
        query: words[i % words.length]!,
        scope: {},
        destinations: ['d'],
        mode: 'instant',
        enabled: true,
      }))
      try {
        await updateConfig(env, new Date(), (c) => ({ ...c, feeds, watches, destinations }))
      } catch (error) {
        return new Response(String(error), { status: 400 })
      }
      return new Response('ready')
    }
    if (url.pathname === '/tick') {
      const plan = q('plan') as 'free' | 'paid' | 'none'
      const budget: Budget =
        plan === 'none'
          ? { plan: 'paid', cpuMs: 1e9, subrequests: 1e9, kvWritesPerDay: 1e9, queueOpsPerDay: 1e9 }
          : DEFAULT_BUDGETS[plan]
      const counts: Record<string, number> = {}
      const alerts: string[] = []
      let sends = 0
      const queue = {
        sendBatch: async (messages: Iterable<MessageSendRequest<Alert>>) => {
          sends++
          for (const m of messages) alerts.push(`${m.body.id} ${m.body.item.published ?? ''}`)
        },
        send: async (body: Alert) => {
          sends++
          alerts.push(`${body.id} ${body.item.published ?? ''}`)
        },
      } as unknown as Queue<Alert>
      // Fan-out (fanout=1): the tick's poll jobs are kept here and each run after it as its own
      // invocation would be, one at a time (the consumer's max_concurrency is 1).
      const jobs: PollJob[] = []
      const polls = {
        sendBatch: async (messages: Iterable<MessageSendRequest<PollJob>>) => {
          sends++
          for (const m of messages) jobs.push(m.body)
        },
      } as unknown as Queue<PollJob>
      const store = { CONFIG: env.CONFIG, KV: counted(env.KV, counts) }
      const now = new Date(Number(q('at')))
      const shardCount = Number(q('shards') || '1')
      // What the tick and each poll job share (tick.ts's LeasedWorkDeps).
      const leased = {
        store,
        queue,
        fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
        now,
        shardCount,
        maxItemAgeHours: 72,
        budget,
        log: () => undefined,
      }
      const result = await runTick({ ...leased, polls: q('fanout') === '1' ? polls : undefined })
      const invocations = [
        { cpuMs: result.estimatedCpuMs ?? 0, subrequests: result.subrequests ?? 0 },
      ]
      let polled = result.polled
      let deferred = result.deferred
      for (const job of jobs) {
        const done = await runPollJob(job, { ...leased, floorMinutes: 5 })
        if (done.kind !== 'done') continue
        polled += done.summary.polled
        deferred += done.summary.deferred
        invocations.push({
          cpuMs: done.summary.estimatedCpuMs ?? 0,
          // The job's own lease calls (take, give back) beside its fetches and sends.
          subrequests: (done.summary.subrequests ?? 0) + 2,
        })
      }
      return Response.json({
        result: {
          ...result,
          polled,
          deferred,
          estimatedCpuMs: Math.max(...invocations.map((i) => i.cpuMs)),
          subrequests: Math.max(...invocations.map((i) => i.subrequests)),
        },
        jobs: jobs.length,
        counts,
        sends,
        alerts,
      })
    }
    return new Response('unknown', { status: 404 })
  },
}
