// A farm folder of one JSON file per name (<farm>/nodes/<name>.json, <farm>/prenodes/<name>.json),
// each binding its name to the farm credential that first used it. The node registry and the prenode
// names keep their names alike: staff free a name by removing its file, so a binding stands while
// its file is on disk or being written (a binding not on disk yet is still a binding).
import { access, mkdir, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { validator } from '../../schemas/validator.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'

export class NameFiles<T> {
  /** Names whose file is being written. */
  private readonly writing = new Set<string>()

  /** `what` names a file's kind in the log ('node', 'prenode'); `schema` is the schema every file must match. */
  constructor (readonly dir: string, private readonly schema: string, private readonly what: string, private readonly log: { warn: (fields: object, msg: string) => void }) {}

  /** Every file's record (the folder is made when missing); a damaged file is logged and left alone. */
  async load (): Promise<T[]> {
    await mkdir(this.dir, { recursive: true })
    const records: T[] = []
    for (const name of (await readdir(this.dir)).filter((n) => n.endsWith('.json'))) {
      const file = join(this.dir, name)
      try {
        const record = JSON.parse(await readFile(file, 'utf8')) as T
        const problem = validator().check(this.schema, record)
        if (problem) throw new Error(problem)
        records.push(record)
      } catch (err) {
        this.log.warn({ file, err }, `damaged ${this.what} file: it cannot be read and is left alone`)
      }
    }
    return records
  }

  /** Writes a name's file; the name counts as on disk while it is written. */
  async write (name: string, record: T): Promise<void> {
    this.writing.add(name)
    try {
      await writeJsonAtomic(this.fileOf(name), record)
    } finally {
      this.writing.delete(name)
    }
  }

  /** Whether a name's binding still stands: its file is there (staff may have removed it) or being written. */
  async onDisk (name: string): Promise<boolean> {
    if (this.writing.has(name)) return true
    try {
      await access(this.fileOf(name))
      return true
    } catch {
      return false
    }
  }

  /** Removes a name's file (the name is free again); one gone already is fine. */
  async remove (name: string): Promise<void> {
    try {
      await unlink(this.fileOf(name))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }

  private fileOf (name: string): string { return join(this.dir, `${name}.json`) }
}
