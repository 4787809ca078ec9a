// A render node's process slots and the Blender each keeps open (blender-session.ts): which slot a
// run takes (one whose Blender has the file loaded already, else one with an empty Blender ready
// for the run's place, else one with none open), which Blender renders it (the slot's session, or
// a Blender of its own for a video), Blenders started ahead of work, and sessions ended when their
// memory is wanted for another file or they are not to be trusted. The node's loop is render-node.ts.
import type { FarmTask } from '../schemas/generated/types.ts'
import { blenderCommand } from './blender-args.ts'
import type { WrittenFrame } from './blender-output.ts'
import { BlenderProcess, type BlenderExit } from './blender-process.ts'
import { BlenderSession, fileStamp, placeKey, sessionKey } from './blender-session.ts'
import { startFilm } from './film-run.ts'
import type { RenderNodeConfig } from './config.ts'
import type { RunPlace } from './job-place.ts'
import type { Log } from '../common/log.ts'
import type { JobPlace, Sandbox } from './sandbox.ts'
import { runBlender, type RunBlender } from './run-blender.ts'

/** The slot taken for a run, and what its Blender must be: its place (placeKey), the file as saved now, the session it needs (null: a Blender of its own). */
export interface SlotPlan {
  slot: number
  place: string
  stamp: string | null
  key: string | null
  /** Which of the node's Blenders runs it, on what device (run-blender.ts). */
  run: RunBlender
}

/** A run's Blender, started. */
export interface StartedBlender {
  blender: BlenderProcess | BlenderSession
  exited: Promise<BlenderExit>
  /** How the Blender came to the run, for the log: a new one, one already open with the file loaded, one started ahead. */
  open: 'new' | 'open' | 'ahead'
}

export class BlenderSlots {
  /** The free slots, lowest first. */
  readonly free: number[]
  /** Each slot's Blender session, open or idle (frames runs only). */
  private readonly sessions: Array<BlenderSession | null>
  /** The place of the latest run: a sandboxed Blender started ahead of work is started for it. */
  private lastPlace: JobPlace | null = null

  /** `stopping`: whether the node stops (no Blender is started ahead then). */
  constructor (
    private readonly config: RenderNodeConfig,
    private readonly sandbox: Sandbox | null,
    private readonly log: Log,
    private readonly stopping: () => boolean
  ) {
    this.free = config.processes.map((_, i) => i)
    this.sessions = config.processes.map(() => null)
  }

  /** Takes a free slot for a run of this task at these paths (the one that suits it best). */
  take (task: FarmTask, paths: RunPlace): SlotPlan {
    this.lastPlace = { project: paths.project, outputDir: paths.outputDir }
    const place = placeKey(paths, this.sandbox !== null)
    const stamp = task.video ? null : fileStamp(paths.file)
    const run = runBlender(task, this.config)
    const key = stamp === null ? null : sessionKey(paths, this.config.scripting, task.job, run)
    return { slot: this.takeSlot(key, place, run.blender), place, stamp, key, run }
  }

