// The prenode (cluster watcher): `npx tsx prenode/main.ts --config <file>`. Watches the server for
// render jobs and, for each batch, runs the configured command (sbatch, kubectl, a notification…)
// that starts single-use nodes. SIGTERM or SIGINT stop it once a running command has finished and
// been acknowledged; a second signal stops it at once (the state file keeps what was submitted).
import { loadPrenodeConfig, PrenodeConfigError } from './config.ts'
import { Prenode, PrenodeRefused } from './prenode.ts'

const usage = 'Usage: npx tsx prenode/main.ts --config <prenode config file>'

async function main (argv: string[]): Promise<number> {
  const at = argv.indexOf('--config')
  const file = at >= 0 ? argv[at + 1] : undefined
  if (!file) {
    console.error(usage)
    return 2
  }
  const prenode = new Prenode(loadPrenodeConfig(file))
  let signals = 0
  const onSignal = (signal: string) => {
    if (++signals > 1) process.exit(130)
    console.log(`${new Date().toISOString()} ${signal}: stopping (after the command running now, if any)`)
    prenode.stop()
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  try {
    await prenode.run()
    return 0
  } catch (err) {
    if (err instanceof PrenodeRefused) {
      console.error(`${new Date().toISOString()} ${err.message}`)
      return 1
    }
    throw err
  }
}

main(process.argv.slice(2)).then((code) => { process.exit(code) }, (err: unknown) => {
  console.error(err instanceof PrenodeConfigError ? `The prenode cannot start: ${err.message}` : err instanceof Error ? err.message : err)
  process.exit(1)
})
