/** @jsxImportSource hono/jsx */
// The dashboard at `/`: server-rendered pages over the JSON API. Each page or form calls the API
// in-process (the same app, with the admin token) and renders its answer, so every rule — address
// guard, validation, discovery, preview, replay — is the API's own; nothing is duplicated here.
// Browsers get pages; a request that does not accept HTML gets the JSON index at `/`.
//
// Security: sign-in with the admin token sets an HttpOnly, Secure, SameSite=Strict session cookie
// (signed, expiring: session.ts); every POST must come from this origin (Hono's csrf Origin check)
// and carry the session's CSRF token; pages are sent with a strict Content-Security-Policy (styles
// and scripts from this origin only, no inline script), and hono/jsx escapes all feed text.
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { every } from 'hono/combine'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { html } from 'hono/html'
import type { Child } from 'hono/jsx'
import { secureHeaders } from 'hono/secure-headers'
import { timingSafeEqual } from 'hono/utils/buffer'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app-env'
import { limitBody } from '../body'
import { MAX_BODY_BYTES } from '../limits'
import { SCRIPT, STYLESHEET } from './assets'
import { Layout, type Frame, type Message } from './layout'
import {
  Deliveries,
  Destinations,
  Feeds,
  Overview,
  PreviewResults,
  SignIn,
  Watches,
  type DeliveriesView,
  type PreviewView,
  type Status,
  type WatchView,
} from './pages'
import {
  SESSION_COOKIE,
  SESSION_SECONDS,
  checkCsrf,
  createSession,
  csrfToken,
  readSession,
  type Session,
} from './session'

/** Runs a request through the whole app (the API routes), in this isolate. */
export type InternalFetch = (request: Request, env: Env) => Promise<Response>

type DashEnv = AppEnv & { Variables: AppEnv['Variables'] & { session: Session; csrf: string } }
type DashContext = Context<DashEnv>

/** Static files change only with a deploy: an hour of caching is plenty and never stale for long. */
const ASSET_MAX_AGE_SECONDS = 3600

const strictHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    scriptSrc: ["'self'"],
    connectSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
})

interface ApiAnswer {
  status: number
  json: any
}

/** A form field as one string ('' when absent). */
const field = (form: Record<string, unknown>, name: string): string => {
  const v = form[name]
  return typeof v === 'string' ? v.trim() : ''
}
/** A repeated form field (checkboxes) as a list. */
const fields = (form: Record<string, unknown>, name: string): string[] => {
  const v = form[name]
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  )
}
/** Only a local path may follow sign-in (no open redirect). */
const localPath = (next: string): string =>
  next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'

const errorText = (a: ApiAnswer): string =>
  a.json?.error?.message ?? `the API answered HTTP ${a.status}`

