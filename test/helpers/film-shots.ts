// Shots with rendered frames for the Film tests and benchmark: real PNG frames made by ffmpeg
// (testsrc), written into each render job's output folder by a node played over the real farm
// protocol (no Blender needed to have a shot rendered), reported and finished like a node would.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import type { FarmTask, JobView } from '../../schemas/generated/types.ts'
import { relativeToProject } from '../../server/farm/views.ts'
import type { TestServer } from './server.ts'
import type { Session } from './login.ts'

let made: string | undefined

/** `count` PNG frames of ffmpeg's test picture (made once per process), in order. */
export function testFrames (count: number, size = '64x48'): string[] {
  made ??= mkdtempSync(join(tmpdir(), 'rfam-film-frames-'))
  const dir = join(made, `${size}-${count}`)
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=24`, '-frames:v', String(count), join(dir, '%04d.png')])
    process.on('exit', () => rmSync(made!, { recursive: true, force: true }))
  }
  return Array.from({ length: count }, (_, i) => join(dir, `${String(i + 1).padStart(4, '0')}.png`))
}

/** A render node without Blender: takes runs and writes real frames (of `size`) for them. */
export async function framesNode (server: TestServer, name = 'frames-node', size = '64x48') {
  const credential = await server.app.farm.credentials.create(`${name}-credential`)
  const send = async (message: string, body: unknown): Promise<any> => {
    const res = await fetch(`${server.url}/api/farm/${message}`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const json = await res.json()
    if (res.status >= 400) throw new Error(`${message}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const { session } = await send('hello', { name, version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  return {
    /** Takes the next run and writes every frame of it (or only `only`), then says done. */
    renderNext: async (only?: (frame: number) => boolean): Promise<FarmTask> => {
      const run = ((await send('work', { node: name, session, free: 1, running: [], wait: false })).runs as FarmTask[])[0]!
      const out = relativeToProject(run.output, server.app.rfam.workspace.project(run.project).directory)
      const folder = join(server.projectDir(run.project), posix.dirname(out))
      mkdirSync(folder, { recursive: true })
      const pictures = testFrames(Math.max(...run.frames), size)
      const frames = run.frames.filter((f) => only?.(f) ?? true)
      for (const f of frames) copyFileSync(pictures[f - 1]!, join(folder, `${String(f).padStart(4, '0')}.png`))
      const written = frames.map((frame) => ({ frame, seconds: 1, file: `${String(frame).padStart(4, '0')}.png` }))
      if (frames.length === run.frames.length) await send('done', { node: name, session, job: run.job, tasks: run.tasks, frames: written, seconds: 1, free: 0, ...(written.length > 0 ? { output: written.at(-1)!.file } : {}) })
      else await send('failed', { node: name, session, job: run.job, tasks: run.tasks, frames: written, exitCode: 1, signal: null, free: 0, message: 'stopped', logTail: '' })
      return run
    },
  }
}

/** Renders `frames` frames of a shot (an asset path) through `node`: a job of one run. */
export async function renderShot (api: Session['api'], node: Awaited<ReturnType<typeof framesNode>>, path: string, frames: number, only?: (frame: number) => boolean): Promise<JobView> {
  const { body, status } = await api<JobView>('POST', '/api/projects/demo/jobs', { file: path, frameStart: 1, frameEnd: frames, chunkSize: frames })
  if (status !== 201) throw new Error(`job for ${path}: ${status} ${JSON.stringify(body)}`)
  await node.renderNext(only)
  return body
}

/** Makes `count` shots named "Shot 010" … (Shot 0N0), returning their paths in creation order. */
export async function makeShots (api: Session['api'], count: number, first = 1): Promise<string[]> {
  const paths: string[] = []
  for (let i = first; i < first + count; i++) {
    const { body, status } = await api<{ path: string }>('POST', '/api/projects/demo/assets', { name: `Shot ${String(i * 10).padStart(3, '0')}`, type: 'shot' })
    if (status !== 201) throw new Error(`shot ${i}: ${status} ${JSON.stringify(body)}`)
    paths.push(body.path)
  }
  return paths
}
