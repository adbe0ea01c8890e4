// The small error hierarchy shared across stages (docs/architecture.md, "Conventions"). Stage-specific errors that
// carry stage-specific context (ParseError, FetchError in ingest; QueryError in watch) live with
// their stage; these are the ones more than one stage throws or catches.

/** Invalid configuration: a request body, a stored document or an environment variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** Dotted path of the offending field, e.g. `destinations[0]` or `url`. */
  readonly field: string
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options)
    this.field = field
  }
}

/** A destination refused or failed an alert. `retryable` says whether another try may succeed. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  readonly channel: string
  readonly status?: number
  readonly retryable: boolean
  readonly retryAfterSeconds?: number
  constructor(
    message: string,
    details: { channel: string; status?: number; retryable: boolean; retryAfterSeconds?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.channel = details.channel
    this.status = details.status
    this.retryable = details.retryable
    this.retryAfterSeconds = details.retryAfterSeconds
  }
}

/** The message of any thrown value, for logs and status fields. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * An outgoing URL the address guard refused (src/lib/address-guard.ts): a loopback, private or
 * reserved host, a non-http(s) scheme, or plain http for a destination. Retrying cannot help.
 */
export class AddressError extends Error {
  override readonly name = 'AddressError'
  /** The input that holds the URL, e.g. `url` or `apiBase`. */
  readonly field: string
  /** Why, without the field: for messages about a request rather than an input. */
  readonly reason: string
  constructor(field: string, reason: string, options?: { cause?: unknown }) {
    super(`${field}: ${reason}`, options)
    this.field = field
    this.reason = reason
  }
}
