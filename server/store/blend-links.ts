// Dependencies read from the .blend files themselves: the libraries each file links, mapped to
// paths inside its project. Reading happens in the background, a couple of files at a time; what
// each file links is cached by its identity (blend-link-cache.ts), across restarts too.
import { existsSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { resolveLibraryPath } from '../blend/read-blend-links.ts'
import { isInside, realpathOfExistingPart } from '../../common/named-paths.ts'

export interface FileLinks {
  /** Linked libraries inside the project, as paths relative to it. */
  inside: string[]
  /** Linked libraries that do not exist (inside or outside the project), as stored in the file. */
  missing: string[]
  /** Linked libraries outside the project folder: render nodes may not reach them. */
  outside: string[]
}

/**
 * Where the libraries a project file links are: inside the project, missing, or outside it. By
 * their real paths: a library reached through a link leading out of the project is outside (a
 * node's sandbox, which sees only the project, cannot reach it), one reached through a link that
 * stays inside is the file the link leads to.
 */
export function fileLinks (root: string, path: string, libraries: string[]): FileLinks {
  const abs = join(root, path)
  const out: FileLinks = { inside: [], missing: [], outside: [] }
  let realRoot: string | undefined
  for (const lib of libraries) {
    const target = resolveLibraryPath(abs, lib)
    if (!existsSync(target)) out.missing.push(lib)
    realRoot ??= realpathOf(root)
    const real = isAbsolute(target) ? realpathOf(target) : undefined
    if (real !== undefined && realRoot !== undefined && isInside(realRoot, real)) out.inside.push(relative(realRoot, real).split(sep).join('/'))
    else out.outside.push(lib)
  }
  return out
}

/** The real path, or undefined for a loop of links. */
function realpathOf (p: string): string | undefined {
  try { return realpathOfExistingPart(p) } catch { return undefined }
}

/**
 * Runs jobs a few at a time, latest request per key winning. A job that finishes at once (returns no
 * promise) runs in a batch with the next ones, a few milliseconds per turn of the event loop: ten
 * thousand cheap jobs then cost no promise and no turn each.
 */
export class BackgroundQueue {
  private readonly waiting = new Map<string, () => Promise<void> | void>()
  private running = 0
  private held = false

  constructor (private readonly concurrency = 2) {}

  /** Collects jobs without running them until release(). */
  hold (): void { this.held = true }

  release (): void {
    this.held = false
    this.pump()
  }

  add (key: string, job: () => Promise<void> | void): void {
    this.waiting.set(key, job)
    this.pump()
  }

  get idle (): boolean { return this.running === 0 && this.waiting.size === 0 }

  private pump (): void {
    const until = performance.now() + 5
    while (!this.held && this.running < this.concurrency && this.waiting.size > 0) {
      if (performance.now() > until) {
        setImmediate(() => this.pump())
        return
      }
      const [key, job] = this.waiting.entries().next().value as [string, () => Promise<void> | void]
      this.waiting.delete(key)
      let pending: Promise<void> | void
      try { pending = job() } catch { continue }
      if (!pending) continue
      this.running++
      void pending.catch(() => {}).finally(() => { this.running--; setImmediate(() => this.pump()) })
    }
  }
}
