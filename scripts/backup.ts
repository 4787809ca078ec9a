// Takes a dated copy of one project: its folder (files, sidecars, project.json, old/), its project
// file, its members' user files and their pictures.
//   npm run backup -- <project> [--to <folder>] [--no-old] [--config <server.json>]
// The copy lands in <folder>/<project>-YYYY-MM-DDTHH-MM-SSZ/ laid out like the server's own folders
// (shares/<share>/…, users/, projects/), so restoring is copying those back. It is consistent while
// RFAM keeps running: every JSON file is read under the same lock the server writes it under, and
// an asset's history (<file>.history.jsonl, only appended to under the asset's lock) is copied under
// that lock, so it ends with a whole line; every other file is copied and then checked unchanged
// (copied again if it changed meanwhile).
// The folder appears only when complete (it is built under a dot-name and renamed at the end).
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { lstat, mkdir, open, readFile, readlink, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { Project, User } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { loadConfig, type LoadedConfig } from '../server/config/load-config.ts'
import { withFileLock } from '../server/store/file-lock.ts'
import { HISTORY_SUFFIX } from '../server/store/history-file.ts'
import { JsonDirectory } from '../server/store/json-dir.ts'
import { isInside, parseNamedPath } from '../common/named-paths.ts'
import { mapAtMost } from '../common/map-at-most.ts'
import { Refusal, UsageError, exitCodeOf } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run backup -- <project> [--to <folder>] [--no-old] [--config <server.json>]
  --to      where the dated copy goes (default: a 'backups' folder beside the users folder)
  --no-old  leave out the project's old/ folders (checkpoints and deleted assets)
  --config  the server's configuration (default: $RFAM_CONFIG or config/server.json)`

const IDENT = /^[a-z0-9][a-z0-9_-]{0,63}$/
const COPY_TRIES = 5
const PARALLEL = 8

interface Options { project: string, to?: string, noOld: boolean, configFile?: string }

export interface CopiedFile { path: string, size: number, sha256: string }

interface Report {
  folder: string
  files: CopiedFile[]
  projectFiles: number
  sidecars: number
  bytes: number
  users: string[]
  pictures: string[]
  warnings: string[]
  restore: string
}

/** Lock folders and temp files of RFAM's own atomic writes: never part of a backup. */
const isTransient = (name: string) => /^\..+\.lock$/.test(name) || /^\..+\.tmp$/.test(name)

export function stamp (date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
}

async function writeSynced (dest: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(dest), { recursive: true })
  const handle = await open(dest, 'wx')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Copies one file, hashing as it goes; returns null when the source changed during the copy. */
async function copyOnce (src: string, dest: string): Promise<{ size: number, sha256: string, mtime: Date, atime: Date } | null> {
  const before = await lstat(src)
  const input = await open(src, 'r')
  await mkdir(dirname(dest), { recursive: true })
  const output = await open(dest, 'w')
  const hash = createHash('sha256')
  let size = 0
  try {
    const buffer = Buffer.allocUnsafe(1 << 20)
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      hash.update(chunk)
      await output.write(chunk)
      size += bytesRead
    }
    await output.sync()
  } finally {
    await input.close()
    await output.close()
  }
  const after = await lstat(src).catch(() => null)
  const same = after && after.ino === before.ino && after.size === before.size && after.mtimeMs === before.mtimeMs && size === before.size
  return same ? { size, sha256: hash.digest('hex'), mtime: before.mtime, atime: before.atime } : null
}

class Backup {
  readonly files: CopiedFile[] = []
  readonly warnings: string[] = []
  sidecars = 0

  constructor (private readonly target: string) {}

  private record (destRel: string, size: number, sha256: string): void {
    this.files.push({ path: destRel.split(sep).join('/'), size, sha256 })
  }

