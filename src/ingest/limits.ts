// Named limits shared by the fetcher and the parser, with the reason for each value.

/**
 * Largest feed body fetched or parsed: 24 MiB. Most feeds are tens to hundreds of KB, but podcast
 * and archive feeds reach 10–20 MB and must be read; the parser reads a body this large over its
 * bytes and builds one item's tree at a time (peak extra memory 1.3–2.4× the body read item by
 * item, by script: docs/ingestion.md, measured by `npm run bench ingest-memory`), so a 128 MB
 * isolate holds a body this size. Beyond it, a body is refused rather than risking the isolate.
 */
export const MAX_FEED_BYTES = 24 * 1024 * 1024

/**
 * Whole-request timeout: 10 s. A tick polls several feeds inside one invocation; one slow server
 * must not hold the rest (six simultaneous connections per invocation).
 */
export const FETCH_TIMEOUT_MS = 10_000

/** Redirects followed before giving up: browsers allow 20; a feed needing more than 5 is broken. */
export const MAX_REDIRECTS = 5

/** Sent with every request so publishers can see who polls them and how to reach us. */
export const USER_AGENT = 'Feedwatch/0.1 (+https://github.com/feedwatch/feedwatch)'

/**
 * Bodies from this size (8 MiB) are parsed over their bytes, never decoded into one string
 * (xml-bytes.ts; docs/ingestion.md "Memory", decision 26). A whole-document string costs 1–2× the
 * body on top of the parse (two bytes a character once one character is above U+00FF): read item
 * by item, the text path peaks at up to 3.7× the body, 30 MB at this size and 90 MB at
 * MAX_FEED_BYTES, too close to a 128 MB isolate; the byte path peaks at 1.3–2.4×. Below it the
 * text path is kept: its values are slices of one string, and the byte path costs about 30% more
 * CPU (decoding each value), which the free plan's 10 ms an invocation would feel on every poll.
 */
export const BYTE_PATH_MIN_BYTES = 8 * 1024 * 1024
