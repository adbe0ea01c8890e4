// Packing due feeds into poll jobs and pacing jobs over the day's Queues budget (pure).
import { describe, expect, it } from 'vitest'
import {
  MAX_FEEDS_PER_JOB,
  POLL_JOB_QUEUE_SHARE,
  QUEUE_OPS_PER_JOB,
  jobsAllowed,
  packPollJobs,
  type JobCandidate,
} from '../../src/monitor/poll-jobs'

const AT = new Date('2026-12-04T12:00:00Z')
const free = { cpuMs: 7, subrequests: 47 }
const feed = (id: string, cpuMs: number, shard = 0, subrequests = 2): JobCandidate => ({
  id,
  since: 100,
  shard,
  estimate: { cpuMs, subrequests },
})
const ids = (jobs: ReturnType<typeof packPollJobs>) => jobs.map((j) => j.feeds.map((f) => f.id))

describe('packPollJobs', () => {
  it.each([
    [
      'fills a job up to the budget, then opens the next',
      [feed('a', 3), feed('b', 3), feed('c', 3)],
      9,
      [['a', 'b'], ['c']],
    ],
    [
      'gives a feed larger than the budget a job of its own',
      [feed('big', 30), feed('small', 1)],
      9,
      [['big'], ['small']],
    ],
    [
      'keeps the feeds of each shard in their own jobs',
      [feed('a', 1, 0), feed('b', 1, 1), feed('c', 1, 0)],
      9,
      [['a', 'c'], ['b']],
    ],
    [
      'sends no more jobs than allowed; a later feed still fits an open job',
      [feed('a', 5), feed('b', 5), feed('c', 1)],
      1,
      [['a', 'c']],
    ],
    ['sends nothing when no job is allowed', [feed('a', 1)], 0, []],
    ['counts subrequests too', [feed('a', 0.1, 0, 30), feed('b', 0.1, 0, 30)], 9, [['a'], ['b']]],
  ])('%s', (_name, due, maxJobs, expected) => {
    const jobs = packPollJobs(due, free, maxJobs, AT)
    expect(ids(jobs)).toEqual(expected)
    for (const job of jobs) expect(job.at).toBe(AT.toISOString())
  })

  it('caps the feeds of one job, whatever the budget', () => {
    const due = Array.from({ length: MAX_FEEDS_PER_JOB + 1 }, (_, i) => feed(`f${i}`, 0, 0, 0))
    const jobs = packPollJobs(due, free, 9, AT)
    expect(jobs.map((j) => j.feeds.length)).toEqual([MAX_FEEDS_PER_JOB, 1])
  })
})

describe('jobsAllowed', () => {
  const perDay = Math.floor((9_000 * POLL_JOB_QUEUE_SHARE) / QUEUE_OPS_PER_JOB)
  it.each([
    ['allows the minute’s share at the start of the day', 0, 0, Math.floor(perDay / 1440)],
    ['carries what quiet minutes left unused', 720, 0, Math.floor((perDay * 721) / 1440)],
    ['allows nothing once ahead of the pace', 720, perDay, 0],
    ['allows the whole share by the end of the day', 1439, 0, perDay],
  ])('%s', (_name, minuteOfDay, jobsToday, expected) => {
    expect(jobsAllowed({ queueOpsPerDay: 9_000, jobsToday, minuteOfDay })).toBe(expected)
  })

  it('keeps a whole day of jobs within the share of the Queues budget', () => {
    let jobs = 0
    for (let m = 0; m < 1440; m++)
      jobs += jobsAllowed({ queueOpsPerDay: 9_000, jobsToday: jobs, minuteOfDay: m })
    expect(jobs * QUEUE_OPS_PER_JOB).toBeLessThanOrEqual(9_000 * POLL_JOB_QUEUE_SHARE)
    expect(jobs).toBe(perDay)
  })
})