  /** A JSON file RFAM writes (sidecar, project.json, user or project file): read under its lock. */
  async copyJson (src: string, destRel: string): Promise<void> {
    const { data, mtime, atime } = await withFileLock(src, async () => {
      const s = await lstat(src)
      return { data: await readFile(src), mtime: s.mtime, atime: s.atime }
    })
    try {
      JSON.parse(data.toString('utf8'))
    } catch {
      this.warnings.push(`${src} is not valid JSON on disk; copied as it is.`)
    }
    const dest = join(this.target, destRel)
    await writeSynced(dest, data)
    await utimes(dest, atime, mtime)
    this.record(destRel, data.length, createHash('sha256').update(data).digest('hex'))
  }

  /** An asset's history: copied under the asset's lock (its sidecar's), which every append holds. */
  async copyHistory (src: string, destRel: string): Promise<void> {
    const dest = join(this.target, destRel)
    const copied = await withFileLock(src.slice(0, -HISTORY_SUFFIX.length) + '.json', () => copyOnce(src, dest))
    if (!copied) return this.copyFile(src, destRel) // changed by something that does not lock (a sync tool)
    await utimes(dest, copied.atime, copied.mtime)
    this.record(destRel, copied.size, copied.sha256)
  }

  /** Any other file: copied, then checked that it did not change meanwhile (else copied again). */
  async copyFile (src: string, destRel: string): Promise<void> {
    const dest = join(this.target, destRel)
    for (let attempt = 1; attempt <= COPY_TRIES; attempt++) {
      const copied = await copyOnce(src, dest)
      if (copied) {
        await utimes(dest, copied.atime, copied.mtime)
        this.record(destRel, copied.size, copied.sha256)
        return
      }
    }
    this.warnings.push(`${src} kept changing while it was copied (${COPY_TRIES} tries); the copy may be half old, half new. Back up again when nobody saves it.`)
  }

  /** Copies a folder tree, leaving out RFAM's lock and temp files (and old/ when asked). */
  async copyTree (srcRoot: string, destRel: string, skipOld: boolean): Promise<void> {
    const jsonFiles: Array<[string, string]> = []
    const historyFiles: Array<[string, string]> = []
    const otherFiles: Array<[string, string]> = []
    const walk = async (dir: string, rel: string) => {
      await mkdir(join(this.target, rel), { recursive: true })
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        if (isTransient(d.name) || (skipOld && d.name === 'old')) continue
        const src = join(dir, d.name)
        const dest = join(rel, d.name)
        if (d.isSymbolicLink()) {
          await mkdir(dirname(join(this.target, dest)), { recursive: true })
          await symlink(await readlink(src), join(this.target, dest))
        } else if (d.isDirectory()) {
          await walk(src, dest)
        } else if (d.isFile()) {
          (d.name.endsWith('.json') ? jsonFiles : d.name.endsWith(HISTORY_SUFFIX) ? historyFiles : otherFiles).push([src, dest])
        }
      }
    }
    await walk(srcRoot, destRel)
    const isSidecar = (src: string) => !relative(srcRoot, src).split(sep).includes('old') && src !== join(srcRoot, 'project.json')
    this.sidecars += jsonFiles.filter(([src]) => isSidecar(src)).length
    await mapAtMost(jsonFiles, PARALLEL, ([src, dest]) => this.copyJson(src, dest))
    await mapAtMost(historyFiles, PARALLEL, ([src, dest]) => this.copyHistory(src, dest))
    await mapAtMost(otherFiles, PARALLEL, ([src, dest]) => this.copyFile(src, dest))
  }
}

function parseArgs (argv: string[]): Options {
  let project: string | undefined
  let to: string | undefined
  let configFile: string | undefined
  let noOld = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--to' || arg === '--config') {
      const value = argv[++i]
      if (!value) throw new UsageError(`${arg} needs a folder or file.`)
      if (arg === '--to') to = resolve(value)
      else configFile = resolve(value)
    } else if (arg === '--no-old') noOld = true
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.`)
    else if (project) throw new UsageError(`one project at a time (got "${project}" and "${arg}").`)
    else project = arg
  }
  if (!project) throw new UsageError('which project? Give its short name (the file name in the projects folder).')
  return { project, noOld, ...(to ? { to } : {}), ...(configFile ? { configFile } : {}) }
}

function freeFolder (parent: string, project: string, now: Date): string {
  const base = `${project}-${stamp(now)}`
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`
    if (!existsSync(join(parent, name)) && !existsSync(join(parent, `.${name}.partial`))) return name
  }
}

