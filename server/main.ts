// Starts RFAM: loads and checks the configuration, creates the demo on first start, serves the
// API and the web UI, and prints the address to open.
import { loadConfig } from './config/load-config.ts'
import { ConfigError } from '../common/read-json-file.ts'
import { seedDemoIfEmpty } from './demo/seed-demo.ts'
import { buildServer } from './server.ts'
import { join } from 'node:path'
import { blenderInstalled, startLocalNode, stopLocalNode } from './local-node-process.ts'
import { LOCAL_NODE_FILE } from './farm/local-node.ts'
import type { ChildProcess } from 'node:child_process'

async function main (): Promise<void> {
  const config = loadConfig()
  const seeded = config.demo ? await seedDemoIfEmpty(config) : false
  const app = await buildServer(config)
  let localNode: ChildProcess | null = null
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: closing`)
    await stopLocalNode(localNode)
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => { void shutdown('SIGINT') })
  process.once('SIGTERM', () => { void shutdown('SIGTERM') })
  // A farm's nodes all reconnect at once after a restart: Node's default accept queue (511) drops
  // the rest, which then wait for TCP's SYN retries (1 s, 3 s …). Linux caps this at somaxconn.
  await app.listen({ host: config.host, port: config.port, backlog: 4096 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`
  let nodeNote = ''
  if (config.localNode) {
    if (blenderInstalled()) {
      localNode = await startLocalNode(join(config.secretsDir, LOCAL_NODE_FILE), (line) => console.log(line))
      nodeNote = localNode ? '\nA render node runs on this machine (Blender found).' : ''
    } else {
      nodeNote = '\nBlender is not installed, so no render node runs here (apt-get install blender, then restart).'
    }
  }
  console.log(`\nRFAM is running: open ${url}${seeded ? '\n(demo project created: log in as any demo user; staff user "teacher" has PIN 1234)' : ''}${nodeNote}\n`)
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`RFAM cannot start: ${err.message}`)
  } else {
    console.error(err)
  }
  process.exit(1)
})
