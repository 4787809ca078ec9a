// Prenode names and the farm credential each belongs to (<farm>/prenodes/<name>.json): the first
// credential to poll or acknowledge under a name keeps it, so no other credential can read a
// prenode's offers or mark jobs as acted on for it. Staff free a name by removing its file
// (npm run farm -- forget-prenode <name>); the running server notices at the next refusal.
import { access, mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FarmPrenode } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { HttpError } from '../errors.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'

export class PrenodeNames {
  readonly dir: string
  private readonly owners = new Map<string, string>()
  /** Names whose file is being written (a binding not on disk yet is still a binding). */
  private readonly writing = new Set<string>()

  constructor (farmDir: string, private readonly now: () => number, private readonly log: { warn: (fields: object, msg: string) => void }) {
    this.dir = join(farmDir, 'prenodes')
  }

  async load (): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    for (const name of (await readdir(this.dir)).filter((n) => n.endsWith('.json'))) {
      const file = join(this.dir, name)
      try {
        const record = JSON.parse(await readFile(file, 'utf8')) as FarmPrenode
        const problem = validator().check('prenode.schema.json', record)
        if (problem) throw new Error(problem)
        this.owners.set(record.name, record.credential)
      } catch (err) {
        this.log.warn({ file, err }, 'damaged prenode file: it cannot be read and is left alone')
      }
    }
  }

  /** Whether the name is bound to this credential already (no need to wait for bind). */
  owns (name: string, credential: string): boolean { return this.owners.get(name) === credential }

  /** Binds a new name to this credential (on disk before it returns); 403 when it belongs to another. */
  async bind (name: string, credential: string): Promise<void> {
    const owner = this.owners.get(name)
    if (owner === credential) return
    if (owner !== undefined && await this.onDisk(name)) {
      throw new HttpError(403, 'RFAM_PRENODE_NAME_BOUND', `The prenode name "${name}" belongs to another farm credential; give this prenode its own name ("name" in its configuration), or ask staff to free the name (npm run farm -- forget-prenode ${name}).`)
    }
    this.owners.set(name, credential)
    this.writing.add(name)
    try {
      const record: FarmPrenode = { name, credential, since: new Date(this.now()).toISOString() }
      await writeJsonAtomic(this.fileOf(name), record)
    } catch (err) {
      this.owners.delete(name)
      throw err
    } finally {
      this.writing.delete(name)
    }
  }

  /** Whether a name's binding still stands: its file is there (staff may have removed it) or being written. */
  private async onDisk (name: string): Promise<boolean> {
    if (this.writing.has(name)) return true
    try {
      await access(this.fileOf(name))
      return true
    } catch {
      return false
    }
  }

  private fileOf (name: string): string { return join(this.dir, `${name}.json`) }
}
