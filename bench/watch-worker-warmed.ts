// bench/watch-worker.ts as Feedwatch's Worker starts (src/index.ts): the start-up warm-up runs in
// the global scope, before the first request, so the bench's "fresh isolate" rows are those of a
// new isolate in production. Not deployed anywhere.
import { warmUpIsolate } from '../src/startup'
import worker from './watch-worker'

warmUpIsolate()

export default worker
