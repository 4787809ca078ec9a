// What the node's Blender can do beyond rendering, told to the server at hello so the render form can
// warn before a file needs what some nodes lack: whether Cycles was built with OpenImageDenoise
// (Debian's Blender was not, and stops a file with denoising on: "Build without OpenImageDenoiser").
import { spawn } from 'node:child_process'

const SCRIPT = [
  'try:',
  '    import _cycles',
  '    print("RFAM_DENOISE", int(bool(_cycles.with_openimagedenoise)))',
  'except Exception as e:',
  '    print("RFAM_DENOISE ?", e)',
].join('\n')

/**
 * Whether this Blender's Cycles can denoise: true or false, undefined when it cannot be told (then
 * the node says nothing). Runs Blender once (about a second), alongside the node's other start-up checks.
 */
export function blenderCanDenoise (blender: string): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    let out = ''
    const child = spawn(blender, ['--factory-startup', '-b', '--python-expr', SCRIPT], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 })
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.on('error', () => resolve(undefined))
    child.on('close', () => {
      const said = /^RFAM_DENOISE ([01])$/m.exec(out)?.[1]
      resolve(said === undefined ? undefined : said === '1')
    })
  })
}
