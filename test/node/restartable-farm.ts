// A farm whose server can be killed, frozen and started again on the same address, for the tests of
// a node living through that: a server process on a port chosen once, the demo project with
// slow.blend, and one node (pc-a) connected to it.
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { copyScene, startNode } from './harness.ts'

/**
 * `server.p` is the server process running now; `start()` starts another on the same folders and
 * port (each one is thawed at teardown, should a test have frozen it). `api()` logs alex in afresh, so
 * it serves after a restart too; `finished(id)` waits for a job to end.
 */
export async function restartableFarm (t: Tap, farmSettings: Record<string, unknown>) {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, logLevel: 'info', farmSettings: { heartbeatSeconds: 1, ...farmSettings } })
  const config = loadConfig(configFile)
  const start = async () => {
    const p = await startServerProcess(configFile, { t })
    t.teardown(() => { p.child.kill('SIGCONT') })
    return p
  }
  // The farm credential is on disk before the server starts (a server re-reads the file at most once a second).
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const server: { p: ServerProcess } = { p: await start() }
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  await node.waitForLog({ msg: 'connected to the server' })
  const api = async () => (await logIn(base, 'alex')).api
  const finished = async (id: string) => {
    const session = await api()
    return await until('job finished', async () => {
      const { body } = await session<JobView>('GET', `/api/projects/demo/jobs/${id}`)
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
    }, { timeoutMs: 240_000 })
  }
  return { server, start, project, node, api, finished }
}
