// A project's project.json as its store keeps it (project-store.ts): made empty when missing (tools
// that see only the files, like the Blender add-on, find a project's top folder by it), read as far
// as it can be (project-file-read.ts), read again when it changes on disk, and changed under its
// lock without writing a damaged file's damage back.
import { readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProjectFile, ProjectFileUpdate } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { badRequest, conflict } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'
import { isDiskFull } from '../../common/disk-full.ts'
import { withFileLock } from './file-lock.ts'
import { leadsOutside } from '../../common/named-paths.ts'
import { readProjectFile } from './project-file-read.ts'

export class ProjectJson {
  readonly path: string
  private data: ProjectFile = {}
  private damage?: string
  /** The file's mtime and size when it was read (or written) last. */
  private stamp = ''

  constructor (private readonly root: string) {
    this.path = join(root, 'project.json')
  }

  /** Its fields, as far as they could be read. */
  file (): ProjectFile { return validateProjectFile(structuredClone(this.data)) }

  /** The defaults set it names, if any. */
  get defaults (): string | undefined { return this.data.defaults }

  /** What is wrong with it, when something is: the details then leave out what cannot be read. */
  get problem (): string | undefined { return this.damage }

  /** Created empty when missing, never overwritten; a read-only folder just stays without one. */
  async ensure (): Promise<void> {
    try {
      await writeFile(this.path, '{}\n', { flag: 'wx' })
    } catch (err) {
      // A full disk may leave the new file empty, which would read as damaged: it goes, and the
      // project starts without one (made at the next start).
      if (isDiskFull(err)) {
        if ((await stat(this.path).catch(() => null))?.size === 0) await unlink(this.path).catch(() => {})
        return
      }
      if (!['EEXIST', 'EACCES', 'EPERM', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err
    }
  }

  /** Reads it again if it changed on disk since it was read (or written) last; true when it did. */
  async reloadIfChanged (): Promise<boolean> {
    if (await this.stampNow() === this.stamp) return false
    await this.load()
    return true
  }

  async load (): Promise<void> {
    this.stamp = await this.stampNow()
    const { file, problem } = await this.readFromDisk()
    this.data = file
    this.damage = problem
  }

  /** Changes the fields of `patch`: the file is read again under its lock, and a damaged one only mended. */
  async update (patch: ProjectFileUpdate): Promise<ProjectFile> {
    const next = await withFileLock(this.path, async () => {
      let current: ProjectFile = {}
      let damage: string | undefined
      try {
        const text = await readFile(this.path, 'utf8')
        damage = readProjectFile(text).problem
        current = JSON.parse(text)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw conflict('RFAM_BROKEN_FILE', say('error:project-file-unreadable', { reason: damage ?? 'unreadable' }))
      }
      const merged = { ...current, ...patch }
      // A change that replaces the damaged part mends the file; any other would write the damage back.
      if (damage !== undefined && validator().check('project-file.schema.json', structuredClone(merged), { quote: false }) !== null) {
        throw conflict('RFAM_BROKEN_FILE', say('error:project-file-damaged', { reason: damage }))
      }
      const valid = validateProjectFile(merged)
      await writeJsonAtomic(this.path, valid)
      return valid
    })
    this.data = next
    this.damage = undefined
    this.stamp = await this.stampNow()
    return next
  }

  private stampNow (): Promise<string> {
    return stat(this.path).then((s) => `${s.mtimeMs}:${s.size}`, () => 'none')
  }

  /** As far as it can be read, and what is wrong with it (see project-file-read.ts). */
  private async readFromDisk (): Promise<{ file: ProjectFile, problem?: string }> {
    // A project.json that is a link leading out (to another team's) counts as empty.
    if (leadsOutside(this.root, this.path)) return { file: validateProjectFile({}), problem: 'it is a link leading out of the project, so RFAM does not read it' }
    try {
      return readProjectFile(await readFile(this.path, 'utf8'))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // None at all (a read-only folder could not get one) is no damage.
      return { file: validateProjectFile({}), ...(code === 'ENOENT' ? {} : { problem: `cannot be read (${code ?? 'error'})` }) }
    }
  }
}

function validateProjectFile (data: ProjectFile): ProjectFile {
  const problem = validator().check('project-file.schema.json', data)
  if (problem) throw badRequest('RFAM_BAD_PROJECT_FILE', problem)
  return data
}
