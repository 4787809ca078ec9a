// The prenode (cluster watcher): `npx tsx prenode/main.ts --config <file>`. Watches the server for
// render jobs and, for each batch, runs the configured command (sbatch, kubectl, a notification…)
// that starts single-use nodes. SIGTERM or SIGINT stop it once a running command has finished and
// been acknowledged; a second signal stops it at once (the state file keeps what was submitted).
// It logs through pino (common/log.ts): JSON lines, or readable ones at a terminal.
import { createLogger } from '../common/log.ts'
import { configArgument, runProgram, stopOnSignals } from '../common/program-start.ts'
import { loadPrenodeConfig, PrenodeConfigError } from './config.ts'
import { Prenode, PrenodeRefused } from './prenode.ts'

const usage = 'Usage: npx tsx prenode/main.ts --config <prenode config file>'
/** Until the configuration says how much to log (its level is set then). */
const log = createLogger({ name: 'prenode' })

async function main (argv: string[]): Promise<number> {
  const file = configArgument(argv, usage)
  if (!file) return 2
  const settings = loadPrenodeConfig(file)
  log.level = settings.logLevel
  const prenode = new Prenode(settings, { log })
  stopOnSignals((signal) => {
    log.info({ prenode: settings.name, signal }, 'stopping after the command running now, if any')
    prenode.stop()
  })
  try {
    await prenode.run()
    return 0
  } catch (err) {
    if (err instanceof PrenodeRefused) {
      log.fatal({ prenode: settings.name, reason: err.message }, 'the server refuses this prenode')
      return 1
    }
    throw err
  }
}

runProgram(main, (err) => {
  if (err instanceof PrenodeConfigError) log.fatal({ reason: err.message }, 'the prenode cannot start')
  else log.fatal({ err }, 'the prenode stopped on an error')
})