function quote (p: string): string { return `'${p.replace(/'/g, '\'\\\'\'')}'` }

function restoreText (config: LoadedConfig, folder: string, project: Project, shareNames: string[]): string {
  const projectRoot = config.shares.resolve(project.directory)
  return [
    `Restore "${project.ident}" from this backup by copying its folders back. For the whole project, stop RFAM`,
    'first (systemctl stop rfam-server) and move the current folder aside, so files made since the backup go too:',
    '',
    `  mv ${quote(projectRoot)} ${quote(`${projectRoot}.before-restore`)}`,
    ...shareNames.map((s) => `  cp -a ${quote(join(folder, 'shares', s))}/. ${quote(config.shares.root(s))}/`),
    `  cp -a ${quote(join(folder, 'users'))}/. ${quote(config.usersDir)}/`,
    `  cp -a ${quote(join(folder, 'projects'))}/. ${quote(config.projectsDir)}/`,
    '',
    'then start RFAM again. One asset can be restored while RFAM runs (it follows the files): copy its file and its',
    `sidecar (<file>.json), and its notes and history (<file>.history.jsonl, <file>.notes/) if it had any, from ${quote(join(folder, 'shares'))}`,
    'back to the same place.',
    `manifest.json lists every file with its size and SHA-256; check a copy with: (cd ${quote(folder)} && sha256sum -c manifest.sha256)`,
  ].join('\n')
}

export async function backup (options: Options): Promise<Report> {
  const config = loadConfig(options.configFile)
  if (!IDENT.test(options.project)) throw new Refusal(`"${options.project}" is not a project name (lower-case letters, digits, '_' and '-').`)
  const projectsFile = join(config.projectsDir, `${options.project}.json`)
  const projects = new JsonDirectory<Project>(config.projectsDir, 'project.schema.json')
  const project = projects.get(options.project)
  if (!project) {
    const broken = projects.broken().find((b) => b.file === projectsFile)
    if (broken) throw new Refusal(`${projectsFile} is broken (${broken.reason}); fix it first.`)
    throw new Refusal(`there is no project "${options.project}" (known: ${projects.all().map((p) => p.ident).join(', ') || 'none'}).`)
  }
  const projectRoot = config.shares.resolve(project.directory)
  const toFolder = options.to ?? join(dirname(config.usersDir), 'backups')
  if (isInside(projectRoot, toFolder)) throw new Refusal(`${toFolder} is inside the project's own folder; back up somewhere else (--to).`)
  if (existsSync(toFolder) && !statSync(toFolder).isDirectory()) throw new Refusal(`${toFolder} is not a folder.`)
  if (!existsSync(projectRoot)) throw new Refusal(`the project's folder ${projectRoot} (${project.directory}) does not exist.`)
  await mkdir(toFolder, { recursive: true })

  const name = freeFolder(toFolder, project.ident, new Date())
  const partial = join(toFolder, `.${name}.partial`)
  const folder = join(toFolder, name)
  const work = new Backup(partial)
  await mkdir(partial)

  try {
    return await fill(work, config, project, projectsFile, options, folder, partial, toFolder)
  } catch (err) {
    await rm(partial, { recursive: true, force: true })
    throw err
  }
}

