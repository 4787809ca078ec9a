// Prenode names and the farm credential each belongs to (<farm>/prenodes/<name>.json): the first
// credential to poll or acknowledge under a name keeps it, so no other credential can read a
// prenode's offers or mark jobs as acted on for it. Staff free a name by removing its file
// (npm run farm -- forget-prenode <name>); the running server notices at the next refusal.
import { join } from 'node:path'
import type { FarmPrenode } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import { NameFiles } from './name-files.ts'

export class PrenodeNames {
  private readonly owners = new Map<string, string>()
  private readonly files: NameFiles<FarmPrenode>

  constructor (farmDir: string, private readonly now: () => number, log: { warn: (fields: object, msg: string) => void }) {
    this.files = new NameFiles(join(farmDir, 'prenodes'), 'prenode.schema.json', 'prenode', log)
  }

  async load (): Promise<void> {
    for (const record of await this.files.load()) this.owners.set(record.name, record.credential)
  }

  /** Whether the name is bound to this credential already (no need to wait for bind). */
  owns (name: string, credential: string): boolean { return this.owners.get(name) === credential }

  /** Binds a new name to this credential (on disk before it returns); 403 when it belongs to another. */
  async bind (name: string, credential: string): Promise<void> {
    const owner = this.owners.get(name)
    if (owner === credential) return
    if (owner !== undefined && await this.files.onDisk(name)) {
      throw new HttpError(403, 'RFAM_PRENODE_NAME_BOUND', `The prenode name "${name}" belongs to another farm credential; give this prenode its own name ("name" in its configuration), or ask staff to free the name (npm run farm -- forget-prenode ${name}).`)
    }
    this.owners.set(name, credential)
    try {
      await this.files.write(name, { name, credential, since: new Date(this.now()).toISOString() })
    } catch (err) {
      this.owners.delete(name)
      throw err
    }
  }
}
