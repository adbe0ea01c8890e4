// The registry of channels, one entry per destination type that Feedwatch can deliver to.
// Types not listed here are refused when a destination is created, never accepted and dropped.
import type { DestinationType } from '../model'
import type { Channel } from './channel'
import { webhookChannel } from './webhook'

export const CHANNELS: Partial<Record<DestinationType, Channel>> = {
  webhook: webhookChannel,
}

export const SUPPORTED_TYPES = Object.keys(CHANNELS) as DestinationType[]
