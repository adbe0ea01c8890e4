/** @jsxImportSource hono/jsx */
// The dashboard's pages, one component each: overview, feeds, watches, destinations, deliveries,
// and sign-in. Pure: each takes the API's answers (as JSON) and renders them; routes.tsx fetches.
import type { DetailedStatus } from '../../monitor/health'
import { HEALTH_WATCH } from '../../monitor/health-events'
import { Badge, Highlighted, PostForm, Table, Time } from './layout'

export type Status = DetailedStatus

export interface WatchView {
  id: string
  name: string
  query: string
  destinations: string[]
  enabled: boolean
}

export interface PreviewView {
  results: Array<{
    matched: boolean
    title?: string
    url?: string
    feedId?: string
    snippet: string
    highlights: Array<[number, number]>
  }>
  feeds?: number
  errors?: Array<{ feedId: string; error: string }>
  truncated?: string
}

export interface QueryErrorView {
  message: string
  position?: number
}

export interface DeliveriesView {
  counters: Record<string, number>
  deadLetters: Array<{
    alertId: string
    destinationId: string
    watch: { name: string }
    item: { title: string }
    error: string
    attempts: number
    at: string
  }>
}

export function SignIn({ next }: { next: string }) {
  return (
    <form method="post" action="/login" class="stack">
      <input type="hidden" name="next" value={next} />
      <div>
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <p class="hint">The ADMIN_TOKEN secret of this Worker.</p>
      </div>
      <div>
        <button type="submit">Sign in</button>
      </div>
    </form>
  )
}

export function Overview({ status }: { status: Status }) {
  const failing = status.feeds.filter((f) => f.health === 'error' || f.announced)
  const disabled = status.destinations.filter((d) => d.disabled)
  const c = status.feedCounts
  return (
    <>
      <section aria-labelledby="glance">
        <h2 id="glance">At a glance</h2>
        <div class="cards">
          <div class="card">
            Status <strong>{status.status}</strong>
          </div>
          <div class="card">
            Feeds healthy <strong>{`${c.ok} / ${c.total}`}</strong>
          </div>
          <div class="card">
            Feeds failing <strong>{c.error}</strong>
          </div>
          <div class="card">
            Alerts delivered <strong>{status.alerts.sent}</strong>
          </div>
          <div class="card">
            Dead letters <strong>{status.alerts.deadLettered}</strong>
          </div>
        </div>
        <p>
          Last tick: <Time iso={status.lastTick?.at} />
        </p>
      </section>
      <section aria-labelledby="attention">
        <h2 id="attention">Needs attention</h2>
        {failing.length === 0 && disabled.length === 0 && status.alerts.deadLettered === 0 ? (
          <p>Nothing: every feed and destination works.</p>
        ) : (
          <ul>
            {failing.map((f) => (
              <li>
                Feed <a href="/feeds">{f.title ?? f.url}</a>:{' '}
                {f.announced === 'silent' ? 'silent' : (f.lastError?.message ?? f.health)}
              </li>
            ))}
            {disabled.map((d) => (
              <li>
                Destination <a href="/destinations">{d.name}</a> disabled: {d.disabledReason}
              </li>
            ))}
            {status.alerts.deadLettered > 0 && (
              <li>
                <a href="/deliveries">{`${status.alerts.deadLettered} dead letter(s)`}</a> waiting
                for a replay
              </li>
            )}
          </ul>
        )}
      </section>
      <section aria-labelledby="recent">
        <h2 id="recent">Recent alerts</h2>
        <Table head={['When', 'Alert', 'Watch', 'Destination', 'Outcome']}>
          {status.deliveries.recent.map((r) => (
            <tr>
              <td>
                <Time iso={r.at} />
              </td>
              <td>{r.title}</td>
              <td>
                {r.watchId === HEALTH_WATCH.id
                  ? HEALTH_WATCH.name
                  : (status.watches.find((w) => w.id === r.watchId)?.name ?? r.watchId)}
              </td>
              <td>
                {status.destinations.find((d) => d.id === r.destinationId)?.name ?? r.destinationId}
              </td>
              <td>
                <Badge value={r.outcome} />
              </td>
            </tr>
          ))}
        </Table>
        {status.deliveries.recent.length === 0 && <p>No alert yet.</p>}
      </section>
    </>
  )
}

