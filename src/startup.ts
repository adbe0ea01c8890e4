// What a new isolate does once, in the Worker's global scope, before its first event: it warms
// the code a tick runs on every item, the matcher's (src/watch/warm-up.ts) and the feed
// reader's (src/ingest/warm-up.ts), so that a tick landing on a new isolate does not spend its
// CPU limit compiling and interpreting that code (docs/decisions.md, 31). Nothing here may keep
// the Worker from starting: a failing warm-up is logged and the isolate starts without it.
import { warmUpIngest } from './ingest/warm-up'
import { warmUpMatcher } from './watch/warm-up'

export const WARM_UPS: ReadonlyArray<() => unknown> = [warmUpIngest, warmUpMatcher]

export function warmUpIsolate(
  runs: ReadonlyArray<() => unknown> = WARM_UPS,
  log: (message: string) => void = (m) => console.error(m),
): void {
  for (const run of runs) {
    try {
      run()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      log(`feedwatch: a start-up warm-up failed (${reason}); this isolate starts without it`)
    }
  }
}
