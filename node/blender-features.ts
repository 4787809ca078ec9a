// What each of the node's Blenders is and can do, told to the server at hello: its version (from
// `blender --version`, so a wrapper that runs another Blender says its own), its render engines
// and the Cycles device types it finds on this machine, and whether Cycles was built with
// OpenImageDenoise (Debian's Blender was not, and stops a file with denoising on: "Build without
// OpenImageDenoiser"), so the render form can warn before a file needs what some nodes lack.
import { spawn, spawnSync } from 'node:child_process'
import type { NodeBlender } from '../schemas/generated/types.ts'

const SCRIPT = [
  'try:',
  '    import _cycles',
  '    print("RFAM_DENOISE", int(bool(_cycles.with_openimagedenoise)))',
  'except Exception as e:',
  '    print("RFAM_DENOISE ?", e)',
  'import re, bpy',
  'try:',
  '    bpy.context.scene.render.engine = "?"',
  'except TypeError as e:',
  '    print("RFAM_ENGINES", *re.findall(r"\'([A-Z0-9_]+)\'", str(e).split("not found in")[-1]))',
  'try:',
  '    prefs = bpy.context.preferences.addons["cycles"].preferences',
  '    found = ["CPU"]',
  '    for t in ("CUDA", "OPTIX", "HIP", "ONEAPI", "METAL"):',
  '        try:',
  '            if any(d.type == t for d in prefs.get_devices_for_type(t)): found.append(t)',
  '        except Exception:',
  '            pass',
  '    print("RFAM_DEVICES", *found)',
  'except Exception as e:',
  '    print("RFAM_DEVICES ?", e)',
].join('\n')

export interface BlenderFeatures {
  /** Cycles can denoise; undefined: it could not be told. */
  denoise?: boolean
  /** Render engines it offers (CYCLES, BLENDER_EEVEE …); undefined: not told. */
  engines?: string[]
  /** Cycles device types it found here (CPU first); undefined: not told. */
  devices?: string[]
}

/** The version a Blender says with --version ('3.4.1'), or null when it says none. */
export function blenderVersion (blender: string): string | null {
  const res = spawnSync(blender, ['--factory-startup', '-b', '--version'], { encoding: 'utf8', timeout: 60_000 })
  const m = /Blender (\d+\.\d+(?:\.\d+)?)/.exec(res.stdout ?? '')
  return m ? m[1]! : null
}

/** Asks a Blender (about a second) what it can do; nothing known for a program that says nothing. */
export function blenderFeatures (blender: string): Promise<BlenderFeatures> {
  return new Promise((resolve) => {
    let out = ''
    const child = spawn(blender, ['--factory-startup', '-b', '--python-expr', SCRIPT], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 })
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.on('error', () => resolve({}))
    child.on('close', () => {
      const said: BlenderFeatures = {}
      const denoise = /^RFAM_DENOISE ([01])$/m.exec(out)?.[1]
      if (denoise !== undefined) said.denoise = denoise === '1'
      const engines = /^RFAM_ENGINES ((?:[A-Z0-9_]+ ?)+)$/m.exec(out)?.[1]
      if (engines) said.engines = engines.trim().split(' ')
      const devices = /^RFAM_DEVICES ((?:[A-Z]+ ?)+)$/m.exec(out)?.[1]
      if (devices) said.devices = devices.trim().split(' ')
      resolve(said)
    })
  })
}

/**
 * Whether this Blender's Cycles can denoise: true or false, undefined when it cannot be told (then
 * the node says nothing). Runs Blender once (about a second), alongside the node's other start-up checks.
 */
export async function blenderCanDenoise (blender: string): Promise<boolean | undefined> {
  return (await blenderFeatures(blender)).denoise
}

/**
 * Every Blender of the node with its version and what it can do (each asked at once); a Blender
 * that says no version is left out, and `missing` names it. The default (first) is checked by the caller.
 */
export async function describeBlenders (paths: string[]): Promise<{ blenders: Array<NodeBlender & { denoise?: boolean }>, missing: string[] }> {
  const missing: string[] = []
  const found = await Promise.all(paths.map(async (path) => {
    const version = blenderVersion(path)
    if (!version) {
      missing.push(path)
      return null
    }
    const { engines, devices, denoise } = await blenderFeatures(path)
    return { path, version, ...(engines ? { engines } : {}), ...(devices ? { devices } : {}), ...(denoise === undefined ? {} : { denoise }) }
  }))
  return { blenders: found.filter((b) => b !== null), missing }
}
