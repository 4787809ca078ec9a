// Fills a project with a fake film for performance work: N assets spread over every asset type,
// with owners, supporters, states, priorities and dependencies (shots need sets, characters and
// props). Files are hard links to the type's template, so 10,000 assets cost no disk space.
//   npm run fake-film -- <project> <count> [--config <server.json>] [--owner <user>]
import { link, copyFile, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Asset, AssetType } from '../schemas/generated/types.ts'
import { loadConfig, type LoadedConfig } from '../server/config/load-config.ts'
import { loadConfiguredDefaultsSets, templatePath } from '../server/store/defaults-sets.ts'
import { JsonDirectory } from '../server/store/json-dir.ts'
import type { Project, User } from '../schemas/generated/types.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const ADJECTIVES = ['red', 'sleepy', 'giant', 'tiny', 'purple', 'angry', 'shiny', 'broken', 'happy', 'frozen', 'golden', 'noisy']
const NOUNS = ['kettle', 'dragon', 'teapot', 'robot', 'forest', 'castle', 'spoon', 'rocket', 'garden', 'cloud', 'tower', 'lamp']
/** Share of each type in a film, roughly as the original's simulation made them. */
const MIX: Record<string, number> = { mat: 50, prop: 100, set: 6, char: 6, ani: 12, shot: 40, comp: 40, video: 2, other: 10 }

/** A small deterministic random source, so two runs make the same film. */
function random (seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

export interface FakeFilmOptions { owner?: string, seed?: number }

export async function fakeFilm (config: LoadedConfig, project: string, count: number, options: FakeFilmOptions = {}): Promise<string[]> {
  const projects = new JsonDirectory<Project>(config.projectsDir, 'project.schema.json')
  const users = new JsonDirectory<User>(config.usersDir, 'user.schema.json')
  const proj = projects.get(project)
  if (!proj) throw new Error(`There is no project "${project}" (create it first, e.g. start the server once for the demo).`)
  const members = users.all().filter((u) => u.projects.includes(project)).map((u) => u.ident)
  const sets = loadConfiguredDefaultsSets(config)
  const set = sets.get(config.defaultSet)!
  const root = config.shares.resolve(proj.directory)
  const rnd = random(options.seed ?? 42)
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!
  const total = Object.values(MIX).reduce((a, b) => a + b, 0)
  const plan: AssetType[] = []
  for (const type of set.typeList) {
    const n = Math.max(1, Math.round(count * (MIX[type.ident] ?? 5) / total))
    for (let i = 0; i < n; i++) plan.push(type)
  }
  plan.length = Math.min(plan.length, count)
  while (plan.length < count) plan.push(set.types.get('prop')!)
  const made: string[] = []
  const byType = new Map<string, string[]>()
  const dirs = new Set<string>()
  let n = 0
  for (const type of plan) {
    const name = `${pick(ADJECTIVES)} ${pick(NOUNS)} ${++n}`
    const template = templatePath(set, type)
    const ext = type.file ? type.file.slice(type.file.lastIndexOf('.')) : ''
    const path = `${type.directory}/fake_${String(n).padStart(5, '0')}${ext}`
    const deps = type.ident === 'shot' || type.ident === 'comp'
      ? ['set', 'char', 'prop'].flatMap((t) => (byType.get(t) ?? []).length ? [pick(byType.get(t)!)] : [])
      : []
    const owner = options.owner ?? (rnd() < 0.9 ? pick(members) : null)
    const meta: Asset = {
      name,
      description: `Fake ${type.name.toLowerCase()} number ${n}.`,
      type: type.ident,
      creator: owner,
      created: new Date().toISOString(),
      owner,
      support: members.length > 1 && rnd() < 0.3 ? [pick(members)] : [],
      state: pick(type.states),
      priority: Math.round(set.priority.low + rnd() * (set.priority.high - set.priority.low)),
      render: type.render ?? false,
      video: type.video ?? false,
      dependencies: [...new Set(deps)],
    }
    const abs = join(root, path)
    if (!dirs.has(dirname(abs))) { await mkdir(dirname(abs), { recursive: true }); dirs.add(dirname(abs)) }
    if (template) await link(template, abs).catch(() => copyFile(template, abs))
    await writeFile(abs + '.json', JSON.stringify(meta, null, 2) + '\n')
    made.push(path)
    byType.set(type.ident, [...(byType.get(type.ident) ?? []), path])
  }
  return made
}

/** The command: `argv` is what follows `npm run fake-film --`; the exit code is returned. */
export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  const args = [...argv]
  const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined }
  const configFile = flag('--config')
  const owner = flag('--owner')
  const [project, countText] = args
  const count = Number(countText)
  if (!project || !Number.isInteger(count) || count < 1) {
    io.err('usage: npm run fake-film -- <project> <count> [--config <server.json>] [--owner <user>]')
    return 2
  }
  const made = await fakeFilm(loadConfig(configFile), project, count, { owner })
  io.out(`made ${made.length} fake assets in project ${project}`)
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => { console.error(err); process.exitCode = 1 })
}
