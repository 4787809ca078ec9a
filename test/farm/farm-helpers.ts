// Builds a Farm on a temporary folder with a manual clock, for tests of the farm service alone.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import type { Asset, FarmTask, FarmWork, Job, JobView, NodeBlender, NodeDevice, NodeSandbox, RunRef } from '../../schemas/generated/types.ts'
import { Farm, type FarmDeps } from '../../server/farm/farm.ts'
import { ManualClock, seededRandom } from '../../server/farm/clock.ts'
import { Shares } from '../../common/named-paths.ts'
import type { FarmSettings } from '../../server/config/load-config.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

export const defaultSettings: FarmSettings = {
  heartbeatSeconds: 10, nodeTimeoutSeconds: 60, nodeGoneSeconds: 5, longPollSeconds: 20, maxRetries: 3, blocklistAfter: 2, spreadFrames: false, autoRender: false, allowUnsandboxedNodes: false,
}

export interface TestFarm {
  farm: Farm
  clock: ManualClock
  dir: string
  deps: FarmDeps
  projects: Map<string, { directory: string, renderPriority?: number, blenderVersion?: string }>
  assets: Map<string, Asset>
  /** Writes a .blend (the smallest the reader takes, with no scene; saved by Blender 3.4 unless `version` says '402' …) into a project folder. */
  blend: (project: string, rel: string, version?: string) => void
  /** A second farm on the same folder, as after a restart. */
  restart: () => Promise<Farm>
  /**
   * Writes the files of these frames of a job where Blender would (a PNG per frame, one movie for
   * a video) and returns the samples naming them, as a node reports them.
   */
  wrote: (job: string, samples: Array<{ frame: number, seconds: number, memoryMB?: number }>) => FrameSample[]
}

type FrameSample = { frame: number, seconds: number, memoryMB?: number, file: string }

export async function makeFarm (t: Tap, options: { settings?: Partial<FarmSettings>, projects?: Record<string, number>, seed?: number, farmDir?: string } = {}): Promise<TestFarm> {
  const dir = testFolder(t, 'farm')
  const data = join(dir, 'data')
  const shares = new Shares(new Map([['data', data]]))
  const clock = new ManualClock()
  const projects = new Map<string, { directory: string, renderPriority?: number, blenderVersion?: string }>(Object.entries(options.projects ?? { red: 1 }).map(([p, prio]) => [p, { directory: `data::${p}`, renderPriority: prio }]))
  for (const p of projects.keys()) mkdirSync(join(data, p), { recursive: true })
  const assets = new Map<string, Asset>()
  const quiet = { info: () => {}, warn: () => {}, error: () => {} }
  const deps: FarmDeps = {
    farmDir: options.farmDir ?? join(dir, 'farm'),
    secretsDir: join(dir, 'secrets'),
    settings: { ...defaultSettings, ...options.settings },
    resolveNamedPath: (np) => shares.resolve(np),
    project: (p) => projects.get(p),
    projects: () => [...projects.keys()],
    asset: (p, path) => { const a = assets.get(`${p}/${path}`); return a ? { name: a.name, priority: a.priority } : undefined },
    updateAsset: async (p, path, change) => { const key = `${p}/${path}`; assets.set(key, change(assets.get(key)!)) },
    log: quiet,
    clock,
    random: seededRandom(options.seed ?? 1),
  }
  const farms: Farm[] = []
  const build = async () => { const f = new Farm(deps); await f.start(); farms.push(f); return f }
  const farm = await build()
  t.teardown(async () => {
    for (const f of farms) await f.close().catch(() => {})
  })
  return {
    farm,
    clock,
    dir,
    deps,
    projects,
    assets,
    blend: (project, rel, version) => {
      const file = join(data, project, rel)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, version ? TINY_BLEND.replace('v304', `v${version}`) : TINY_BLEND)
    },
    restart: build,
    wrote: (id, samples) => samples.map((sample) => {
      const job = farms.at(-1)!.jobFile(id)!
      const file = frameFileName(job, sample.frame)
      const dir = shares.resolve(posix.dirname(job.output!))
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, file), 'PNG')
      return { ...sample, file }
    }),
  }
}

/** makeFarm, then a .blend (red/a.blend) and a job rendering its frames 1 to `frames`. */
export async function farmWithJob (t: Tap, frames: number, options: Parameters<typeof makeFarm>[1] = {}): Promise<TestFarm & { job: JobView }> {
  const f = await makeFarm(t, options)
  f.blend('red', 'a.blend')
  const job = await f.farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: frames })
  return { ...f, job }
}

const pad = (frame: number) => String(frame).padStart(4, '0')

/** The file Blender writes for a frame of a job whose output ends in #### (a video: its movie). */
export function frameFileName (job: Job, frame: number): string {
  if (job.video) return `${pad(job.tasks[0]!.frames[0]!)}-${pad(job.tasks[0]!.frames.at(-1)!)}.mp4`
  return `${posix.basename(job.output!).replace(/#+/, pad(frame))}.png`
}

/** Says hello as a node (one with a sandbox unless told: null says nothing, as older nodes) and returns what its messages need. */
export async function hello (farm: Farm, name: string, options: { processes?: number, provides?: string[], shares?: string[], sharedCores?: boolean, sandbox?: NodeSandbox | null, denoise?: boolean, blenders?: NodeBlender[], devices?: NodeDevice[] } = {}) {
  let credential = farm.credentials.names().includes('test') ? testSecret.get(farm.credentials.file) : undefined
  if (!credential) {
    credential = await farm.credentials.create('test')
    testSecret.set(farm.credentials.file, credential)
  }
  const cred = farm.checkCredential(credential)
  const welcome = await farm.hello({ name, version: '0.1.0', provides: options.provides ?? [], shares: options.shares ?? ['data'], processes: options.processes ?? 1, ...(options.sharedCores ? { sharedCores: true } : {}), ...(options.denoise === undefined ? {} : { denoise: options.denoise }), ...(options.blenders ? { blenders: options.blenders } : {}), ...(options.devices ? { devices: options.devices } : {}), ...(options.sandbox === null ? {} : { sandbox: options.sandbox ?? { kind: 'bubblewrap' } }) }, cred)
  return { name, session: welcome.session, cred, welcome }
}
const testSecret = new Map<string, string>()

export type TestNode = Awaited<ReturnType<typeof hello>>

/** A run as a node lists it among its running ones. */
export const ref = (run: FarmTask): RunRef => ({ job: run.job, tasks: run.tasks })

/** A node's request for work, answered at once (no long poll); by default one free process and nothing running. */
export function workNow (farm: Farm, n: TestNode, ask: { free?: number, running?: RunRef[] } = {}): Promise<FarmWork> {
  return farm.work({ node: n.name, session: n.session, free: ask.free ?? 1, running: ask.running ?? [], wait: false }, n.cred)
}
