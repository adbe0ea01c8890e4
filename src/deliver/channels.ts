// The registry of channels, one entry per destination type that Feedwatch can deliver to.
// Types not listed here are refused when a destination is created, never accepted and dropped.
// Each channel lives in src/deliver/channels/ and is documented in docs/channels/.
import type { DestinationType } from '../model'
import type { Channel } from './channel'
import { discordChannel } from './channels/discord'
import { emailChannel } from './channels/email'
import { googleChatChannel } from './channels/googlechat'
import { ntfyChannel } from './channels/ntfy'
import { slackChannel } from './channels/slack'
import { teamsChannel } from './channels/teams'
import { telegramChannel } from './channels/telegram'
import { webhookChannel } from './channels/webhook'

export const CHANNELS: Record<DestinationType, Channel> = {
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  teams: teamsChannel,
  googlechat: googleChatChannel,
  ntfy: ntfyChannel,
  telegram: telegramChannel,
  email: emailChannel,
}

export const SUPPORTED_TYPES = Object.keys(CHANNELS) as DestinationType[]
