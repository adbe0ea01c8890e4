// fetchFeed: one polite, bounded HTTP GET of a feed. Conditional requests (ETag/Last-Modified →
// 304), redirects followed by hand so a permanent move (301/308) is reported for the caller to
// store, Retry-After on 429/503, a whole-request timeout, a body-size limit enforced while
// streaming (and before, from Content-Length), compressed bodies read right, our User-Agent,
// per-feed headers (never forwarded to another origin), http and https only. Not responsible for
// parsing, scheduling or deciding when to retry: errors say `permanent` and the monitor decides.
// Follows RFC 9110 (semantics: conditional requests, redirects, Retry-After) and RFC 9111
// (Cache-Control max-age, Expires). The transport is injected (`deps.fetch`).
import { AddressError } from '../lib/errors'
import { parseRetryAfter } from '../lib/retry-after'
import { FetchError } from './fetch-error'
import { resolveUrl } from './url'
import { FETCH_TIMEOUT_MS, MAX_FEED_BYTES, MAX_REDIRECTS, USER_AGENT } from './limits'
import { concatBytes } from '../lib/bytes'

export interface FetchRequest {
  url: string
  etag?: string
  lastModified?: string
  headers?: Record<string, string>
}

export interface FetchDeps {
  fetch: typeof fetch
  timeoutMs?: number
  maxBytes?: number
  userAgent?: string
}

/** What the response said about when to ask again. */
export interface CacheHints {
  maxAgeSeconds?: number
  expires?: string
  retryAfterSeconds?: number
}

export type FetchResult =
  | { kind: 'not-modified'; url: string; cacheHints: CacheHints }
  | {
      kind: 'ok'
      /** The final URL after redirects. */
      url: string
      /** Where the feed moved for good (301/308 from the start of the chain): store this URL. */
      permanentRedirect?: string
      body: Uint8Array
      contentType?: string
      /** The Content-Language header: pass to parseFeed (the feed's language when it names none). */
      contentLanguage?: string
      /** The Content-Location header, absolute: pass to parseFeed (base URL before `url`). */
      contentLocation?: string
      etag?: string
      lastModified?: string
      cacheHints: CacheHints
    }

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5'

/** Statuses that will not change by asking again: the feed is gone or we may not read it. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 405, 406, 410, 414, 451, 501])

/** Cache-Control max-age, Expires and Retry-After from response headers. */
export function cacheHintsOf(headers: Headers, now: number): CacheHints {
  const hints: CacheHints = {}
  const cc = headers.get('cache-control')
  const m = cc ? /(?:^|,)\s*max-age\s*=\s*"?(\d+)/i.exec(cc) : null
  if (m) hints.maxAgeSeconds = Number(m[1])
  const expires = headers.get('expires')
  if (expires && !Number.isNaN(Date.parse(expires))) {
    hints.expires = new Date(Date.parse(expires)).toISOString()
  }
  const retry = parseRetryAfter(headers.get('retry-after'), now)
  if (retry !== undefined) hints.retryAfterSeconds = retry
  return hints
}

function checkScheme(url: string): URL {
  let u: URL
  try {
    u = new URL(url)
  } catch (cause) {
    throw new FetchError('not a valid URL', url, { permanent: true, cause })
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new FetchError(`scheme ${u.protocol} refused: only http and https`, url, {
      permanent: true,
    })
  }
  return u
}

/** Read a stream into bytes, refusing as soon as it passes `maxBytes`. */
async function readLimited(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  url: string,
): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch((cause: unknown) => void cause) // already failing; nothing to add
      throw new FetchError(`body larger than ${maxBytes} bytes refused`, url, { permanent: true })
    }
    chunks.push(value)
  }
  return concatBytes(chunks)
}

/**
 * workerd decompresses gzip and brotli bodies itself; a body that still starts with a gzip or
 * zlib header under a Content-Encoding it did not remove is decompressed here (size still bounded).
 */
