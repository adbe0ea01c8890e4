// Per-feed request headers (`headers` on a feed), checked before they are stored: they travel in
// the configuration every tick reads and are sent on every poll, so a bad one would fail the feed
// forever. Names are RFC 9110 tokens; values are RFC 9110 field values (visible ASCII, Latin-1
// obs-text, spaces and tabs — never CR, LF or NUL, which would split the request); count and sizes
// are bounded (src/http/limits.ts). Headers Feedwatch sets itself, or that describe the connection
// rather than the request, are refused instead of being silently overridden.
import { ConfigError } from '../lib/errors'
import {
  MAX_FEED_HEADERS,
  MAX_HEADERS_TOTAL_CHARS,
  MAX_HEADER_NAME_CHARS,
  MAX_HEADER_VALUE_CHARS,
} from '../http/limits'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const LINE_BREAK_OR_NUL = /[\r\n\0]/
// field-content: HTAB, SP, VCHAR, obs-text
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Set by Feedwatch on every poll, or owned by the connection: a feed may not choose them. */
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'user-agent',
  'if-none-match',
  'if-modified-since',
])

/** `headers` as given, or a ConfigError naming `headers.<Name>` (or `headers`) and the limit. */
export function checkFeedHeaders(
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined
  const entries = Object.entries(headers)
  if (entries.length > MAX_FEED_HEADERS) {
    throw new ConfigError('headers', `${entries.length} headers; the limit is ${MAX_FEED_HEADERS}`)
  }
  let total = 0
  const seen = new Set<string>()
  for (const [name, value] of entries) {
    const field = `headers.${name.length > MAX_HEADER_NAME_CHARS ? name.slice(0, 20) + '…' : name}`
    if (name.length > MAX_HEADER_NAME_CHARS) {
      throw new ConfigError(field, `name longer than ${MAX_HEADER_NAME_CHARS} characters`)
    }
    if (!TOKEN.test(name)) throw new ConfigError(field, 'is not a valid header name')
    const lower = name.toLowerCase()
    if (RESERVED.has(lower)) throw new ConfigError(field, 'is set by Feedwatch or the connection')
    if (seen.has(lower)) throw new ConfigError(field, 'is given twice (names ignore case)')
    seen.add(lower)
    if (LINE_BREAK_OR_NUL.test(value)) {
      throw new ConfigError(field, 'value must not contain CR, LF or NUL')
    }
    if (!FIELD_VALUE.test(value)) {
      throw new ConfigError(field, 'value must be printable Latin-1 text (RFC 9110 field value)')
    }
    if (value.length > MAX_HEADER_VALUE_CHARS) {
      throw new ConfigError(field, `value longer than ${MAX_HEADER_VALUE_CHARS} characters`)
    }
    total += name.length + value.length
  }
  if (total > MAX_HEADERS_TOTAL_CHARS) {
    throw new ConfigError(
      'headers',
      `${total} characters of names and values; the limit is ${MAX_HEADERS_TOTAL_CHARS}`,
    )
  }
  return headers
}
