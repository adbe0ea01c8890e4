// What a new isolate does once, in the Worker's global scope, before its first event: it warms
// the matcher's code (src/watch/warm-up.ts), so that a tick landing on a new isolate does not
// spend its CPU limit interpreting that code (docs/decisions.md, 31). Nothing here may keep the
// Worker from starting: a failure is logged and the isolate starts cold, as it did before.
import { warmUpMatcher } from './watch/warm-up'

export function warmUpIsolate(
  run: () => unknown = warmUpMatcher,
  log: (message: string) => void = (m) => console.error(m),
): void {
  try {
    run()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    log(`feedwatch: the start-up warm-up failed (${reason}); this isolate starts cold`)
  }
}
