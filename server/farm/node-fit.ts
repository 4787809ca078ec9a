// Which nodes may render a job by their Blenders and devices, and which of a node's Blenders runs
// it: pure functions the scheduler, the node registry and the job views share.
// - Blender: a node fits when one of its Blenders is as new as the one that saved the file (major
//   and minor: a 3.6 opens a 3.4 file, a 3.4 may not open a 4.2 one), or is the project's pinned
//   version exactly. Of several that fit, the oldest runs it (the closest to the file's own). A node
//   that said nothing of its Blenders (an older node) is not judged: it fits unless a version is pinned.
// - Devices: a job asking for a GPU goes only to nodes with one; 'cpu' and 'any' go to every node,
//   but a GPU node takes them only while no GPU job it could render is waiting.
import type { FarmNode, FarmTask, Job, JobDevice, NodeBlender, NodeDevice } from '../../schemas/generated/types.ts'
import { say, type Said } from '../../common/sentences.ts'

/** What of a node decides whether it fits: its Blenders (empty: not known) and whether it has a GPU. */
export interface FitNode {
  blenders: readonly NodeBlender[]
  gpu: boolean
}

export type FitJob = Pick<Job, 'blenderVersion' | 'blenderPin' | 'device'>

/** A Blender of a node that said nothing of its Blenders: its default, version unknown. */
export const UNKNOWN_BLENDER: NodeBlender = Object.freeze({ path: '', version: '' })

/** '3.4.1' -> [3, 4, 1]; anything unreadable counts as 0. */
export function versionParts (version: string): number[] {
  return version.split('.').map((p) => Number.parseInt(p, 10) || 0)
}

/** '3.4.1' -> '3.4'. */
export function majorMinor (version: string): string {
  const [major = 0, minor = 0] = versionParts(version)
  return `${major}.${minor}`
}

/** Negative when a is older than b, comparing only the parts both have ('3.6' equals '3.6.5'). */
export function compareVersions (a: string, b: string): number {
  const pa = versionParts(a)
  const pb = versionParts(b)
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!
  return 0
}

/** Whether a Blender of this version opens a file saved by `saved` (same or newer major.minor). */
export function canOpen (blender: string, saved: string): boolean {
  return compareVersions(majorMinor(blender), majorMinor(saved)) >= 0
}

/** Whether a Blender is the pinned one: '3.6' pins every 3.6, '3.6.5' only that one. */
export function matchesPin (blender: string, pin: string): boolean {
  const want = versionParts(pin)
  const have = versionParts(blender)
  return want.every((part, i) => have[i] === part)
}

/**
 * The Blender of this node that renders the job, or null when none may. A node whose Blenders are
 * not known gets UNKNOWN_BLENDER (it runs its default) unless a version is pinned.
 */
export function chooseBlender (blenders: readonly NodeBlender[], job: FitJob): NodeBlender | null {
  if (blenders.length === 0) return job.blenderPin ? null : UNKNOWN_BLENDER
  if (job.blenderPin) return blenders.find((b) => matchesPin(b.version, job.blenderPin!)) ?? null
  const saved = job.blenderVersion
  if (!saved) return blenders[0]!
  let best: NodeBlender | null = null
  for (const b of blenders) {
    if (!canOpen(b.version, saved)) continue
    if (!best || compareVersions(b.version, best.version) < 0) best = b
  }
  return best
}

/** Whether a node's devices include a GPU (anything but the CPU). */
export function hasGpu (devices: readonly NodeDevice[] | undefined): boolean {
  return (devices ?? []).some((d) => d.type !== 'CPU')
}

/** Whether a node with (or without) a GPU may render a job asking for this device at all. */
export function deviceFits (device: JobDevice | undefined, nodeHasGpu: boolean): boolean {
  return device !== 'gpu' || nodeHasGpu
}

/**
 * Whether a node may take a job of this device now: a GPU job only on a GPU node; other work on a
 * GPU node only while no GPU job it could render is waiting (its GPU is kept for the jobs that need it).
 */
