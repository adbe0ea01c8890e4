// `npm start` as a newcomer runs it: an alert with the article's title must reach the terminal
// within a minute, by webhook and by email; then a flash pushed by the live desk's WebSub hub must
// alert within seconds of the push, unpolled; /status must then show the feeds healthy and the
// alerts sent: both stories by webhook, the first by email (the second email waits for the inbox's
// one-a-minute pace, docs/delivery.md, and may or may not have gone out by then).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

describe('npm start (offline demo)', () => {
  const state = mkdtempSync(join(tmpdir(), 'feedwatch-e2e-'))
  let child: ChildProcess | undefined
  let output = ''

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(state, { recursive: true, force: true })
  })

  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`)),
        timeoutMs,
      )
      const check = () => {
        const m = output.match(pattern)
        if (m) {
          clearTimeout(deadline)
          child?.stdout?.off('data', check)
          resolve(m)
        }
      }
      child?.stdout?.on('data', check)
      check()
    })

  it('shows the demo alert within 60 seconds and reports it in /status', async () => {
    const started = Date.now()
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { ...process.env, FEEDWATCH_TICK_SECONDS: '5', FEEDWATCH_DEMO_STATE: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()))

    await waitFor(/🔔 ALERT.*Raid manqué dans la région de Belgorod/, 60_000)
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(output).toContain('signature verified')
    expect(output).toMatch(/matched: .*belgorod/i)
    // The same match by email, as Miniflare's send_email binding wrote it, parsed as MIME.
    await waitFor(/✉ EMAIL.*newsroom@example\.com/, 20_000)
    await waitFor(/subject: .*Raid manqué dans la région de Belgorod/, 5_000)
    await waitFor(/x-feedwatch-alert-id: \S+ +\(HTML part: yes\)/, 5_000)
    // The pushed flash (WebSub), after the polled story, well under the 2 s target.
    await waitFor(/🔔 ALERT.*Flash : Bruxelles convoque/, 30_000)
    const [, pushMs] = await waitFor(/pushed flash alerted (\d+) ms after the hub's POST/, 10_000)
    expect(Number(pushMs)).toBeLessThan(2_000)

    const [, statusUrl] = await waitFor(/status:\s+(http:\/\/127\.0\.0\.1:\d+\/status)/, 10_000)
    let status: any
    for (let i = 0; i < 150; i++) {
      status = await (await fetch(statusUrl!)).json()
      if (status.alerts.sent >= 3) break
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(status.feeds).toMatchObject({ total: 2, ok: 2, error: 0 })
    expect(status.alerts.sent).toBeGreaterThanOrEqual(3)
    expect(status.alerts.sent).toBeLessThanOrEqual(4)
    expect(status.status).toBe('ok')
    // The other new story mentions « une Belge » but not Belgorod: no alert for it.
    expect(output).not.toMatch(/ALERT.*Roland-Garros/)
  })
})
