// Health transitions that reach the user (docs/health.md): a feed broken, silent or recovered, a
// destination failing. Pure: each function takes the previous and proposed state and `now`, and
// returns the next state and the events to send; nothing here reads env, fetches or reads a clock.
// Not responsible for delivering the events (they become ordinary alerts, see `healthAlerts`,
// and travel through the deliveries queue like any other) nor for the public status (health.ts).
//
// Once per transition: the state remembers what was announced (`announced`), so a feed failing for
// a week announces "broken" once; the alert ids are derived from the streak, not from the tick, so
// a tick that enqueued them but died before committing its state sends the same ids again, and the
// consumer drops them as duplicates.
import type { Alert, Destination, Feed, Item } from '../model'
import { shortHash } from '../lib/hash'
import { redactFeedUrl } from '../lib/redact'
import type { FeedState } from '../store/shards'
import { boundAlert } from './alert-bounds'

export type HealthEventKind =
  'feed-broken' | 'feed-silent' | 'feed-recovered' | 'destination-failing'

export interface HealthEvent {
  kind: HealthEventKind
  /** The feed or destination the event is about. */
  subjectId: string
  subjectName: string
  /** What happened, in a sentence (no URL, no secret: error texts are redacted where stored). */
  detail: string
  /** Identifies the streak the event belongs to, so a resent event keeps its alert id. */
  streak: string
  at: string
}

export interface HealthRules {
  /** Consecutive failed polls after which a feed is announced broken. */
  brokenAfterFailures: number
  /** A feed is silent when nothing new came for this many times its usual gap… */
  silentGapFactor: number
  /** …and for at least this long (a feed publishing every 5 minutes is not silent after 20). */
  silentMinMinutes: number
  /** Gaps needed before the usual gap is trusted. */
  minGaps: number
  /** Publication times kept per feed (bounded: the shard holds every feed's state). */
  historySize: number
}

export const HEALTH_RULES: HealthRules = {
  // Three in a row rules out a single timeout or a deploy on the publisher's side; with backoff
  // (schedule.ts) the third failure comes after about 10 + 20 + 40 minutes for a 10-minute feed.
  brokenAfterFailures: 3,
  // Publishing rhythms vary by day of week and hour; 4× the median gap is well past ordinary
  // variation (a weekend gap is about 2–3× a weekday one for news feeds).
  silentGapFactor: 4,
  silentMinMinutes: 6 * 60,
  minGaps: 3,
  // Nine times give eight gaps: enough for a median, ~100 bytes of the shard per feed.
  historySize: 9,
}

const MINUTE_MS = 60_000

/** The median gap, in minutes, between the given publication minutes (oldest first). */
export function usualGapMinutes(history: number[], rules: HealthRules = HEALTH_RULES) {
  const gaps: number[] = []
  for (let i = 1; i < history.length; i++) {
    const gap = (history[i] as number) - (history[i - 1] as number)
    if (gap > 0) gaps.push(gap)
  }
  if (gaps.length < rules.minGaps) return undefined
  gaps.sort((a, b) => a - b)
  const mid = Math.floor(gaps.length / 2)
  return gaps.length % 2
    ? (gaps[mid] as number)
    : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2
}

/** Adds publication minutes to a history, sorted, deduplicated and bounded to the newest. */
export function addToHistory(history: number[], minutes: number[], rules = HEALTH_RULES) {
  const all = [...new Set([...history, ...minutes.filter((m) => Number.isFinite(m))])]
  return all.sort((a, b) => a - b).slice(-rules.historySize)
}

/** The publication minutes a first read of a feed teaches: its items' own dates. */
export function historyFromItems(items: Item[], rules = HEALTH_RULES): number[] {
  const minutes = items
    .map((i) => Date.parse(i.published ?? i.updated ?? ''))
    .filter((t) => !Number.isNaN(t))
    .map((t) => Math.floor(t / MINUTE_MS))
  return addToHistory([], minutes, rules)
}

/** Minutes past which this feed counts as silent, or undefined while its rhythm is unknown. */
export function silentAfterMinutes(history: number[], rules = HEALTH_RULES) {
  const gap = usualGapMinutes(history, rules)
  if (gap === undefined) return undefined
  return Math.max(rules.silentMinMinutes, gap * rules.silentGapFactor)
}

export interface FeedHealthInput {
  feed: Feed
  /** The state before this poll (undefined for a feed never polled). */
  previous?: FeedState
  /** The state the poll proposes (poll.ts); not modified. */
  proposed: FeedState
  /** Items in the feed now (empty on 304 or failure) and how many were new. */
  items: Item[]
  fresh: number
  now: Date
}

export interface FeedHealthStep {
  proposed: FeedState
  events: HealthEvent[]
  /** Whether the health bookkeeping changed the state (worth the shard write). */
  changed: boolean
}

