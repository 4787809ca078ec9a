// Farm credentials: random secrets that let a render node (or prenode) talk to the farm. Only
// their SHA-256 is kept, in <secrets>/farm-credentials.json (a 256-bit random secret needs no slow
// hash). The file is re-read when an unknown credential shows up, so one added by
// `npm run farm -- credential <name>` works without a restart, and deleting an entry revokes it.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmCredentials } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { jsonSyntaxProblem } from '../../common/read-json-file.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'
import { withFileLock } from '../store/file-lock.ts'

export const CREDENTIALS_FILE = 'farm-credentials.json'
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
/** Hashes only, but of every node's key: for the server's user alone. */
const SECRET = { mode: 0o600 }

export const hashCredential = (secret: string): string => `sha256$${createHash('sha256').update(secret).digest('hex')}`

export class FarmCredentialStore {
  readonly file: string
  private byHash = new Map<string, string>()
  private readonly verified = new Map<string, { hash: string, name: string }>()
  private mtime = -1
  private checked = 0

  constructor (secretsDir: string, private readonly now: () => number = Date.now) {
    this.file = join(secretsDir, CREDENTIALS_FILE)
  }

  private read (): FarmCredentials {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { credentials: [] }
      throw err
    }
    // Errors say what is wrong without quoting the file.
    let data: FarmCredentials
    try { data = JSON.parse(text) as FarmCredentials } catch (err) { throw new Error(`${this.file} is ${jsonSyntaxProblem(err, text)}.`) }
    const problem = validator().check('farm-credentials.schema.json', data, { quote: false })
    if (problem) throw new Error(`${this.file}: ${problem}`)
    return data
  }

  /** Re-reads the file if it changed (at most once a second unless forced). */
  private refresh (force = false): void {
    const now = this.now()
    if (!force && now - this.checked < 1000) return
    this.checked = now
    let mtime = 0
    try { mtime = statSync(this.file).mtimeMs } catch { mtime = 0 }
    if (mtime === this.mtime && !force) return
    this.mtime = mtime
    this.byHash = new Map(this.read().credentials.map((c) => [c.hash, c.name]))
  }

  /** The credential's name, or null for an unknown (or revoked) one. */
  verify (secret: string | undefined): string | null {
    if (!secret) return null
    // Nodes send their credential with every message: remember the ones that checked out (until
    // the file changes), rather than hashing each time.
    const known = this.verified.get(secret)
    if (known !== undefined && this.byHash.get(known.hash) === known.name) return known.name
    const hash = hashCredential(secret)
    let name = this.lookup(hash)
    if (name === null) {
      this.refresh()
      name = this.lookup(hash)
    }
    if (name !== null) {
      if (this.verified.size > 10_000) this.verified.clear()
      this.verified.set(secret, { hash, name })
    }
    return name
  }

  // Looking up the hash (not the secret) leaks nothing useful through timing: an attacker cannot
  // steer the hash of their guess.
  private lookup (hash: string): string | null {
    return this.byHash.get(hash) ?? null
  }

  names (): string[] {
    this.refresh(true)
    return [...new Set(this.byHash.values())]
  }

  /** Creates a new credential called `name` and returns the secret (shown once, never stored). */
  async create (name: string): Promise<string> {
    if (!NAME.test(name)) throw new Error(`"${name}" cannot name a credential: use letters, digits, '.', '_' or '-' (at most 64).`)
    const secret = `rfam_${randomBytes(32).toString('base64url')}`
    await withFileLock(this.file, async () => {
      const data = this.read()
      data.credentials.push({ name, hash: hashCredential(secret), created: new Date(this.now()).toISOString() })
      await writeJsonAtomic(this.file, data, SECRET)
    })
    this.refresh(true)
    return secret
  }

  /** Removes every credential called `name`; returns how many there were. */
  async revoke (name: string): Promise<number> {
    let removed = 0
    await withFileLock(this.file, async () => {
      const data = this.read()
      const kept = data.credentials.filter((c) => c.name !== name)
      removed = data.credentials.length - kept.length
      if (removed > 0) await writeJsonAtomic(this.file, { credentials: kept }, SECRET)
    })
    this.refresh(true)
    return removed
  }
}