  /**
   * Starts the run's Blender in the slot taken for it: the slot's session (the one open with the
   * file loaded, one started ahead that loads it, or a new one), or, for a video or a file that is
   * not there, a Blender of its own.
   */
  start ({ slot, place, stamp, key, run }: SlotPlan, task: FarmTask, paths: RunPlace, onFrame: (frame: WrittenFrame) => void): StartedBlender {
    const options = { ...this.blenderOptions(slot), blender: run.blender, device: run.device }
    if (task.film) {
      // A film is ffmpeg's, not Blender's (film-run.ts).
      const film = startFilm(task, paths, this.sandbox, onFrame)
      return { blender: film, exited: film.exited, open: 'new' }
    }
    if (key === null || stamp === null) {
      // A video is one -a run; a file that is not there fails in a Blender of its own, with Blender's words.
      this.drop(slot)
      for (const free of this.free) this.drop(free)
      const blender = new BlenderProcess(blenderCommand(task, paths, options), onFrame)
      return { blender, exited: blender.exited, open: 'new' }
    }
    let open: StartedBlender['open'] = 'new'
    let session = this.sessions[slot]
    if (session?.alive && session.key === key) {
      open = 'open'
    } else {
      if (session?.alive && session.key === null && session.place === place && session.blender === run.blender) {
        session.load(key, paths, { job: task.job, stamp }, run.device)
        open = 'ahead'
      } else {
        this.drop(slot)
        session = this.sessions[slot] = new BlenderSession(options, { key, paths, source: { job: task.job, stamp } })
      }
      // Idle Blenders holding other files give their memory to this one (empty ready ones stay).
      for (const free of this.free) if (this.sessions[free]?.key !== key && this.sessions[free]?.key !== null) this.drop(free)
    }
    return { blender: session, exited: session.render(task.frames, { job: task.job, stamp }, onFrame), open }
  }

  /** A run in this slot ended: the slot is free again; a session that failed or was cancelled (not `trusted`) is ended. */
  release (slot: number, blender: BlenderProcess | BlenderSession | null, trusted: boolean): void {
    if (!trusted && blender instanceof BlenderSession && this.sessions[slot] === blender) this.drop(slot)
    if (slot >= 0) this.free.push(slot)
    this.free.sort((a, b) => a - b)
  }

  /**
   * Starts an empty Blender in each free slot that has none open, so the next job's first frames
   * begin without Blender's start-up (readyBlender). Called when the node connects and when it
   * falls idle, not while it renders (a start-up costs a core for a second or two). In a sandbox a
   * Blender sees only what it was started for, so it is started for the place of the node's
   * latest run (the same shot rendered again takes it), and none before the first run.
   */
  fillReady (): void {
    if (!this.config.readyBlender || this.config.singleUse || this.stopping()) return
    const place = this.sandbox ? this.lastPlace : null
    if (this.sandbox && !place) return
    for (const slot of this.free) {
      if (this.sessions[slot]?.alive) continue
      try {
        const session: BlenderSession = this.sessions[slot] = new BlenderSession(this.blenderOptions(slot), null, () => {
          this.log.info({ slot: slot + 1, blenderPid: session.pid }, 'Blender ready')
        }, place)
      } catch (err) {
        // Its output folder was removed meanwhile: the next run starts its own.
        this.sessions[slot] = null
        this.log.warn({ err }, 'no Blender started ahead')
        return
      }
    }
  }

  /** Kills every slot's Blender session; resolves when they have exited. */
  async killAll (): Promise<void> {
    for (const session of this.sessions) session?.kill()
    await Promise.all(this.sessions.map((session) => session?.process.exited))
  }

  /**
   * A free slot: one whose open Blender has this file loaded, else one with an empty Blender ready
   * for this place (placeKey), else one with none open, else any.
   */
  private takeSlot (key: string | null, place: string, blender: string): number {
    const free = this.free
    const open = (slot: number) => this.sessions[slot]?.alive === true
    let at = free.findIndex((slot) => key !== null && open(slot) && this.sessions[slot]!.key === key)
    if (at < 0 && key !== null) at = free.findIndex((slot) => open(slot) && this.sessions[slot]!.key === null && this.sessions[slot]!.place === place && this.sessions[slot]!.blender === blender)
    if (at < 0) at = free.findIndex((slot) => !open(slot))
    if (at < 0) at = 0
    return free.splice(at, 1)[0] ?? -1
  }

  private blenderOptions (slot: number) {
    return { blender: this.config.blender, threads: this.config.processes[slot] ?? 0, scripting: this.config.scripting, nice: this.config.nice, sandbox: this.sandbox }
  }

  /** Ends a slot's Blender session (a cancel, a failure, or the slot needed for another file). */
  private drop (slot: number): void {
    this.sessions[slot]?.kill()
    if (slot >= 0) this.sessions[slot] = null
  }
}
