// The live-update messages of one project, made once for all of its open pages: changes within
// 100 ms are folded into one message, serialised once and written to every stream (300 open pages
// cost one timer and one JSON.stringify per message, not 300 of each). A page that opened while
// changes were being gathered hears only of those made after it opened, as if it had its own.
import type { LiveChanges } from '../../../schemas/generated/types.ts'
import type { ProjectChange } from '../../store/workspace.ts'

/** Writes one message to one open page. */
export type Send = (message: string) => void

const FOLD_MS = 100
/** Changes in one message at most; `more` says there were others. */
const MAX_CHANGES = 200

function message (changes: ProjectChange[]): string {
  const data: LiveChanges = { changes: changes.slice(0, MAX_CHANGES), more: changes.length > MAX_CHANGES }
  return `event: change\ndata: ${JSON.stringify(data)}\n\n`
}

export class ChangeFeed {
  private pending: ProjectChange[] = []
  private timer?: NodeJS.Timeout
  /** Each open page, with how many of the pending changes came before it opened. */
  private readonly pages = new Map<Send, number>()

  get empty (): boolean { return this.pages.size === 0 }

  /** Adds a page; returns the function that removes it. */
  open (send: Send): () => void {
    this.pages.set(send, this.pending.length)
    return () => { this.pages.delete(send) }
  }

  add (change: ProjectChange): void {
    this.pending.push(change)
    this.timer ??= setTimeout(() => this.flush(), FOLD_MS)
  }

  close (): void { clearTimeout(this.timer) }

  private flush (): void {
    this.timer = undefined
    const changes = this.pending
    this.pending = []
    const forAll = message(changes)
    for (const [send, before] of this.pages) {
      if (before === 0) send(forAll)
      else if (before < changes.length) send(message(changes.slice(before)))
      this.pages.set(send, 0)
    }
  }
}
