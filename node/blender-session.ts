// A Blender kept open with one file loaded (node/blender/session.py), rendering the
// frames of one run after another: a node pays Blender's start-up once per file, not once per run,
// so runs can be small (an even split of the frames, no idle process at the end of a job) without
// costing start-ups. A session serves one file with one output path and one set of options. Runs
// of one job render what was loaded for the job's first run; a run of another job, or of a file
// saved again since, first loads the file again (a few milliseconds, textures and linked
// libraries as they are now), so a re-render never shows stale work. In a sandbox, what Blender may
// see is fixed when it starts (the project and the output folder): a Blender started ahead of work
// takes only a file of the place it was started for (placeKey).
import { statSync } from 'node:fs'
import { serverProject, sessionCommand, type BlenderOptions, type RunPaths } from './blender-args.ts'
import { BlenderProcess, type BlenderExit } from './blender-process.ts'
import type { WrittenFrame } from './blender-output.ts'
import type { JobPlace } from './sandbox.ts'

export type SessionOptions = BlenderOptions

/** Which runs a Blender started ahead of work may take: any without a sandbox, else those of its place. */
export function placeKey (place: JobPlace | null, sandboxed: boolean): string {
  return sandboxed && place ? JSON.stringify([place.project, place.outputDir]) : ''
}

/** What a session is good for: the same file and output (its other options are the node's and its slot's). */
export function sessionKey (paths: { file: string, output: string }, scripting: boolean, job: string, run: { blender: string, device: string | null } = { blender: '', device: null }): string {
  // A file's own scripts may change the scene while it renders: with scripting on, only runs of
  // the same job share a Blender. A run for another of the node's Blenders or devices needs its own.
  return JSON.stringify([paths.file, paths.output, scripting ? job : '', run.blender, run.device])
}

/** Identifies the file as saved now (null: it is not there). */
export function fileStamp (file: string): string | null {
  try {
    const st = statSync(file)
    return `${st.ino}:${st.size}:${st.mtimeMs}`
  } catch {
    return null
  }
}

/** What a run is: its job, and the file as saved when the run starts. */
export interface RunSource { job: string, stamp: string }

export class BlenderSession {
  readonly process: BlenderProcess
  private onFrame: ((frame: WrittenFrame) => void) | null = null
  private waiting: { resolve: (exit: BlenderExit) => void, started: number } | null = null
  private idleTimer: NodeJS.Timeout | null = null
  private closing = false
  /** Which file and output it serves (sessionKey); null: started ahead of work, none loaded yet. */
  key: string | null
  /** What is loaded: the file as saved when it was read, for which job. */
  private loaded: RunSource | null
  /** The place it may see (placeKey), fixed at start. */
  readonly place: string
  /** Which of the node's Blenders it is (the executable as configured). */
  readonly blender: string

  /**
   * Starts Blender with this file loaded, or with none (ready for one: load(), of `place`, in
   * whose sandbox it runs on a node that has one).
   */
  constructor (options: SessionOptions, file: { key: string, paths: RunPaths, source: RunSource } | null, onReady?: () => void, place: JobPlace | null = file?.paths ?? null) {
    this.key = file?.key ?? null
    this.loaded = file?.source ?? null
    this.place = placeKey(place, Boolean(options.sandbox))
    this.blender = options.blender
    this.process = new BlenderProcess(sessionCommand(file?.paths ?? null, options, place), (frame) => this.onFrame?.(frame), (line) => {
      if (line === 'RFAM_RUN_DONE') this.settle({ exitCode: 0, signal: null, killed: false })
      else if (line.startsWith('RFAM_READY')) onReady?.()
    })
    void this.process.exited.then((exit) => this.settle(exit))
  }

  /** Gives a Blender started without a file its file (read before the next run). */
  load (key: string, paths: RunPaths, source: RunSource, device: string | null = null): void {
    this.key = key
    this.loaded = source
    const { file, output, project, outputDir, outputShown } = paths
    if (this.alive) this.process.send(`LOAD ${JSON.stringify({ file, output, project, outputDir, outputShown, ...serverProject(paths), ...(device ? { device } : {}) })}`)
  }

  get pid (): number | undefined { return this.process.pid }
  get output () { return this.process.output }
  /** Running and not closing: can take a run. */
  get alive (): boolean { return this.process.running && !this.closing }

  /**
   * Renders these frames; resolves when the last is written (exit code 0) or when Blender ends
   * (its exit). `seconds` counts from this call, so a first run includes the start-up.
   */
  render (frames: number[], source: RunSource, onFrame: (frame: WrittenFrame) => void): Promise<BlenderExit> {
    if (this.waiting) throw new Error('a Blender session renders one run at a time')
    this.stopIdleTimer()
    this.onFrame = onFrame
    this.output.current = null
    this.output.preview = null
    this.output.errors.length = 0
    this.output.refused = null
    const started = performance.now()
    const done = new Promise<BlenderExit>((resolve) => { this.waiting = { resolve, started } })
    if (this.alive) {
      if (source.job !== this.loaded?.job || source.stamp !== this.loaded.stamp) {
        this.output.missing = [] // said again for the file as loaded now
        this.process.send('LOAD')
      }
      this.loaded = source
      this.process.send(`RENDER ${frames.join(' ')}`)
    } else {
      void this.process.exited.then((exit) => this.settle(exit)) // ended meanwhile: the run fails with its exit
    }
    return done
  }

  /** Keeps Blender open for `seconds`, then lets it go (closing stdin ends it) and calls `then`. */
  idle (seconds: number, then?: () => void): void {
    this.stopIdleTimer()
    if (seconds <= 0) return this.close()
    this.idleTimer = setTimeout(() => { this.close(); then?.() }, seconds * 1000)
    this.idleTimer.unref()
  }

  close (): void {
    this.stopIdleTimer()
    if (this.alive) this.process.close()
    this.closing = true
  }

  kill (): void {
    this.stopIdleTimer()
    this.process.kill()
  }

  private stopIdleTimer (): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }

  private settle (exit: Omit<BlenderExit, 'seconds'>): void {
    const waiting = this.waiting
    if (!waiting) return
    this.waiting = null
    this.onFrame = null
    waiting.resolve({ ...exit, seconds: (performance.now() - waiting.started) / 1000 })
  }
}
