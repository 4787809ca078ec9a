// Live updates for open pages, folded. A busy farm changes its jobs and nodes thousands of times
// a second (every task handed out, every frame written), and each announcement made every open
// Rendering page reload a list: the jobs of its project, or every node with what it renders.
// Jobs are announced once per job every JOB_MS at most, the nodes once every NODES_MS.
import type { Clock } from './clock.ts'

export type FarmChange = { project: string, kind: 'job' | 'node', path?: string }

const JOB_MS = 200
const NODES_MS = 1000

export class Announcer {
  /** Changed jobs not announced yet: id -> project. */
  private readonly jobs = new Map<string, string>()
  private nodes = false
  private nodesAt = -Infinity
  private timer: unknown = null
  private closed = false

  constructor (
    private readonly clock: Clock,
    private readonly emit: ((change: FarmChange) => void) | undefined,
    private readonly projects: () => string[]
  ) {}

  job (project: string, id: string): void {
    if (!this.emit) return
    this.jobs.set(id, project)
    this.schedule(JOB_MS)
  }

  /** Something the nodes table shows changed (every project's page shows it). */
  nodesChanged (): void {
    if (!this.emit) return
    this.nodes = true
    this.schedule(Math.max(JOB_MS, this.nodesAt + NODES_MS - this.clock.now()))
  }

  /** Sends what is pending now (at close). */
  close (): void {
    this.closed = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
    this.flush(true)
  }

  private schedule (ms: number): void {
    if (this.timer !== null || this.closed) return
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.flush(false)
    }, ms)
  }

  private flush (all: boolean): void {
    const emit = this.emit!
    for (const [path, project] of this.jobs) emit({ project, kind: 'job', path })
    this.jobs.clear()
    if (!this.nodes) return
    const wait = this.nodesAt + NODES_MS - this.clock.now()
    if (wait > 0 && !all) {
      this.schedule(wait)
      return
    }
    this.nodes = false
    this.nodesAt = this.clock.now()
    for (const project of this.projects()) emit({ project, kind: 'node' })
  }
}
