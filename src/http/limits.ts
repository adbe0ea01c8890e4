// Every bound the API puts on its input, with the reason for each (documented for users in
// docs/operations.md, "Limits"). A request past a bound is refused with 413 or 400 naming it.
import { MAX_CONFIG_BYTES } from '../store/config'

/** Request bodies of the configuration routes: a feed, watch or destination is a few KB at most. */
export const MAX_BODY_BYTES = 64 * 1024

/** POST /api/preview may carry sample items: room for a few hundred articles' text. */
export const MAX_PREVIEW_BODY_BYTES = 1024 * 1024

/**
 * PUT /api/config and OPML imports: a whole configuration. The stored document has its budget
 * (MAX_CONFIG_BYTES); a pretty-printed document with credentials marked is larger: twice that.
 */
export const MAX_IMPORT_BODY_BYTES = 2 * MAX_CONFIG_BYTES

/**
 * Text a preview may match, in characters over every item and field. 500 items of 200 KB took
 * 3.4 s before this bound; 800,000 characters (4 items of 200,000, or 400 of 2,000) answer in
 * 80–320 ms here, the first request of an isolate being the slowest.
 */
export const MAX_PREVIEW_CHARS = 1_000_000

/** Per-feed request headers: a private feed needs one or two (Authorization, a cookie). */
export const MAX_FEED_HEADERS = 20
/** Header names longer than this are not real header names. */
export const MAX_HEADER_NAME_CHARS = 64
/** One header value: room for a long bearer token or JWT; servers commonly refuse 8 KB lines. */
export const MAX_HEADER_VALUE_CHARS = 4096
/** All of a feed's headers together (names and values): they are stored in every tick's config. */
export const MAX_HEADERS_TOTAL_CHARS = 8192

/** Recipients of one email destination: the send_email binding's limit per message. */
export const MAX_EMAIL_RECIPIENTS = 50

/** Digest periods: at least 5 minutes (more often is a stream, not a digest), at most a week. */
export const MIN_DIGEST_MINUTES = 5
export const MAX_DIGEST_MINUTES = 7 * 24 * 60
