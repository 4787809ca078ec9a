// What the farm's parts share. Farm (farm.ts) owns the state and builds this view of it for its
// parts — the jobs people handle (farm-jobs.ts), the node protocol (node-protocol.ts), what nodes
// report of their runs (run-reports.ts), the journal's repair at start (journal-repair.ts) — so
// each takes only this, and none reaches into another. Besides the shared services, it carries the
// farm's own few verbs: refuse a change while read-only, write changes before replying, tell open
// pages, offer work to the nodes waiting.
import type { Clock } from './clock.ts'
import type { FarmDeps } from './farm-deps.ts'
import type { FrameFiles } from './frame-files.ts'
import type { JobRuntime } from './job-runtime.ts'
import type { JobStateMachine } from './job-states.ts'
import type { JobStore } from './job-store.ts'
import type { NodeRegistry } from './node-registry.ts'
import type { NodeWaiters } from './node-waiters.ts'
import type { Scheduler } from './scheduler.ts'
import type { SingleUseArrivals } from './single-use-arrivals.ts'
import type { Changes, TaskMoves } from './task-moves.ts'

export interface FarmContext {
  readonly deps: FarmDeps
  readonly clock: Clock
  readonly store: JobStore
  readonly registry: NodeRegistry
  readonly sm: JobStateMachine
  readonly scheduler: Scheduler
  readonly moves: TaskMoves
  readonly waiters: NodeWaiters
  /** Single-use nodes prenodes started and have not arrived, and work such nodes left behind. */
  readonly arrivals: SingleUseArrivals
  readonly frameFiles: FrameFiles
  /** The farm is stopping. */
  readonly closed: boolean
  /** The farm changes nothing now: its folder cannot be written. */
  readonly readOnly: boolean
  /** Refuses a change up front while the farm is read-only (throws why): nothing in memory is touched. */
  mustWrite: () => void
  /** Writes the changes to the journal, then does what follows from them; rejects when the write is refused. */
  commit: (changes: Changes) => Promise<void>
  /** This job changed: open pages are told (folded, announcer.ts). */
  announce: (rt: JobRuntime) => void
  /** Something the nodes table shows changed. */
  announceNodes: () => void
  /** New work may be available: it is offered to the nodes and prenodes waiting. */
  wakeForWork: () => void
  /** Asks for a preview of the latest frame a node wrote (or of the picture it made of one). */
  preview: (rt: JobRuntime, msg: { output?: string, preview?: string }) => void
}
