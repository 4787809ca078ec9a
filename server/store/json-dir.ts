// A folder of '<ident>.json' files (users/, projects/), read into memory and kept fresh by watching
// it. A file that does not parse or does not match its schema is left out, with its reason kept
// for the log and the API, and never overwritten. The reason never quotes the file: users/ holds
// password hashes.
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { EventEmitter } from 'node:events'
import { validator } from '../../schemas/validator.ts'
import { jsonSyntaxProblem } from '../../common/read-json-file.ts'
import { writeJsonAtomic, type WriteOptions } from '../../common/atomic-write.ts'
import { withFileLock } from './file-lock.ts'

export interface BrokenFile { file: string, reason: string }

export class JsonDirectory<T extends { ident: string }> extends EventEmitter {
  private items = new Map<string, T>()
  private brokenFiles = new Map<string, BrokenFile>()
  private watcher?: FSWatcher
  private reloadTimer?: NodeJS.Timeout
  /** Increases whenever the folder's contents change, for caches built from them. */
  version = 0

  /** `options.mode`: permissions of the files it writes (0o600 for users/, whose files hold password hashes). */
  constructor (readonly dir: string, private readonly schemaId: string, private readonly options: WriteOptions = {}) {
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
    let text: string
    let data: T
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      broken.set(name, { file, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` })
      return undefined
    }
    try {
      data = JSON.parse(text) as T
    } catch (err) {
      broken.set(name, { file, reason: jsonSyntaxProblem(err, text) })
      return undefined
    }
    const problem = validator().check(this.schemaId, data, { quote: false }) ??
      (`${data.ident}.json` !== name ? 'its "ident" field does not match the file name' : null)
    if (problem) {
      broken.set(name, { file, reason: problem })
      return undefined
    }
    return data
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
      const current = parseOrExplain<T>(readFileSync(file, 'utf8'), `${ident}.json`)
      const next = change(structuredClone(current))
      const problem = validator().check(this.schemaId, next, { quote: false })
      if (problem) throw new Error(`${ident}: ${problem}`)
      await writeJsonAtomic(file, next, this.options)
      return next
    })
    this.items.set(ident, result)
    this.version++
    this.emit('change')
    return result
  }

  async create (item: T): Promise<T> {
    return (await this.write(item, false))!
  }

  /** Like create, but leaves a file that exists already as it is (checked under its lock): undefined then. */
  async createNew (item: T): Promise<T | undefined> {
    return this.write(item, true)
  }

  private async write (item: T, onlyNew: boolean): Promise<T | undefined> {
    const problem = validator().check(this.schemaId, item)
    if (problem) throw new Error(`${item.ident}: ${problem}`)
    const file = join(this.dir, `${item.ident}.json`)
    const written = await withFileLock(file, async () => {
      if (onlyNew && existsSync(file)) return false
      await writeJsonAtomic(file, item, this.options)
      return true
    })
    if (!written) return undefined
    this.items.set(item.ident, item)
    this.version++
    this.emit('change')
    return item
  }
}

/** JSON.parse, with an error that says what is wrong without quoting the text (it may hold secrets). */
function parseOrExplain<T> (text: string, name: string): T {
  try {
    return JSON.parse(text) as T
  } catch (err) {
    throw new Error(`${name} is ${jsonSyntaxProblem(err, text)}; fix it before changing it here.`)
  }
}
