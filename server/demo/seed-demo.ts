// The demo that `npm start` shows on a fresh machine: a small team making a short film, with
// assets in every state. Created only when there are no users and no projects yet.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { LoadedConfig } from '../config/load-config.ts'
import type { Project, User } from '../../schemas/generated/types.ts'
import { hashSecret } from '../auth/passwords.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'
import { loadConfiguredDefaultsSets } from '../store/defaults-sets.ts'
import { ProjectStore } from '../store/project-store.ts'

const isEmpty = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json')).length === 0

export const DEMO_PROJECT = 'demo'
export const DEMO_STAFF_PIN = '1234'

const students: Array<[string, string]> = [
  ['alex', 'Alex Rivera'], ['sam', 'Sam Okafor'], ['mia', 'Mia Chen'], ['leo', 'Leo Novak'], ['zoe', 'Zoë Haddad'],
]

interface DemoAsset { name: string, type: string, owner: string | null, state?: string, priority?: number, support?: string[], description: string, deps?: string[], render?: boolean }

const assets: DemoAsset[] = [
  { name: 'Chef Bun', type: 'char', owner: 'alex', state: 'mod', priority: 80, support: ['mia'], description: 'The hero: a round little chef. Needs a rig before the shots can be animated.' },
  { name: 'Cake', type: 'prop', owner: 'mia', state: 'us', priority: 50, description: 'Three layers, one cherry. The thing everyone wants.' },
  { name: 'Rolling Pin', type: 'prop', owner: 'mia', state: 'ic', priority: 25, description: 'Chef Bun\'s weapon of choice.' },
  { name: 'Kitchen', type: 'set', owner: 'sam', state: 'ic', priority: 50, support: ['leo'], description: 'Night-time kitchen, moonlight through the window.' },
  { name: 'Shot 010 Intro', type: 'shot', owner: 'leo', state: 'ns', priority: 50, description: 'Slow push in on the cake.', deps: ['sets/kitchen.blend', 'props/cake.blend'] },
  { name: 'Shot 020 Heist', type: 'shot', owner: 'zoe', state: 'ic', priority: 75, support: ['alex'], description: 'Chef Bun sneaks in.', deps: ['sets/kitchen.blend', 'characters/chef_bun.blend'] },
  { name: 'Kitchen Materials', type: 'mat', owner: 'sam', state: 'us', priority: 40, description: 'Tiles, wood, brushed steel.' },
  { name: 'Walk Cycle', type: 'ani', owner: null, state: 'ns', priority: 60, description: 'Bouncy walk for Chef Bun.' },
  { name: 'Final Film', type: 'video', owner: 'zoe', state: 'ns', priority: 25, description: 'Every shot, in order, with music.' },
  { name: 'Story Notes', type: 'other', owner: 'leo', state: 'us', priority: 25, description: 'Beat sheet and dialogue ideas.' },
]

/** Creates the demo when users/ and projects/ are both empty; returns whether it did. */
export async function seedDemoIfEmpty (config: LoadedConfig): Promise<boolean> {
  if (!isEmpty(config.usersDir) || !isEmpty(config.projectsDir)) return false
  const project: Project = { ident: DEMO_PROJECT, name: 'The Cake Heist', image: null, directory: `data::${DEMO_PROJECT}`, renderPriority: 1 }
  const users: User[] = [
    { ident: 'teacher', name: 'Teacher', image: null, projects: [DEMO_PROJECT], staff: true, language: '', secret: await hashSecret(DEMO_STAFF_PIN) },
    ...students.map(([ident, name]) => ({ ident, name, image: null, projects: [DEMO_PROJECT], staff: false, language: '' })),
  ]
  const root = config.shares.resolve(project.directory)
  const store = new ProjectStore({
    ident: project.ident,
    root,
    rescanSeconds: 0,
    watch: false,
    defaultsSets: loadConfiguredDefaultsSets(config),
    defaultSet: config.defaultSet,
    members: () => users.map((u) => u.ident),
  })
  await store.start()
  for (const a of assets) {
    const created = await store.create({ name: a.name, type: a.type, description: a.description, owner: a.owner }, 'teacher')
    await store.update(created.path, {
      ...(a.state ? { state: a.state } : {}),
      ...(a.priority !== undefined ? { priority: a.priority } : {}),
      ...(a.support ? { support: a.support } : {}),
      ...(a.deps ? { dependencies: a.deps } : {}),
    })
  }
  const role = (r: string, user: string) => ({ id: randomUUID(), role: r, user })
  await store.updateFile({
    title: 'The Cake Heist',
    description: 'A hungry chef, a midnight kitchen, one cake.',
    license: 'Creative Commons Attribution 4.0 (CC BY 4.0)',
    roles: [role('Director', 'zoe'), role('Story', 'leo'), role('Character Design', 'alex'), role('Modelling', 'mia'), role('Modelling', 'sam'), role('Animation', 'zoe')],
    externalAssets: [
      { id: randomUUID(), description: 'Kitchen HDRI', license: 'CC0', origin: 'Poly Haven' },
      { id: randomUUID(), description: 'Door creak sound', license: '', origin: 'freesound.org' },
    ],
  })
  await store.close()
  await writeJsonAtomic(join(config.projectsDir, `${project.ident}.json`), project)
  for (const u of users) await writeJsonAtomic(join(config.usersDir, `${u.ident}.json`), u, { mode: 0o600 }) // the teacher's holds a hash
  return true
}
