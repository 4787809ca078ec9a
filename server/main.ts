// Starts RFAM: loads and checks the configuration, creates the demo on first start, serves the
// API and the web UI, and prints the address to open: at a terminal one block in words
// (start-banner.ts), otherwise a log line with a `url` field (common/log.ts decides which).
import { loadConfig } from './config/load-config.ts'
import { ConfigError } from '../common/read-json-file.ts'
import { seedDemoIfEmpty } from './demo/seed-demo.ts'
import { buildServer } from './server.ts'
import { join } from 'node:path'
import { blenderInstalled, startLocalNode, stopLocalNode } from './local-node-process.ts'
import { LOCAL_NODE_FILE } from './farm/local-node.ts'
import type { ChildProcess } from 'node:child_process'
import { createLogger, logFormat } from '../common/log.ts'
import { startBanner, type LocalNodeState } from './start-banner.ts'

async function main (): Promise<void> {
  const config = loadConfig()
  const seeded = config.demo ? await seedDemoIfEmpty(config) : false
  const app = await buildServer(config)
  let localNode: ChildProcess | null = null
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'closing')
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
  let local: LocalNodeState = 'off'
  if (config.localNode) {
    if (blenderInstalled()) {
      localNode = await startLocalNode(join(config.secretsDir, LOCAL_NODE_FILE), app.log)
      local = localNode ? 'running' : 'failed'
    } else {
      local = 'no blender'
    }
  }
  // Whatever the log level: this is what a person (or a test, by its url) waits for.
  const staff = app.rfam.workspace.users.all().some((u) => u.staff)
  if (logFormat() === 'pretty') console.log(startBanner({ url, demo: config.demo, seeded, staff, localNode: local, logLevel: config.logLevel }))
  else {
    // Through the server's own stream (lines stay whole and in order), at info whatever the level.
    const log = config.logLevel === 'silent' ? createLogger({ name: 'server', format: 'json' }) : app.log.child({}, { level: 'info' })
    log.info({ url, ...(seeded ? { demo: 'created' } : {}), localNode: local }, 'RFAM is running')
  }
}

main().catch((err) => {
  // The configuration (and its log level) may be what failed: this line is logged whatever it says.
  const log = createLogger({ name: 'server' })
  const code = (err as NodeJS.ErrnoException).code
  if (err instanceof ConfigError) log.fatal({ reason: err.message }, 'RFAM cannot start')
  // The first thing a second `npm start` meets: say what to do, not a stack.
  else if (code === 'EADDRINUSE' || code === 'EACCES') {
    const { address, port } = err as { address?: string, port?: number }
    const reason = code === 'EADDRINUSE'
      ? `Another program (perhaps RFAM, started before) already answers at ${address}:${port}. Stop it (Ctrl+C in its terminal), or give RFAM another "port" in its configuration file.`
      : `This user may not open port ${port}: ports below 1024 need root. Give RFAM a port such as 8080 in its configuration file.`
    log.fatal({ reason }, 'RFAM cannot start')
  } else log.fatal({ err }, 'RFAM cannot start')
  process.exit(1)
})