async function decompressIfNeeded(
  body: Uint8Array,
  encoding: string | null,
  maxBytes: number,
  url: string,
): Promise<Uint8Array> {
  const enc = encoding?.trim().toLowerCase()
  let format: 'gzip' | 'deflate' | 'deflate-raw' | undefined
  if (body[0] === 0x1f && body[1] === 0x8b && (enc === 'gzip' || enc === 'x-gzip')) format = 'gzip'
  else if (enc === 'deflate' && body.length > 1) {
    // RFC 9110 "deflate" is zlib-wrapped; some servers send raw deflate.
    format =
      (body[0]! & 0x0f) === 8 && ((body[0]! << 8) | body[1]!) % 31 === 0 ? 'deflate' : 'deflate-raw'
  }
  if (!format) return body
  try {
    const stream = new Blob([body as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream(format))
    return await readLimited(stream, maxBytes, url)
  } catch (cause) {
    if (cause instanceof FetchError) throw cause
    throw new FetchError(`${enc} body could not be decompressed`, url, { permanent: false, cause })
  }
}

/** GET a feed. Throws FetchError for anything but 2xx and 304. */
export async function fetchFeed(req: FetchRequest, deps: FetchDeps): Promise<FetchResult> {
  const timeoutMs = deps.timeoutMs ?? FETCH_TIMEOUT_MS
  const maxBytes = deps.maxBytes ?? MAX_FEED_BYTES
  let current = checkScheme(req.url)
  const origin = current.origin
  const signal = AbortSignal.timeout(timeoutMs)
  // Called detached: workerd's global fetch throws "Illegal invocation" when `this` is `deps`.
  const transport = deps.fetch
  let permanentRedirect: string | undefined
  let stillPermanent = true

  try {
    for (let hop = 0; ; hop++) {
      const headers = new Headers()
      // Per-feed headers (Authorization, cookies) are credentials for the feed's own origin only.
      if (req.headers && current.origin === origin) {
        for (const [k, v] of Object.entries(req.headers)) {
          try {
            headers.set(k, v)
          } catch (cause) {
            // A configuration mistake, not a network one: retrying cannot help.
            throw new FetchError(`invalid per-feed header "${k}"`, req.url, {
              permanent: true,
              cause,
            })
          }
        }
      }
      headers.set('user-agent', deps.userAgent ?? USER_AGENT)
      if (!headers.has('accept')) headers.set('accept', ACCEPT)
      if (req.etag) headers.set('if-none-match', req.etag)
      if (req.lastModified) headers.set('if-modified-since', req.lastModified)

      const res = await transport(current.href, { headers, redirect: 'manual', signal })
      const now = Date.now()
      const status = res.status
      const location = res.headers.get('location')
      if (status >= 300 && status < 400 && status !== 304 && location) {
        await res.body?.cancel()
        if (hop >= MAX_REDIRECTS) {
          throw new FetchError(`more than ${MAX_REDIRECTS} redirects`, req.url, {
            status,
            permanent: false,
          })
        }
        let next: URL
        try {
          next = new URL(location, current)
        } catch (cause) {
          throw new FetchError(`redirect to an invalid URL "${location}"`, current.href, {
            status,
            permanent: false,
            cause,
          })
        }
        current = checkScheme(next.href)
        if (stillPermanent && (status === 301 || status === 308)) permanentRedirect = current.href
        else stillPermanent = false
        continue
      }
      const cacheHints = cacheHintsOf(res.headers, now)
      const permanentMove = permanentRedirect !== undefined && permanentRedirect !== req.url
      if (status === 304) {
        await res.body?.cancel()
        return { kind: 'not-modified', url: current.href, cacheHints }
      }
      if (status < 200 || status >= 300) {
        await res.body?.cancel()
        const retryAfterSeconds = cacheHints.retryAfterSeconds
        throw new FetchError(`HTTP ${status}`, current.href, {
          status,
          permanent: PERMANENT_STATUSES.has(status),
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        })
      }
      const length = Number(res.headers.get('content-length') ?? NaN)
      if (length > maxBytes) {
        await res.body?.cancel()
        throw new FetchError(
          `Content-Length ${length} exceeds the ${maxBytes}-byte limit; refused`,
          current.href,
          { status, permanent: true },
        )
      }
      let body = res.body ? await readLimited(res.body, maxBytes, current.href) : new Uint8Array()
      body = await decompressIfNeeded(
        body,
        res.headers.get('content-encoding'),
        maxBytes,
        current.href,
      )
      const result: FetchResult = { kind: 'ok', url: current.href, body, cacheHints }
      if (permanentMove) result.permanentRedirect = permanentRedirect
      const contentType = res.headers.get('content-type')
      if (contentType) result.contentType = contentType
      const contentLanguage = res.headers.get('content-language')
      if (contentLanguage) result.contentLanguage = contentLanguage
      const contentLocation = resolveUrl(
        res.headers.get('content-location') ?? undefined,
        current.href,
      )
      if (contentLocation) result.contentLocation = contentLocation
      const etag = res.headers.get('etag')
      if (etag) result.etag = etag
      const lastModified = res.headers.get('last-modified')
      if (lastModified) result.lastModified = lastModified
      return result
    }
  } catch (cause) {
    if (cause instanceof FetchError) throw cause
    // The address guard in the transport (src/lib/address-guard.ts) refused this hop: permanent.
    if (cause instanceof AddressError) {
      throw new FetchError(cause.reason, current.href, { permanent: true, cause })
    }
    const name = (cause as { name?: string } | null)?.name
    if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
      throw new FetchError(`timed out after ${timeoutMs} ms`, current.href, {
        permanent: false,
        cause,
      })
    }
    throw new FetchError(
      `network error: ${(cause as Error)?.message ?? String(cause)}`,
      current.href,
      {
        permanent: false,
        cause,
      },
    )
  }
}