export function mayTake (device: JobDevice | undefined, nodeHasGpu: boolean, gpuWorkWaiting: boolean): boolean {
  if (device === 'gpu') return nodeHasGpu
  return !nodeHasGpu || !gpuWorkWaiting
}

/** Whether the node fits the job by Blender and device (shares, tags and the rest are the scheduler's). */
export function nodeFits (job: FitJob, node: FitNode): boolean {
  return deviceFits(job.device, node.gpu) && chooseBlender(node.blenders, job) !== null
}

/** What a run tells the node of its Blender and device (nothing for a node whose Blenders are not known). */
export function runFields (job: FitJob, node: FitNode): Pick<FarmTask, 'blender' | 'device'> {
  const chosen = chooseBlender(node.blenders, job)
  const out: Pick<FarmTask, 'blender' | 'device'> = { device: job.device ?? 'any' }
  if (chosen && chosen.path !== '') out.blender = { path: chosen.path, version: chosen.version }
  return out
}

/** '3.4', '3.6' … of every Blender of these nodes, oldest first, each once. */
export function farmVersions (nodes: readonly FitNode[]): string[] {
  const all = new Set(nodes.flatMap((n) => n.blenders.map((b) => majorMinor(b.version))))
  return [...all].sort(compareVersions)
}

/**
 * Why none of these nodes (the farm's online ones; every known one while none is) can render the
 * job, as a sentence; null when one can, or when there are none to judge (no node, or none said
 * which Blenders it has).
 */
export function cannotRender (job: FitJob, pool: readonly FitNode[]): Said | null {
  if (pool.length === 0 || pool.some((n) => nodeFits(job, n))) return null
  if (job.device === 'gpu' && !pool.some((n) => n.gpu)) return say('job:cannot-render-gpu')
  const judged = pool.filter((n) => n.blenders.length > 0 && deviceFits(job.device, n.gpu))
  const versions = farmVersions(judged)
  if (versions.length === 0) return null
  const last = versions.at(-1)!
  const farm = versions.slice(0, -1).join(', ')
  const one = versions.length === 1
  if (job.blenderPin) {
    const params = { pin: job.blenderPin, farm, last }
    return one ? say('job:cannot-render-pin-one', params) : say('job:cannot-render-pin', params)
  }
  if (!job.blenderVersion) return null
  const params = { saved: majorMinor(job.blenderVersion), farm, last }
  return one ? say('job:cannot-render-version-one', params) : say('job:cannot-render-version', params)
}

/** The part of a job's group (JobRuntime.group) that node-fit decides on: jobs of one key fit the same nodes. */
export function fitKey (job: FitJob): string {
  return `${job.blenderVersion ?? ''}~${job.blenderPin ?? ''}~${job.device ?? 'any'}`
}

/** A fitKey read back (a missing key: a job anything fits). */
export function fitOfKey (key: string | undefined): FitJob {
  const [blenderVersion, blenderPin, device] = (key ?? '').split('~')
  const out: FitJob = { device: (device || 'any') as JobDevice }
  if (blenderVersion) out.blenderVersion = blenderVersion
  if (blenderPin) out.blenderPin = blenderPin
  return out
}

/** What node-fit needs of a node's record: its Blenders (from blenderVersion for an older node's one) and whether it has a GPU. */
export function fitNodeOf (record: Pick<FarmNode, 'blenders' | 'blenderVersion' | 'devices'>): FitNode {
  const version = /^\d+\.\d+(\.\d+)?/.exec(record.blenderVersion ?? '')?.[0]
  const blenders = record.blenders ?? (version ? [{ path: '', version }] : [])
  return { blenders, gpu: hasGpu(record.devices) }
}

/** What of these nodes decides which jobs they can render: equal for two pools that fit the same jobs. */
export function fitSignature (pool: readonly FitNode[]): string {
  return pool.map((n) => `${n.gpu ? 'g' : 'c'}${n.blenders.map((b) => b.version).join(',')}`).sort().join(' ')
}
