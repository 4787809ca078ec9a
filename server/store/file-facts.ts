// What one project's .blend files say of themselves, read in the background a couple of files at a
// time: the libraries each links (mapped to paths inside the project, blend-links.ts) and whether it
// holds a thumbnail (thumbnails.ts). Read through the link cache, by file identity: an unchanged file
// (or a hard link of one read before) is never read again, across restarts too.
import { join } from 'node:path'
import type { AssetIndex } from './asset-index.ts'
import type { BlendFacts, BlendLinkCache } from './blend-link-cache.ts'
import { BackgroundQueue, fileLinks, type FileLinks } from './blend-links.ts'
import { thumbnailTag } from './thumbnails.ts'

export class ProjectFileFacts {
  /** What each .blend links; files that link nothing are left out (most do). */
  readonly links = new Map<string, FileLinks>()
  /** The thumbnail tag of each .blend that holds a thumbnail (thumbnailTag()). */
  readonly thumbnails = new Map<string, string>()
  /** The file identity each tag was given for, and how often each path's file got a new one. */
  private readonly tagged = new Map<string, { identity: string, changes: number }>()
  private readonly queue = new BackgroundQueue(2)

  /** `changed` hears of each path whose links or thumbnail changed. */
  constructor (
    private readonly root: string,
    private readonly index: AssetIndex,
    private readonly cache: BlendLinkCache,
    private readonly changed: (path: string) => void
  ) {}

  /** Collects files to read without reading them until release(). */
  hold (): void { this.queue.hold() }
  release (): void { this.queue.release() }

  /** True once every file asked for has been read. */
  get settled (): boolean { return this.queue.idle }

  /** The tag of the path's thumbnail when it is the one of the file of this identity (not an earlier file's). */
  thumbnailOf (path: string, identity: string): string | undefined {
    return this.tagged.get(path)?.identity === identity ? this.thumbnails.get(path) : undefined
  }

  /** Reads a file's facts again, in the background (paths not ending in .blend are left alone). */
  read (path: string): void {
    if (!path.endsWith('.blend')) return
    this.queue.add(path, () => {
      const file = this.index.get(path)?.file
      if (!file?.exists) return this.set(path, undefined)
      // A file read before (unchanged, or a hard link of it) needs no reading: no promise either.
      const known = file.identity ? this.cache.knownFacts(file.identity) : undefined
      if (known) return this.set(path, known, file.identity)
      return this.cache.facts(join(this.root, path), file.identity)
        .then((facts) => this.set(path, facts, file.identity), () => this.set(path, undefined))
    })
  }

  private set (path: string, facts: BlendFacts | undefined, identity?: string): void {
    const links = this.setLinks(path, facts && fileLinks(this.root, path, facts.libraries))
    const tag = facts?.thumbnail && identity !== undefined ? this.tagFor(path, identity) : undefined
    const thumbnail = tag !== this.thumbnails.get(path)
    if (thumbnail) {
      if (tag === undefined) this.thumbnails.delete(path)
      else this.thumbnails.set(path, tag)
    }
    if (links || thumbnail) this.changed(path)
  }

  /** The path's tag for the file of this identity: a new one when the path holds another file than before. */
  private tagFor (path: string, identity: string): string {
    const known = this.tagged.get(path)
    if (known?.identity === identity) return thumbnailTag(known.changes)
    const changes = known ? known.changes + 1 : 0
    this.tagged.set(path, { identity, changes })
    return thumbnailTag(changes)
  }

  /** True when the links changed. */
  private setLinks (path: string, next: FileLinks | undefined): boolean {
    // Most files link nothing: that is no news, and must not rebuild the views 10,000 times.
    const empty = !next || next.inside.length + next.missing.length + next.outside.length === 0
    const previous = this.links.get(path)
    if (empty) {
      if (!previous) return false
      this.links.delete(path)
      return true
    }
    if (JSON.stringify(next) === JSON.stringify(previous)) return false
    this.links.set(path, next)
    return true
  }
}