export function Feeds({ status, csrf }: { status: Status; csrf: string }) {
  return (
    <>
      <section aria-labelledby="add-feed">
        <h2 id="add-feed">Add a feed</h2>
        <PostForm action="/feeds" csrf={csrf} class="stack">
          <div>
            <label for="feed-url">Site or feed URL</label>
            <input id="feed-url" name="url" type="url" required />
            <p class="hint">A site's address works: its feed is discovered.</p>
          </div>
          <div>
            <label for="feed-title">Title (optional)</label>
            <input id="feed-title" name="title" type="text" />
          </div>
          <div>
            <label for="feed-interval">Check every (minutes, optional)</label>
            <input id="feed-interval" name="intervalMinutes" type="number" min="1" max="1440" />
            <p class="hint">Default 10; the feed's own hints may lengthen it.</p>
          </div>
          <div>
            <button type="submit">Add feed</button>
          </div>
        </PostForm>
      </section>
      <section aria-labelledby="feed-list">
        <h2 id="feed-list">Feeds</h2>
        <Table head={['Feed', 'Health', 'Last fetch', 'Items', 'Next poll', 'Last error']}>
          {status.feeds.map((f) => (
            <tr>
              <td>
                {f.title ?? f.id}
                <br />
                <small>{f.url}</small>
              </td>
              <td>
                <Badge value={f.enabled ? f.health : 'disabled'} />
                {f.announced && <> ({f.announced})</>}
                {f.failures > 0 && <> · {f.failures} failure(s) in a row</>}
              </td>
              <td>
                <Time iso={f.checkedAt} />
                {f.httpStatus !== undefined && <> · HTTP {f.httpStatus}</>}
              </td>
              <td>
                {f.itemCount ?? '–'}
                <br />
                <small>
                  newest <Time iso={f.lastNewItemAt} />
                </small>
              </td>
              <td>
                <Time iso={f.nextPoll.at} />
                <br />
                <small>{f.nextPoll.why}</small>
              </td>
              <td>
                {f.lastError?.message ?? '–'}
                {f.warnings.length > 0 && (
                  <>
                    <br />
                    <small>Parser: {f.warnings.join('; ')}</small>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
        {status.feeds.length === 0 && <p>No feed yet.</p>}
      </section>
    </>
  )
}

export function PreviewResults(props: {
  preview?: PreviewView
  error?: QueryErrorView
  query?: string
}) {
  const { preview, error, query = '' } = props
  if (error) {
    const at = error.position
    return (
      <div class="query-error">
        <p role="alert">
          <strong>Syntax error</strong>: {error.message}
        </p>
        {at !== undefined && (
          <p>
            <code>
              {query.slice(0, at)}
              <mark class="err">{query.slice(at, at + 1) || ' '}</mark>
              {query.slice(at + 1)}
            </code>
          </p>
        )}
      </div>
    )
  }
  if (!preview) return <p>Type a query to see which current items match.</p>
  const matched = preview.results.filter((r) => r.matched)
  return (
    <div>
      <p>
        <strong>{matched.length}</strong> of {preview.results.length} current items match
        {preview.feeds !== undefined && <> (from {preview.feeds} feed(s))</>}.
        {preview.truncated && <> Some items were left out: {preview.truncated}.</>}
      </p>
      <ul>
        {matched.map((r) => (
          <li>
            {r.url ? <a href={r.url}>{r.title ?? r.url}</a> : r.title}
            <br />
            <small>
              <Highlighted text={r.snippet} spans={r.highlights} />
            </small>
          </li>
        ))}
      </ul>
      {(preview.errors ?? []).map((e) => (
        <p class="hint">{`Feed ${e.feedId} could not be read: ${e.error}`}</p>
      ))}
    </div>
  )
}

export function Watches(props: {
  status: Status
  watches: WatchView[]
  csrf: string
  editing: Partial<WatchView>
  preview?: PreviewView
  error?: QueryErrorView
}) {
  const { status, watches, csrf, editing } = props
  const chosen = new Set(editing.destinations ?? [])
  return (
    <>
      <section aria-labelledby="edit-watch">
        <h2 id="edit-watch">{editing.id ? `Edit “${editing.name ?? editing.id}”` : 'New watch'}</h2>
        <PostForm action="/watches" csrf={csrf} class="stack" data-preview="/watches/preview">
          {editing.id && <input type="hidden" name="id" value={editing.id} />}
          <div>
            <label for="watch-name">Name</label>
            <input id="watch-name" name="name" type="text" value={editing.name ?? ''} required />
          </div>
          <div>
            <label for="watch-query">Query</label>
            <textarea id="watch-query" name="query" required aria-describedby="query-help">
              {editing.query ?? ''}
            </textarea>
            <p class="hint" id="query-help">
              Words, "phrases", AND, OR, NOT, parentheses, prefix* (see docs/query-language.md).
            </p>
          </div>
          <fieldset>
            <legend>Send matches to</legend>
            {status.destinations.map((d) => (
              <div>
                <input
                  type="checkbox"
                  id={`watch-dest-${d.id}`}
                  name="destinations"
                  value={d.id}
                  checked={chosen.has(d.id)}
                />{' '}
                <label class="inline" for={`watch-dest-${d.id}`}>
                  {d.name}
                </label>
              </div>
            ))}
            {status.destinations.length === 0 && <p>Add a destination first.</p>}
          </fieldset>
          <div>
            <button type="submit" formaction="/watches/preview" class="secondary">
              Preview
            </button>{' '}
            <button type="submit">Save watch</button>
          </div>
        </PostForm>
        <h3>Preview</h3>
        <div id="preview" aria-live="polite">
          <PreviewResults preview={props.preview} error={props.error} query={editing.query} />
        </div>
      </section>
      <section aria-labelledby="watch-list">
        <h2 id="watch-list">Watches</h2>
        <Table head={['Watch', 'Query', 'Matches today', 'In total', 'Last match']}>
          {watches.map((w) => {
            const m = status.watches.find((s) => s.id === w.id)?.matches
            return (
              <tr>
                <td>
                  <a href={`/watches?edit=${encodeURIComponent(w.id)}`}>{w.name}</a>
                </td>
                <td>
                  <code>{w.query}</code>
                </td>
                <td>{m?.today ?? 0}</td>
                <td>{m?.total ?? 0}</td>
                <td>
                  <Time iso={m?.lastMatchAt} />
                </td>
              </tr>
            )
          })}
        </Table>
        {watches.length === 0 && <p>No watch yet.</p>}
      </section>
    </>
  )
}

const TYPES = ['webhook', 'slack', 'discord', 'teams', 'googlechat', 'ntfy', 'telegram', 'email']

export function Destinations({ status, csrf }: { status: Status; csrf: string }) {
  return (
    <>
      <section aria-labelledby="dest-list">
        <h2 id="dest-list">Destinations</h2>
        <Table
          head={['Destination', 'State', 'Sent · retried · dead (recent)', 'Last error', 'Test']}
        >
          {status.destinations.map((d) => (
            <tr>
              <td>
                {d.name} <small>({d.type})</small>
              </td>
              <td>
                <Badge value={d.disabled ? 'disabled' : d.enabled ? 'ok' : 'paused'} />
              </td>
              <td>{`${d.recent.sent} · ${d.recent.retried} · ${d.recent.dead}`}</td>
              <td>{d.lastError ?? '–'}</td>
              <td>
                {d.disabled && (
                  <PostForm action={`/destinations/${encodeURIComponent(d.id)}/enable`} csrf={csrf}>
                    <button type="submit" aria-label={`Re-enable ${d.name}`}>
                      Re-enable
                    </button>
                  </PostForm>
                )}
                <PostForm action={`/destinations/${encodeURIComponent(d.id)}/test`} csrf={csrf}>
                  <button type="submit" class="secondary" aria-label={`Send test to ${d.name}`}>
                    Send test
                  </button>
                </PostForm>
              </td>
            </tr>
          ))}
        </Table>
        {status.destinations.length === 0 && <p>No destination yet.</p>}
      </section>
      {status.destinations.length > 0 && (
        <section aria-labelledby="health-route">
          <h2 id="health-route">Health alerts</h2>
          <PostForm action="/destinations/health" csrf={csrf} class="stack">
            <fieldset>
              <legend>
                Send "feed broken", "feed silent", "feed recovered" and "destination failing" to
              </legend>
              {status.destinations.map((d) => (
                <div>
                  <input
                    type="checkbox"
                    id={`health-${d.id}`}
                    name="destinations"
                    value={d.id}
                    checked={d.healthEvents}
                  />{' '}
                  <label class="inline" for={`health-${d.id}`}>
                    {d.name}
                  </label>
                </div>
              ))}
            </fieldset>
            <div>
              <button type="submit">Save</button>
            </div>
          </PostForm>
        </section>
      )}
      <section aria-labelledby="add-dest">
        <h2 id="add-dest">Add a destination</h2>
        <PostForm action="/destinations" csrf={csrf} class="stack">
          <div>
            <label for="dest-name">Name</label>
            <input id="dest-name" name="name" type="text" required />
          </div>
          <div>
            <label for="dest-type">Type</label>
            <select id="dest-type" name="type">
              {TYPES.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="dest-url">URL</label>
            <input id="dest-url" name="url" type="url" aria-describedby="dest-url-hint" />
            <p class="hint" id="dest-url-hint">
              Webhook, Slack, Discord, Teams, Google Chat and ntfy (see docs/channels/).
            </p>
          </div>
          <div>
            <label for="dest-token">Token (ntfy, Telegram)</label>
            <input id="dest-token" name="token" type="password" autocomplete="off" />
          </div>
          <div>
            <label for="dest-chat">Chat id (Telegram)</label>
            <input id="dest-chat" name="chatId" type="text" />
          </div>
          <div>
            <label for="dest-to">Email addresses (comma-separated)</label>
            <input id="dest-to" name="to" type="text" />
          </div>
          <div>
            <button type="submit">Add destination</button>
          </div>
        </PostForm>
      </section>
    </>
  )
}

export function Deliveries({ deliveries, csrf }: { deliveries: DeliveriesView; csrf: string }) {
  const c = deliveries.counters
  return (
    <>
      <section aria-labelledby="counts">
        <h2 id="counts">Counters</h2>
        <div class="cards">
          {Object.entries(c).map(([k, v]) => (
            <div class="card">
              {k} <strong>{v}</strong>
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="dead">
        <h2 id="dead">Dead letters</h2>
        <Table head={['When', 'Alert', 'Destination', 'Error', 'Replay']}>
          {deliveries.deadLetters.map((d) => (
            <tr>
              <td>
                <Time iso={d.at} />
              </td>
              <td>
                {d.item.title}
                <br />
                <small>{d.watch.name}</small>
              </td>
              <td>{d.destinationId}</td>
              <td>{`${d.error} (${d.attempts} attempt(s))`}</td>
              <td>
                <PostForm
                  action={`/deliveries/${encodeURIComponent(d.alertId)}/replay`}
                  csrf={csrf}
                >
                  <button type="submit" aria-label={`Replay “${d.item.title}”`}>
                    Replay
                  </button>
                </PostForm>
              </td>
            </tr>
          ))}
        </Table>
        {deliveries.deadLetters.length === 0 && <p>No dead letter.</p>}
      </section>
    </>
  )
}
