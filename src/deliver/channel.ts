// One interface for every notification service (STYLE.md habit 4). A channel turns an alert into
// the service's request, sends it, and classifies the answer; the consumer owns retries, dead
// letters and the log, so a channel never retries by itself.
import type { Alert, Destination, DestinationType } from '../model'

export interface ChannelDeps {
  fetch: typeof fetch
  now: Date
}

export interface SendResult {
  status: number
}

export interface Channel {
  readonly type: DestinationType
  /** Sends one alert. Throws DeliveryError (with `retryable`) when the destination did not take it. */
  send(alert: Alert, destination: Destination, deps: ChannelDeps): Promise<SendResult>
}
