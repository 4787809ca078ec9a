// Proxies: small JPEGs of frames a browser cannot show (OpenEXR, HDR, DPX, TIFF, a movie), kept
// beside the frames in a hidden folder: renders/shots/010/.proxies/0042.jpg for 0042.exr.
// The node makes them right after Blender writes each frame, through the file's own view transform
// (node/blender/rfam_proxy.py): that is the picture as the student saw it in Blender. For a frame
// without one (a job of an older node, a node that could not make it, the frames of a movie) the
// server makes it once, when it is first asked for, with ffmpeg, and keeps it there too. ffmpeg knows
// nothing of the file's view transform, so an EXR is shown through plain sRGB (a little flatter
// than Filmic); that is better than no picture, and says nothing wrong about which frames exist.
// A proxy older than its frame (the frame was rendered again) is made again.
import { spawn } from 'node:child_process'
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { tempDone, tempPathFor } from '../../common/temp-files.ts'

export const PROXY_FOLDER = '.proxies'
/** Proxies are at most this wide (the player shows them scaled to its width). */
export const PROXY_WIDTH = 960

export interface Picture { path: string, type: string }

/** What a file's first bytes say it is, among the pictures a browser shows; null for anything else. */
export async function sniffPicture (path: string): Promise<string | null> {
  const head = Buffer.alloc(12)
  const file = await open(path, 'r').catch(() => null)
  if (!file) return null
  try {
    const { bytesRead } = await file.read(head, 0, 12, 0)
    if (bytesRead < 4) return null
  } finally {
    await file.close()
  }
  if (head.readUInt32BE(0) === 0x89504e47) return 'image/png'
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg'
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/** Where the proxy of a frame file is (of one frame of a movie, with its number). */
export function proxyPath (frameFile: string, movieFrame?: number): string {
  const name = basename(frameFile)
  const dot = name.lastIndexOf('.')
  const bare = dot > 0 ? name.slice(0, dot) : name
  return join(dirname(frameFile), PROXY_FOLDER, movieFrame === undefined ? `${bare}.jpg` : `${bare}-${movieFrame}.jpg`)
}

const making = new Map<string, Promise<boolean>>()
/** ffmpeg runs at most this many at once (the server's machine renders and serves too). */
const AT_ONCE = 2
let running = 0
const queue: Array<() => void> = []

async function slot<T> (work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => queue.push(resolve))
  running++
  try {
    return await work()
  } finally {
    running--
    queue.shift()?.()
  }
}

function ffmpeg (args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', args, { stdio: 'ignore' })
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', () => { clearTimeout(timer); resolve(false) })
    child.on('close', (code) => { clearTimeout(timer); resolve(code === 0) })
  })
}

/** Makes the proxy with ffmpeg (written whole, then renamed); false when ffmpeg cannot read the file. */
async function make (frameFile: string, target: string, movie: { seconds: number } | null): Promise<boolean> {
  await mkdir(dirname(target), { recursive: true })
  const temp = tempPathFor(target)
  try {
    // A linear EXR through the sRGB curve (without it ffmpeg shows linear values: far too dark).
    const input = [
      ...(/\.exr$/i.test(frameFile) ? ['-apply_trc', 'iec61966_2_1'] : []),
      ...(movie ? ['-ss', movie.seconds.toFixed(4)] : []),
      '-i', frameFile,
    ]
    const ok = await slot(() => ffmpeg(['-v', 'error', '-nostdin', ...input, '-frames:v', '1',
      '-vf', `scale='min(${PROXY_WIDTH},iw)':-2`, '-q:v', '4', '-f', 'mjpeg', '-y', temp]))
    if (!ok || !(await stat(temp).then((s) => s.size > 0, () => false))) return false
    await rename(temp, target)
    return true
  } finally {
    await unlink(temp).catch(() => {})
    tempDone(temp)
  }
}

/**
 * The proxy of a frame file (of one frame of a movie: its number and time in it), made now when it
 * is not there or older than the frame; null when no picture can be made of the file.
 */
export async function proxyFor (frameFile: string, movie: { frame: number, seconds: number } | null): Promise<Picture | null> {
  const target = proxyPath(frameFile, movie?.frame)
  const [frame, proxy] = await Promise.all([stat(frameFile).catch(() => null), stat(target).catch(() => null)])
  if (!frame) return null
  if (proxy?.isFile() && proxy.size > 0 && proxy.mtimeMs >= frame.mtimeMs) return { path: target, type: 'image/jpeg' }
  let job = making.get(target)
  if (!job) {
    making.set(target, job = make(frameFile, target, movie).catch(() => false).finally(() => making.delete(target)))
  }
  return (await job) ? { path: target, type: 'image/jpeg' } : null
}
