// Which of the node's Blenders renders a run, and on what: the server names the Blender (node-fit.ts
// chose it from what the node said at hello), but the node runs only one of its own configuration,
// never a path a server sends. The device: 'cpu' the processor; 'gpu' and 'any' the node's first GPU
// type when it lists one, else the processor; a run that says nothing (an older server) leaves the
// file's own setting.
import type { FarmHello, FarmTask, NodeBlender } from '../schemas/generated/types.ts'
import type { RenderNodeConfig } from './config.ts'
import { PlaceRefused } from './job-place.ts'
import { say } from '../common/sentences.ts'

export interface RunBlender {
  /** The executable, as the node's configuration names it. */
  blender: string
  /** The Cycles device type Blender is told to use (node/blender/rfam_device.py), or null: the file's. */
  device: string | null
}

/** The run's Blender and device; PlaceRefused for a Blender this node does not have. */
export function runBlender (task: FarmTask, config: Pick<RenderNodeConfig, 'blender' | 'blenders' | 'devices'>): RunBlender {
  const blender = task.blender?.path ?? config.blender
  if (!config.blenders.includes(blender)) {
    throw new PlaceRefused(say('noderun:no-such-blender', { version: task.blender?.version ?? '', path: blender }))
  }
  if (task.device === undefined) return { blender, device: null }
  const gpu = config.devices.find((d) => d.type !== 'CPU')?.type
  return { blender, device: task.device !== 'cpu' && gpu ? gpu : 'CPU' }
}

/** What the node's hello says of its Blenders and devices (an older caller: only its one Blender's version). */
export function helloBlenders (said: { blenderVersion?: string, blenders?: NodeBlender[] }, config: Pick<RenderNodeConfig, 'devices'>): Pick<FarmHello, 'blenderVersion' | 'blenders' | 'devices'> {
  return {
    ...(said.blenderVersion ? { blenderVersion: said.blenderVersion } : {}),
    ...(said.blenders ? { blenders: said.blenders, devices: config.devices } : {}),
  }
}
