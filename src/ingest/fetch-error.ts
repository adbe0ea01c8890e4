// The one error fetchFeed throws. `permanent` tells the monitor whether retrying can ever help
// (404, 410, 401, 403, a refused scheme, an oversize body) or whether to back off and try again
// (timeouts, 5xx, 429, network errors). Carries the URL, the status, Retry-After and the cause.

export class FetchError extends Error {
  override readonly name = 'FetchError'
  readonly url: string
  readonly status?: number
  readonly retryAfterSeconds?: number
  readonly permanent: boolean

  constructor(
    message: string,
    url: string,
    options: { status?: number; retryAfterSeconds?: number; permanent: boolean; cause?: unknown },
  ) {
    super(`${message} (GET ${url})`, { cause: options.cause })
    this.url = url
    if (options.status !== undefined) this.status = options.status
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds
    this.permanent = options.permanent
  }
}