async function fill (work: Backup, config: LoadedConfig, project: Project, projectsFile: string, options: Options, folder: string, partial: string, toFolder: string): Promise<Report> {
  const projectRoot = config.shares.resolve(project.directory)
  const { share } = parseNamedPath(project.directory)
  const inShare = (abs: string, shareName: string) => join('shares', shareName, relative(config.shares.root(shareName), abs))
  const projectDest = inShare(projectRoot, share)
  await work.copyTree(projectRoot, projectDest, options.noOld)
  const projectFiles = work.files.length
  await work.copyJson(projectsFile, join('projects', basename(projectsFile)))

  const users = new JsonDirectory<User>(config.usersDir, 'user.schema.json')
  const members = users.all().filter((u) => u.projects.includes(project.ident))
  for (const b of users.broken()) work.warnings.push(`${b.file} is broken (${b.reason}); not included, even if it belongs to this project.`)
  for (const u of members) await work.copyJson(join(config.usersDir, `${u.ident}.json`), join('users', `${u.ident}.json`))

  // Pictures named by the project and its members (usually data::pictures/…).
  const pictures: string[] = []
  const shares = new Set([share])
  for (const image of [project.image, ...members.map((u) => u.image)]) {
    if (!image) continue
    try {
      const abs = config.shares.resolve(image)
      if (isInside(projectRoot, abs)) continue // already copied with the folder
      if (!existsSync(abs)) { work.warnings.push(`picture ${image} is missing on disk; not included.`); continue }
      const pictureShare = parseNamedPath(image).share
      await work.copyFile(abs, inShare(abs, pictureShare))
      shares.add(pictureShare)
      pictures.push(image)
    } catch (err) {
      work.warnings.push(`picture ${image} cannot be copied (${(err as Error).message}).`)
    }
  }

  const restore = restoreText(config, folder, project, [...shares])
  work.files.sort((a, b) => a.path.localeCompare(b.path))
  const manifest = {
    project: project.ident,
    name: project.name,
    created: new Date().toISOString(),
    config: config.file,
    from: {
      shares: Object.fromEntries([...shares].map((s) => [s, config.shares.root(s)])),
      users: config.usersDir,
      projects: config.projectsDir,
    },
    withoutOld: options.noOld,
    files: work.files,
    warnings: work.warnings,
  }
  const problem = validator().check('project.schema.json', project)
  if (problem) work.warnings.push(`the project file does not match its schema (${problem}).`)
  await writeFile(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  await writeFile(join(partial, 'manifest.sha256'), work.files.map((f) => `${f.sha256}  ${f.path}`).join('\n') + '\n')
  await writeFile(join(partial, 'RESTORE.txt'), restore + '\n')
  await rename(partial, folder)
  const dir = await open(toFolder, 'r')
  await dir.sync().catch(() => {}).finally(() => dir.close())

  return {
    folder,
    files: work.files,
    projectFiles,
    sidecars: work.sidecars,
    bytes: work.files.reduce((sum, f) => sum + f.size, 0),
    users: members.map((u) => u.ident),
    pictures,
    warnings: work.warnings,
    restore,
  }
}

function size (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}

/** The command: `argv` is what follows `npm run backup --`; the exit code is returned. */
export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  return await exitCodeOf('backup', USAGE, io, async () => {
    const options = parseArgs(argv)
    const r = await backup(options)
    io.out(`Backed up project "${options.project}" to ${r.folder}`)
    io.out(`  project folder: ${r.projectFiles} files, ${r.sidecars} of them asset sidecars (shares/…)`)
    io.out(`  project file:   projects/${options.project}.json`)
    io.out(`  people:         ${r.users.length} user files (users/: ${r.users.join(', ') || 'none'})`)
    io.out(`  pictures:       ${r.pictures.length}${r.pictures.length ? ` (${r.pictures.join(', ')})` : ''}`)
    io.out(`  in all:         ${r.files.length} files, ${size(r.bytes)}; manifest.json and manifest.sha256 list them, RESTORE.txt says how to restore`)
    for (const w of r.warnings) io.out(`  warning: ${w}`)
    io.out(`\n${r.restore}`)
    return 0
  })
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => { console.error(err); process.exitCode = 1 })
}
