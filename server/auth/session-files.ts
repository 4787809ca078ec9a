// The session records on disk: <secrets>/sessions/<sha256 of the token>.json, mode 0600. Writes to one
// record are queued one after the other, so a late "last used" write can never bring back a record
// that was deleted after it.
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { SessionRecord } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'

const RECORD_FILE = /^[0-9a-f]{64}\.json$/

export class SessionFiles {
  private readonly queues = new Map<string, Promise<void>>()

  constructor (readonly dir: string, private readonly log: (fields: object, msg: string) => void) {}

  /** Every readable record; broken ones are reported and left alone. */
  async readAll (): Promise<Map<string, SessionRecord>> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const found = new Map<string, SessionRecord>()
    for (const name of await readdir(this.dir)) {
      if (!RECORD_FILE.test(name)) continue
      try {
        const record = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as SessionRecord
        const problem = validator().check('session-record.schema.json', record)
        if (problem) throw new Error(problem)
        found.set(name.slice(0, -5), record)
      } catch (err) {
        this.log({ file: join(this.dir, name), err }, 'damaged session record: it is ignored')
      }
    }
    return found
  }

  write (id: string, record: SessionRecord): Promise<void> {
    const copy = { ...record }
    return this.queue(id, async () => { await writeJsonAtomic(join(this.dir, `${id}.json`), copy, { mode: 0o600 }) })
  }

  remove (id: string): Promise<void> {
    return this.queue(id, () => unlink(join(this.dir, `${id}.json`)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    }))
  }

  /** Resolves once every write and removal asked for so far is done. */
  async settled (): Promise<void> {
    await Promise.all([...this.queues.values()])
  }

  private queue (id: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(id) ?? Promise.resolve()).then(work)
    const kept = next.catch((err: Error) => this.log({ session: `${id.slice(0, 8)}…`, err }, 'cannot write session record'))
      .finally(() => { if (this.queues.get(id) === kept) this.queues.delete(id) })
    this.queues.set(id, kept)
    return next
  }
}
