// Every file the server cannot read now (a person's, a project's, a film's project.json, a sidecar, a
// language; and a farm journal file found damaged at start, until the next start), in one list for
// staff (GET /api/problems). Each is logged once when it is found (or its reason changes), not at
// every rescan, and once more when it is readable again. Reasons never quote the file: it may hold
// password hashes.
import { EventEmitter } from 'node:events'
import type { Problem } from '../../schemas/generated/types.ts'

export type ProblemInput = Omit<Problem, 'since'>

/** What is missing until the file is fixed, for the log (the web UI has its own words for it). */
function effect (p: ProblemInput): string {
  switch (p.kind) {
    case 'user': return `until it is fixed, "${p.subject}" cannot log in`
    case 'project': return `until it is fixed, the project "${p.subject}" is hidden and nobody can log in to it`
    case 'project-file': return 'until it is fixed, the film\'s details and credits leave out what cannot be read'
    case 'asset': return 'until it is fixed, that asset shows as broken and cannot be changed'
    case 'language': return `the language "${p.subject}" is left out until it is fixed and the server restarted`
    case 'farm': return 'nothing is left to do (it stays listed until the server restarts)'
  }
}

export class Problems extends EventEmitter {
  /** By file: one file has one problem at a time. */
  private readonly items = new Map<string, Problem>()

  /** `log`: fields (file, kind, subject or project, reason, effect), then a short message. */
  constructor (private readonly log: (fields: object, msg: string) => void = () => {}) { super() }

  list (): Problem[] {
    return [...this.items.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.file.localeCompare(b.file))
  }

  get (file: string): Problem | undefined { return this.items.get(file) }

  /** Records a damaged file; logs it when it is new or its reason changed. */
  set (problem: ProblemInput): void {
    const known = this.items.get(problem.file)
    if (known && known.reason === problem.reason && known.kind === problem.kind) return
    this.items.set(problem.file, { ...problem, since: known?.since ?? new Date().toISOString() })
    this.log({ ...problem, effect: effect(problem) }, 'damaged file')
    this.emit('change')
  }

  /** The file is readable again (or gone). */
  clear (file: string): void {
    if (!this.items.delete(file)) return
    this.log({ file }, 'damaged file can be read again (or is gone)')
    this.emit('change')
  }

  /** Makes the problems that `mine` selects exactly `current`: for a source that knows all of its own at once. */
  sync (mine: (p: Problem) => boolean, current: ProblemInput[]): void {
    const files = new Set(current.map((p) => p.file))
    for (const p of this.list()) if (mine(p) && !files.has(p.file)) this.clear(p.file)
    for (const p of current) this.set(p)
  }
}
