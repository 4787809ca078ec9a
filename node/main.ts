// The render node: `npx tsx node/main.ts --config <file>`. Reads its configuration, finds out
// which Blender it has, then renders what the farm server hands it until stopped (SIGTERM or
// SIGINT kill its Blenders and sign it off), or, as a single-use node, until its work is done.
// Cluster jobs start many nodes from one configuration: `--single-use` and `--name <name>` override
// the file. A single-use node exits 0 after rendering, NOTHING_TO_DO when there was no work for it.
// It logs through pino (common/log.ts): JSON lines, or readable ones at a terminal.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadNodeConfig, NodeConfigError } from './config.ts'
import { createLogger } from '../common/log.ts'
import { configArgument, runProgram, stopOnSignals } from '../common/program-start.ts'
import { NodeRefused, RenderNode } from './render-node.ts'
import { describeBlenders } from './blender-features.ts'
import { probeSandbox } from './sandbox-probe.ts'
import { withFfmpeg } from './film-run.ts'

const usage = 'Usage: npx tsx node/main.ts --config <node config file> [--single-use] [--name <node name>]'

/** Exit status of a single-use node that found no work (Slurm and Kubernetes scripts tell it from a failure). */
export const NOTHING_TO_DO = 3
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
/** Until the configuration says how much to log (its level is set then). */
const log = createLogger({ name: 'node' })

async function main (argv: string[]): Promise<number> {
  const file = configArgument(argv, usage)
  if (!file) return 2
  const config = loadNodeConfig(file)
  log.level = config.logLevel
  if (argv.includes('--single-use')) config.singleUse = true
  const nameAt = argv.indexOf('--name')
  if (nameAt >= 0) {
    const name = argv[nameAt + 1] ?? ''
    if (!NAME.test(name)) {
      console.error(`--name "${name}" cannot name a node: use letters, digits, '.', '_' or '-' (at most 64).`)
      return 2
    }
    config.name = name
  }
  const describing = describeBlenders(config.blenders) // runs while the sandbox is tried
  const sandbox = probeSandbox({ bwrap: config.bwrap, blender: config.blender })
  if (sandbox.sandbox) log.info({ node: config.name, userNamespace: sandbox.sandbox.options.userNamespace }, 'Blender runs in a bubblewrap sandbox: it sees only the job\'s project and writes only its output folder')
  else log.warn({ node: config.name, reason: sandbox.said.reason }, 'no sandbox: the server gives this node work only if its farmSettings.allowUnsandboxedNodes is on')
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version
  const { blenders, missing } = await describing
  if (missing.includes(config.blender)) {
    log.fatal({ blender: config.blender, file: config.file }, 'cannot run Blender: set "blender" (or the first of "blenders") in the configuration file to the Blender executable')
    return 1
  }
  if (missing.length > 0) log.warn({ node: config.name, blenders: missing }, 'these Blenders say no version: the node offers the others')
  for (const d of config.devices) if (d.type !== 'CPU' && !blenders.some((b) => b.devices?.includes(d.type))) log.warn({ node: config.name, device: d.type }, 'no Blender of this node finds this device: GPU jobs sent here fail until its driver works or "devices" is fixed')
  const { denoise, version: blender } = blenders[0]!
  if (denoise === false) log.warn({ node: config.name }, 'this Blender cannot denoise (no OpenImageDenoise): files with denoising on fail here, and the render form says so')
  // A node with ffmpeg can make films (film-run.ts).
  config.provides = withFfmpeg(config.provides)
  const node = new RenderNode(config, { version, blenderVersion: blender, blenders: blenders.map(({ denoise: _, ...b }) => b), sandbox, log, ...(denoise === undefined ? {} : { denoise }) })
  stopOnSignals((signal) => {
    log.info({ node: config.name, signal }, 'stopping Blender and signing off')
    void node.stop()
  })
  try {
    await node.run()
    return config.singleUse && !node.didWork ? NOTHING_TO_DO : 0
  } catch (err) {
    if (err instanceof NodeRefused) return 1
    throw err
  }
}

runProgram(main, (err) => {
  if (err instanceof NodeConfigError) log.fatal({ reason: err.message }, 'the node cannot start')
  else log.fatal({ err }, 'the node stopped on an error')
})
