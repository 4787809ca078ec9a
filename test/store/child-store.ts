// For the child processes of the concurrent-writer tests: the project store as a second server
// would open it (no rescans, no watching), from a server configuration file.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'

export async function openChildStore (configFile: string, project: string): Promise<ProjectStore> {
  const config = loadConfig(configFile)
  const store = new ProjectStore({
    ident: project,
    root: config.shares.resolve(`data::${project}`),
    rescanSeconds: 0,
    watch: false,
    defaultsSets: loadConfiguredDefaultsSets(config),
    defaultSet: config.defaultSet,
    members: () => [],
  })
  await store.start()
  return store
}

/** Runs one of those child scripts (next to this file) to its end: its exit code. */
export function runChild (script: string, args: string[]): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? -1))
  })
}
