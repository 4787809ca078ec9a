// A folder of '<ident>.json' files (users/, projects/), read into memory and kept fresh by watching
// it. A file that does not parse or does not match its schema is left out, with its reason kept
// for the log and the API, and never overwritten.
import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { EventEmitter } from 'node:events'
import { validator } from '../../schemas/validator.ts'
import { writeJsonAtomic } from './atomic-write.ts'
import { withFileLock } from './file-lock.ts'

export interface BrokenFile { file: string, reason: string }

export class JsonDirectory<T extends { ident: string }> extends EventEmitter {
  private items = new Map<string, T>()
  private brokenFiles = new Map<string, BrokenFile>()
  private watcher?: FSWatcher
  private reloadTimer?: NodeJS.Timeout
  /** Increases whenever the folder's contents change, for caches built from them. */
  version = 0

  constructor (readonly dir: string, private readonly schemaId: string) {
    super()
    this.reload()
  }

  get (ident: string): T | undefined { return this.items.get(ident) }
  all (): T[] { return [...this.items.values()].sort((a, b) => a.ident.localeCompare(b.ident)) }
  broken (): BrokenFile[] { return [...this.brokenFiles.values()] }
  get size (): number { return this.items.size }

  /** Re-reads the folder; announces a change only when something differs. */
  reload (): void {
    const next = new Map<string, T>()
    const broken = new Map<string, BrokenFile>()
    let names: string[] = []
    try {
      names = readdirSync(this.dir)
    } catch (err) {
      // A folder that went away means no files; anything else is worth a crash at start.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    for (const name of names.sort()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue
      const item = this.readOne(name, broken)
      if (item) next.set(item.ident, item)
    }
    const same = JSON.stringify([...next]) === JSON.stringify([...this.items]) &&
      JSON.stringify([...broken]) === JSON.stringify([...this.brokenFiles])
    this.items = next
    this.brokenFiles = broken
    if (!same) {
      this.version++
      this.emit('change')
    }
  }

  private readOne (name: string, broken: Map<string, BrokenFile>): T | undefined {
    const file = join(this.dir, name)
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as T
      const problem = validator().check(this.schemaId, data)
      if (problem) throw new Error(problem)
      if (`${data.ident}.json` !== name) throw new Error(`ident "${data.ident}" does not match the file name`)
      return data
    } catch (err) {
      broken.set(name, { file, reason: (err as Error).message })
      return undefined
    }
  }

  /** Re-reads the folder whenever something in it changes (other tools may edit these files). */
  watchForChanges (): void {
    this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
      if (name?.toString().startsWith('.')) return // temp files and locks
      clearTimeout(this.reloadTimer)
      this.reloadTimer = setTimeout(() => this.reload(), 50)
    })
    this.watcher.on('error', () => this.watcher?.close())
  }

  async close (): Promise<void> {
    clearTimeout(this.reloadTimer)
    this.watcher?.close()
  }

  /** Changes one file under its lock, re-reading it from disk first so no other writer's change is lost. */
  async update (ident: string, change: (current: T) => T): Promise<T> {
    const file = join(this.dir, `${ident}.json`)
    const result = await withFileLock(file, async () => {
      const current = JSON.parse(readFileSync(file, 'utf8')) as T
      const next = change(structuredClone(current))
      const problem = validator().check(this.schemaId, next)
      if (problem) throw new Error(`${ident}: ${problem}`)
      await writeJsonAtomic(file, next)
      return next
    })
    this.items.set(ident, result)
    this.version++
    this.emit('change')
    return result
  }

  async create (item: T): Promise<T> {
    const problem = validator().check(this.schemaId, item)
    if (problem) throw new Error(`${item.ident}: ${problem}`)
    const file = join(this.dir, `${item.ident}.json`)
    await withFileLock(file, () => writeJsonAtomic(file, item))
    this.items.set(item.ident, item)
    this.version++
    this.emit('change')
    return item
  }
}
