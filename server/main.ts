// Starts RFAM: loads and checks the configuration, creates the demo on first start, serves the
// API and the web UI, and prints the address to open.
import { loadConfig } from './config/load-config.ts'
import { ConfigError } from './config/read-json-file.ts'
import { seedDemoIfEmpty } from './demo/seed-demo.ts'
import { buildServer } from './server.ts'

async function main (): Promise<void> {
  const config = loadConfig()
  const seeded = config.demo ? await seedDemoIfEmpty(config) : false
  const app = await buildServer(config)
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: closing`)
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => { void shutdown('SIGINT') })
  process.once('SIGTERM', () => { void shutdown('SIGTERM') })
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`
  console.log(`\nRFAM is running: open ${url}${seeded ? '\n(demo project created: log in as any demo user; staff user "teacher" has PIN 1234)' : ''}\n`)
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`RFAM cannot start: ${err.message}`)
  } else {
    console.error(err)
  }
  process.exit(1)
})
