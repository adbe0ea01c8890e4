// The public status as a small HTML page, for people (browsers ask for text/html); scripts get the
// same data as JSON. Pure: data in, markup out; every value is escaped.
import type { PublicStatus } from '../monitor/health'

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const STATUS_TEXT: Record<PublicStatus['status'], string> = {
  ok: 'All feeds healthy',
  degraded: 'Some feeds or deliveries need attention',
  stalled: 'No tick for over two hours: is the cron trigger running?',
  idle: 'No tick has run yet',
}

const agoText = (minutes: number): string =>
  minutes < 1
    ? 'just now'
    : minutes < 120
      ? `${minutes} min ago`
      : `${Math.round(minutes / 60)} h ago`

export function renderStatusPage(status: PublicStatus, now: Date): string {
  const tick = status.lastTick
  const ago = tick ? Math.round((now.getTime() - Date.parse(tick.at)) / 60_000) : undefined
  const row = (label: string, value: string | number) =>
    `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(String(value))}</td></tr>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>Feedwatch status: ${escapeHtml(status.status)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f }
  .badge { display: inline-block; padding: .2rem .7rem; border-radius: 1rem; font-weight: 600 }
  .ok { background: #d8f5dd } .degraded { background: #fff1c2 } .stalled, .idle { background: #fde0de }
  table { border-collapse: collapse; width: 100% } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee }
  th { font-weight: 500; color: #555; width: 55% }
</style>
</head>
<body>
<h1>Feedwatch</h1>
<p><span class="badge ${status.status}">${escapeHtml(status.status)}</span> ${escapeHtml(STATUS_TEXT[status.status])}</p>
<h2>Last tick</h2>
<table>
${
  tick
    ? [
        row('When', `${tick.at.slice(0, 16).replace('T', ' ')} UTC (${agoText(ago ?? 0)})`),
        row('Feeds polled', tick.polled),
        row('Unchanged (304 or same body)', tick.notModified),
        row('Failed', tick.failed),
        row('Deferred to the next tick', tick.deferred),
        row('New items', tick.newItems),
        row('Alerts queued', tick.alerts),
      ].join('\n')
    : row('When', 'never')
}
</table>
<h2>Feeds</h2>
<table>
${[
  row('Healthy', status.feeds.ok),
  row('Failing', status.feeds.error),
  row('Not polled yet', status.feeds.pending),
  row('Disabled', status.feeds.disabled),
].join('\n')}
</table>
<h2>Alerts</h2>
<table>
${[
  row('Active watches', status.watches),
  row('Delivered', status.alerts.sent),
  row('Retried attempts', status.alerts.retried),
  row('Waiting in dead letters', status.alerts.deadLettered),
  row('Duplicates suppressed', status.alerts.duplicates),
].join('\n')}
</table>
<p><small>Details (per feed, per delivery) on the <a href="/">dashboard</a>, or at <code>/api/status</code> with the admin token.</small></p>
</body>
</html>
`
}
