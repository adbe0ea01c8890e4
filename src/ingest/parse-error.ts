// The one error parseFeed throws: the body is not a feed we can read (HTML page, empty body,
// unrecoverable XML, invalid JSON). Everything short of that is a warning on a ParseResult.
// Carries the feed URL, the position when the XML validator can name one, and the cause.

export class ParseError extends Error {
  override readonly name = 'ParseError'
  readonly url: string
  readonly position?: { line: number; column: number }

  constructor(
    message: string,
    url: string,
    options: { cause?: unknown; position?: { line: number; column: number } } = {},
  ) {
    super(`${message} (${url})`, { cause: options.cause })
    this.url = url
    if (options.position) this.position = options.position
  }
}