export function dashboardRoutes(internal: InternalFetch) {
  async function api(c: DashContext, method: string, path: string, body?: unknown) {
    const headers = new Headers({ authorization: `Bearer ${c.env.ADMIN_TOKEN}` })
    if (body !== undefined) headers.set('content-type', 'application/json')
    const request = new Request(new URL(path, c.req.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const res = await internal(request, c.env)
    const text = await res.text()
    return {
      status: res.status,
      json: text ? (JSON.parse(text) as unknown) : undefined,
    } as ApiAnswer
  }

  async function read<T>(c: DashContext, path: string): Promise<T> {
    const answer = await api(c, 'GET', path)
    if (answer.status !== 200) throw new Error(`GET ${path}: ${errorText(answer)}`)
    return answer.json as T
  }

  function page(
    c: Context,
    frame: Frame,
    body: Child,
    status: ContentfulStatusCode = 200,
  ): Response | Promise<Response> {
    c.header('cache-control', 'no-store')
    return c.html(html`<!doctype html>${(<Layout {...frame}>{body}</Layout>)}`, status)
  }

  const needsToken: MiddlewareHandler<DashEnv> = async (c, next) => {
    if (!c.env.ADMIN_TOKEN) return c.text('ADMIN_TOKEN is not set: the dashboard is disabled', 503)
    await next()
  }

  /** A signed-in session, or a redirect to the sign-in page. */
  const signedIn: MiddlewareHandler<DashEnv> = async (c, next) => {
    const now = c.get('deps').now()
    const session = await readSession(c.env.ADMIN_TOKEN, getCookie(c, SESSION_COOKIE), now)
    if (!session) {
      if (c.req.method !== 'GET') return c.text('Your session expired: sign in again.', 401)
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303)
    }
    c.set('session', session)
    c.set('csrf', await csrfToken(c.env.ADMIN_TOKEN, session))
    await next()
  }

  /** Every form: from this origin, small, and carrying this session's CSRF token. */
  const formChecks: MiddlewareHandler<DashEnv> = async (c, next) => {
    const form = await c.req.parseBody({ all: true })
    const token = form._csrf
    if (
      !(await checkCsrf(
        c.env.ADMIN_TOKEN,
        c.get('session'),
        typeof token === 'string' ? token : undefined,
      ))
    ) {
      return c.text('This form is out of date (CSRF token): reload the page and try again.', 403)
    }
    await next()
  }

  const view = every(strictHeaders, needsToken, signedIn)
  const action = every(
    strictHeaders,
    needsToken,
    csrf(),
    limitBody(MAX_BODY_BYTES),
    signedIn,
    formChecks,
  )

  const frame = (c: DashContext, title: string, current: string, message?: Message): Frame => ({
    title,
    current,
    csrf: c.get('csrf'),
    message,
  })

  async function renderFeeds(
    c: DashContext,
    message?: Message,
    status: ContentfulStatusCode = 200,
  ) {
    const s = await read<Status>(c, '/api/status')
    return page(
      c,
      frame(c, 'Feeds', '/feeds', message),
      <Feeds status={s} csrf={c.get('csrf')} />,
      status,
    )
  }

  async function renderWatches(
    c: DashContext,
    extra: {
      editing?: Partial<WatchView>
      preview?: PreviewView
      error?: { message: string; position?: number }
      message?: Message
    } = {},
    status: ContentfulStatusCode = 200,
  ) {
    const [s, w] = await Promise.all([
      read<Status>(c, '/api/status'),
      read<{ watches: WatchView[] }>(c, '/api/watches'),
    ])
    const editId = c.req.query('edit')
    const editing = extra.editing ?? w.watches.find((x) => x.id === editId) ?? {}
    return page(
      c,
      frame(c, 'Watches', '/watches', extra.message),
      <Watches
        status={s}
        watches={w.watches}
        csrf={c.get('csrf')}
        editing={editing}
        preview={extra.preview}
        error={extra.error}
      />,
      status,
    )
  }

  async function renderDestinations(
    c: DashContext,
    message?: Message,
    status: ContentfulStatusCode = 200,
  ) {
    const s = await read<Status>(c, '/api/status')
    return page(
      c,
      frame(c, 'Destinations', '/destinations', message),
      <Destinations status={s} csrf={c.get('csrf')} />,
      status,
    )
  }

  async function renderDeliveries(
    c: DashContext,
    message?: Message,
    status: ContentfulStatusCode = 200,
  ) {
    const d = await read<DeliveriesView>(c, '/api/deliveries')
    return page(
      c,
      frame(c, 'Deliveries', '/deliveries', message),
      <Deliveries deliveries={d} csrf={c.get('csrf')} />,
      status,
    )
  }

  /** The watch form as typed, for the editor to show it again. */
  const editedWatch = (form: Record<string, unknown>): Partial<WatchView> => ({
    id: field(form, 'id') || undefined,
    name: field(form, 'name'),
    query: typeof form.query === 'string' ? form.query : '',
    destinations: fields(form, 'destinations'),
  })

  const failed = (a: ApiAnswer) => a.status >= 400
  const statusOf = (a: ApiAnswer) => a.status as ContentfulStatusCode

  return new Hono<DashEnv>()
    .get('/ui/app.css', (c) => {
      c.header('content-type', 'text/css; charset=utf-8')
      c.header('cache-control', `public, max-age=${ASSET_MAX_AGE_SECONDS}`)
      return c.body(STYLESHEET)
    })
    .get('/ui/app.js', (c) => {
      c.header('content-type', 'text/javascript; charset=utf-8')
      c.header('cache-control', `public, max-age=${ASSET_MAX_AGE_SECONDS}`)
      return c.body(SCRIPT)
    })
    .get('/', async (c, next) => {
      // Scripts and monitors asking for JSON keep the index that was here before the dashboard.
      if (c.req.header('accept')?.includes('text/html')) return next()
      return c.json({
        name: 'Feedwatch',
        status: '/status',
        dashboard: '/',
        api: [
          '/api/feeds',
          '/api/watches',
          '/api/destinations',
          '/api/deliveries',
          '/api/preview',
          '/api/status',
          '/api/health',
          '/api/config',
          '/api/openapi.json',
        ],
      })
    })
    .get('/', view, async (c) => {
      const s = await read<Status>(c, '/api/status')
      return page(c, frame(c, 'Overview', '/'), <Overview status={s} />)
    })
    .get('/login', strictHeaders, needsToken, (c) =>
      page(c, { title: 'Sign in' }, <SignIn next={localPath(c.req.query('next') ?? '/')} />),
    )
    .post('/login', strictHeaders, needsToken, csrf(), limitBody(MAX_BODY_BYTES), async (c) => {
      const form = await c.req.parseBody()
      const token = typeof form.token === 'string' ? form.token : ''
      const next = localPath(typeof form.next === 'string' ? form.next : '/')
      if (!token || !(await timingSafeEqual(c.env.ADMIN_TOKEN, token))) {
        return page(
          c,
          { title: 'Sign in', message: { text: 'Wrong token.', bad: true } },
          <SignIn next={next} />,
          401,
        )
      }
      setCookie(c, SESSION_COOKIE, await createSession(c.env.ADMIN_TOKEN, c.get('deps').now()), {
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: SESSION_SECONDS,
      })
      return c.redirect(next, 303)
    })
    .post('/logout', action, (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true })
      return c.redirect('/login', 303)
    })
    .get('/feeds', view, (c) => renderFeeds(c))
    .post('/feeds', action, async (c) => {
      const form = await c.req.parseBody()
      const title = field(form, 'title')
      const a = await api(c, 'POST', '/api/feeds', {
        url: field(form, 'url'),
        ...(title ? { title } : {}),
        // The API refuses a value that is not a whole number in range, naming the field.
        ...(field(form, 'intervalMinutes')
          ? { intervalMinutes: Number(field(form, 'intervalMinutes')) }
          : {}),
      })
      if (failed(a)) return renderFeeds(c, { text: errorText(a), bad: true }, statusOf(a))
      const via = a.json.discovery ? ` (discovered through ${a.json.discovery.via})` : ''
      return renderFeeds(c, {
        text: `Added ${a.json.feed.url}${via}. It is polled on the next tick.`,
      })
    })
    .get('/watches', view, (c) => renderWatches(c))
    .post('/watches/preview', action, async (c) => {
      const form = await c.req.parseBody({ all: true })
      const editing = editedWatch(form)
      const query = editing.query ?? ''
      let preview: PreviewView | undefined
      let error: { message: string; position?: number } | undefined
      if (query.trim()) {
        const a = await api(c, 'POST', '/api/preview', { query })
        if (failed(a)) error = { message: errorText(a), position: a.json?.error?.position }
        else preview = a.json as PreviewView
      }
      if (c.req.header('x-fragment')) {
        c.header('cache-control', 'no-store')
        return c.html(<PreviewResults preview={preview} error={error} query={query} />)
      }
      return renderWatches(c, { editing, preview, error })
    })
    .post('/watches', action, async (c) => {
      const form = await c.req.parseBody({ all: true })
      const editing = editedWatch(form)
      const body = { name: editing.name, query: editing.query, destinations: editing.destinations }
      const a = editing.id
        ? await api(c, 'PATCH', `/api/watches/${encodeURIComponent(editing.id)}`, body)
        : await api(c, 'POST', '/api/watches', body)
      if (failed(a)) {
        const error =
          a.json?.error?.field === 'query'
            ? { message: errorText(a), position: a.json.error.position }
            : undefined
        return renderWatches(
          c,
          { editing, error, message: { text: errorText(a), bad: true } },
          statusOf(a),
        )
      }
      return renderWatches(c, {
        editing: {},
        message: { text: `Saved the watch “${a.json.watch.name}”.` },
      })
    })
    .get('/destinations', view, (c) => renderDestinations(c))
    .post('/destinations', action, async (c) => {
      const form = await c.req.parseBody()
      const body: Record<string, unknown> = { name: field(form, 'name'), type: field(form, 'type') }
      for (const name of ['url', 'token', 'chatId'])
        if (field(form, name)) body[name] = field(form, name)
      const to = field(form, 'to')
      if (to)
        body.to = to
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      const a = await api(c, 'POST', '/api/destinations', body)
      if (failed(a)) return renderDestinations(c, { text: errorText(a), bad: true }, statusOf(a))
      const secret = a.json.secret
        ? ` Its signing secret, shown this once: ${a.json.secret as string}`
        : ''
      return renderDestinations(c, { text: `Added “${a.json.destination.name}”.${secret}` })
    })
    .post('/destinations/health', action, async (c) => {
      const form = await c.req.parseBody({ all: true })
      const a = await api(c, 'PUT', '/api/health', { destinations: fields(form, 'destinations') })
      if (failed(a)) return renderDestinations(c, { text: errorText(a), bad: true }, statusOf(a))
      return renderDestinations(c, { text: 'Health alerts will go to the checked destinations.' })
    })
    .post('/destinations/:id/test', action, async (c) => {
      const id = c.req.param('id')
      const a = await api(c, 'POST', `/api/destinations/${encodeURIComponent(id)}/test`)
      if (failed(a)) return renderDestinations(c, { text: errorText(a), bad: true }, statusOf(a))
      const r = a.json as { outcome: string; status?: number; error?: string }
      const http = r.status ? ` (HTTP ${r.status})` : ''
      return renderDestinations(c, {
        text: `Test to ${id}: ${r.outcome}${http}${r.error ? `: ${r.error}` : ''}`,
        bad: r.outcome !== 'delivered',
      })
    })
    .post('/destinations/:id/enable', action, async (c) => {
      const id = c.req.param('id')
      const a = await api(c, 'POST', `/api/destinations/${encodeURIComponent(id)}/enable`)
      if (failed(a)) return renderDestinations(c, { text: errorText(a), bad: true }, statusOf(a))
      return renderDestinations(c, { text: `Re-enabled ${id}: its dead letters can be replayed.` })
    })
    .get('/deliveries', view, (c) => renderDeliveries(c))
    .post('/deliveries/:id/replay', action, async (c) => {
      const id = c.req.param('id')
      const a = await api(c, 'POST', `/api/deliveries/${encodeURIComponent(id)}/replay`)
      if (failed(a)) return renderDeliveries(c, { text: errorText(a), bad: true }, statusOf(a))
      return renderDeliveries(c, { text: `Replayed ${id}: it is back in the delivery queue.` })
    })
}
