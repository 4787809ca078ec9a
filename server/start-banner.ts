// What `npm start` prints at a terminal once RFAM listens: one block a teacher reads top to bottom —
// where to open it, how to log in, whether this computer renders, how to stop it. (In the journal
// the same facts are one log line, "RFAM is running", with fields: server/main.ts.)
import { DEMO_STAFF_PIN } from './demo/seed-demo.ts'

/** Whether this computer runs a render node: started, off in the configuration, or no Blender here. */
export type LocalNodeState = 'running' | 'off' | 'no blender' | 'failed'

export interface StartFacts {
  url: string
  /** The demo team is there (config.demo), and whether this start created it. */
  demo: boolean
  seeded: boolean
  /** Someone on the server is staff: without the demo and without staff, nobody can log in yet. */
  staff: boolean
  localNode: LocalNodeState
  /** The log level at the terminal: below warn, every event follows the block. */
  logLevel: string
}

const RENDER_NODE: Record<LocalNodeState, string> = {
  running: 'one runs on this computer (Blender found), so renders start right away.',
  off: 'none on this computer ("localNode" is off in the configuration). Start render nodes on other computers: docs/deployment.md.',
  'no blender': 'none: Blender is not installed here. Install it (sudo apt-get install blender bubblewrap), then start RFAM again.',
  failed: 'could not start on this computer: see the lines below.',
}

export function startBanner (facts: StartFacts): string {
  const login = facts.demo
    ? `pick the project, then your face. The demo team${facts.seeded ? ' was just created' : ''}: the teacher is "Teacher", PIN ${DEMO_STAFF_PIN}.`
    : facts.staff
      ? 'pick the project, then your face (staff add people: docs/getting-started.md).'
      : `nobody can yet: there is no teacher. Make the first project and teacher here:\n${' '.repeat(15)}npm run project -- add red --name "Red Team"\n${' '.repeat(15)}npm run user -- add novak --name "Ms Novak" --staff --project red`
  const quiet = ['warn', 'error', 'fatal', 'silent'].includes(facts.logLevel)
  const rows: Array<[string, string]> = [
    ['Log in', login],
    ['Render node', RENDER_NODE[facts.localNode]],
    ['Stop', `Ctrl+C.${quiet ? ' Only problems are shown below ("logLevel": "info" in config/server.json shows every event).' : ''}`],
  ]
  return ['', `RFAM is running: open ${facts.url}`, ...rows.map(([label, text]) => `  ${`${label}:`.padEnd(13)}${text}`), ''].join('\n')
}
