// vitest globalSetup (runs in Node): starts the loopback publisher/receiver for the whole run and
// hands its base URL to the tests in workerd through `provide` / `inject`; stops it afterwards.
import type { TestProject } from 'vitest/node'
import { startLoopbackServer } from './loopback-server'

import './loopback-types'

export default async function setup(project: TestProject) {
  const server = await startLoopbackServer()
  project.provide('loopbackUrl', `http://127.0.0.1:${server.port}`)
  return async () => {
    await server.close()
  }
}