/** One poll's effect on a feed's announced health. */
export function feedHealthStep(input: FeedHealthInput, rules = HEALTH_RULES): FeedHealthStep {
  const { feed, previous, proposed, items, fresh, now } = input
  const next: FeedState = { ...proposed }
  const events: HealthEvent[] = []
  const name = feed.title ?? redactFeedUrl(feed.url)
  const nowMinute = Math.floor(now.getTime() / MINUTE_MS)
  const event = (kind: HealthEventKind, detail: string, streak: string): HealthEvent => ({
    kind,
    subjectId: feed.id,
    subjectName: name,
    detail,
    streak,
    at: now.toISOString(),
  })
  let changed = false

  // Learn the rhythm: the first successful read seeds it from the items' dates; later, each poll
  // that finds new items adds its minute.
  const firstRead = previous?.lastSuccessAt === undefined && proposed.lastSuccessAt !== undefined
  const history = proposed.published ?? []
  if (firstRead && items.length > 0) {
    next.published = historyFromItems(items, rules)
    changed = true
  } else if (fresh > 0 && !firstRead) {
    next.published = addToHistory(history, [nowMinute], rules)
    changed = true
  }

  const announced = proposed.announced
  // The streak of failures is named by the last success before it, the same on every tick.
  const streak = `${proposed.lastSuccessAt ?? 'never'}`
  if (proposed.health === 'error' && proposed.failures >= rules.brokenAfterFailures) {
    if (announced !== 'broken') {
      const status = proposed.lastError?.status ? ` (HTTP ${proposed.lastError.status})` : ''
      events.push(
        event(
          'feed-broken',
          `${proposed.failures} polls in a row failed${status}: ${proposed.lastError?.message ?? 'unknown error'}`,
          streak,
        ),
      )
      next.announced = 'broken'
      changed = true
    }
  } else if (proposed.health === 'ok' && announced === 'broken') {
    events.push(event('feed-recovered', 'the feed answers and parses again', streak))
    next.announced = undefined
    changed = true
  } else if (proposed.health === 'ok' && announced === 'silent' && fresh > 0) {
    events.push(
      event(
        'feed-recovered',
        `the feed published ${fresh} new item(s) again`,
        `silent:${proposed.silentSince ?? ''}`,
      ),
    )
    next.announced = undefined
    next.silentSince = undefined
    changed = true
  } else if (proposed.health === 'ok' && announced === undefined) {
    const limit = silentAfterMinutes(next.published ?? [], rules)
    const last = (next.published ?? []).at(-1)
    if (limit !== undefined && last !== undefined && nowMinute - last > limit) {
      const days = ((nowMinute - last) / 1440).toFixed(1)
      const usual = usualGapMinutes(next.published ?? [], rules) ?? 0
      events.push(
        event(
          'feed-silent',
          `nothing new for ${days} days; it usually publishes every ${formatMinutes(usual)}`,
          `silent:${last}`,
        ),
      )
      next.announced = 'silent'
      next.silentSince = new Date(last * MINUTE_MS).toISOString()
      changed = true
    }
  }
  return { proposed: next, events, changed }
}

export function formatMinutes(minutes: number): string {
  if (minutes < 120) return `${Math.round(minutes)} min`
  if (minutes < 2 * 1440) return `${Math.round(minutes / 60)} h`
  return `${Math.round(minutes / 1440)} days`
}

/** A destination the ledger just disabled (it reports each one once, when it happens). */
export function destinationFailingEvent(
  destination: Pick<Destination, 'id' | 'name'>,
  reason: string,
  now: Date,
): HealthEvent {
  return {
    kind: 'destination-failing',
    subjectId: destination.id,
    subjectName: destination.name,
    detail: `disabled after repeated permanent answers: ${reason}`,
    streak: now.toISOString(),
    at: now.toISOString(),
  }
}

export const HEALTH_TITLES: Record<HealthEventKind, string> = {
  'feed-broken': 'Feed broken',
  'feed-silent': 'Feed silent',
  'feed-recovered': 'Feed recovered',
  'destination-failing': 'Destination failing',
}

/** The pseudo-watch health alerts carry: channels render it like any watch. */
export const HEALTH_WATCH = { id: 'health', name: 'Feedwatch health', query: '' } as const

/**
 * The alerts for `events`: one per event and health destination, shaped like a match so every
 * channel renders it unchanged (title, the detail as snippet). A destination never gets the news of
 * its own failure (it would fail too), and only enabled, existing destinations are used.
 */
export async function healthAlerts(
  events: HealthEvent[],
  routeTo: string[],
  destinations: Destination[],
  feeds: Feed[],
): Promise<Alert[]> {
  const usable = destinations.filter((d) => d.enabled && routeTo.includes(d.id))
  const alerts: Alert[] = []
  for (const e of events) {
    const feed = feeds.find((f) => f.id === e.subjectId)
    const title = `${HEALTH_TITLES[e.kind]}: ${e.subjectName}`
    const item: Item = {
      key: `health:${e.kind}:${e.subjectId}:${e.streak}`,
      feedId: feed?.id ?? e.subjectId,
      title,
      summary: e.detail,
      content: '',
      categories: ['feedwatch-health', e.kind],
      enclosures: [],
      published: e.at,
    }
    for (const d of usable) {
      if (d.id === e.subjectId) continue
      const id = await shortHash('health', e.kind, e.subjectId, e.streak, d.id)
      alerts.push(
        boundAlert({
          id: `h_${id}`,
          watch: { ...HEALTH_WATCH },
          feed: {
            id: feed?.id ?? e.subjectId,
            title: feed?.title ?? e.subjectName,
            url: feed ? redactFeedUrl(feed.url) : '',
          },
          item,
          match: { terms: [], fields: [], hits: [], snippet: e.detail, highlights: [] },
          destinationId: d.id,
          detectedAt: e.at,
        }),
      )
    }
  }
  return alerts
}

/**
 * The tick's one call per polled feed: the health step, and the alerts its events make for the
 * configured health destinations.
 */
export async function feedHealthAlerts(
  input: FeedHealthInput,
  config: { healthDestinations?: string[]; destinations: Destination[]; feeds: Feed[] },
): Promise<FeedHealthStep & { alerts: Alert[] }> {
  const step = feedHealthStep(input)
  const route = config.healthDestinations ?? []
  const alerts = await healthAlerts(step.events, route, config.destinations, config.feeds)
  return { ...step, alerts }
}
