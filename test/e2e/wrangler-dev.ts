// The Worker under `wrangler dev`, as the end-to-end tests and the demo start it: the one harness
// is scripts/wrangler-dev.mjs (plain JavaScript, so that `npm start` needs no build).
export { freePort, startWranglerDev, type DevServer } from '../../scripts/wrangler-dev.mjs'
