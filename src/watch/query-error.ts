// The one error a watch query can raise: a reason, the offset where it was found, and a display
// form (message, query excerpt, caret) for logs and the dashboard.
// Not responsible for HTTP answers: src/http maps it to 400 { error: { message, position } }.

/** Excerpts longer than this are cut around the error so the caret line stays readable. */
const EXCERPT_RADIUS = 30

export class QueryError extends Error {
  override readonly name = 'QueryError'
  /** UTF-16 offset into `query`, 0-based: the same number the message says after "at". */
  readonly position: number
  readonly query: string
  /** `message` + '\n' + query excerpt + '\n' + caret under the position. */
  readonly display: string

  constructor(reason: string, position: number, query: string) {
    super(`${reason} at ${position}`)
    this.position = position
    this.query = query
    this.display = `${this.message}\n${caretExcerpt(query, position)}`
  }
}

function caretExcerpt(query: string, position: number): string {
  const from = Math.max(0, position - EXCERPT_RADIUS)
  const to = Math.min(query.length, position + EXCERPT_RADIUS)
  const prefix = from > 0 ? '…' : ''
  const suffix = to < query.length ? '…' : ''
  const excerpt = prefix + query.slice(from, to).replace(/[\r\n\t]/g, ' ') + suffix
  return `${excerpt}\n${' '.repeat(prefix.length + position - from)}^`
}
