// Named paths ('share::relative/path') and the rules about them: nothing resolves outside its
// share, and nothing under a project outside that project. Lexical checks refuse '..', absolute
// paths and NUL bytes; a realpath check refuses links that lead out, dangling ones included (a
// link to something that does not exist yet is followed to where it would lead). Writes go further:
// no part of a written path may be a link at all (see resolveForWrite).
import { lstatSync, readlinkSync, realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { MAX_NAME_BYTES, nameTooLong, PathRefused } from './path-refused.ts'
import { say } from './sentences.ts'

const NAMED = /^([a-z0-9][a-z0-9_-]{0,63})::(.*)$/s
/** As many links as Linux follows in one path before it gives up (ELOOP). */
const MAX_LINKS = 40

export function parseNamedPath (named: string): { share: string, rel: string } {
  const m = NAMED.exec(named)
  if (!m) throw new PathRefused('RFAM_BAD_NAMED_PATH', `"${named}" is not a named path; write it as share::folder/file.`)
  return { share: m[1]!, rel: m[2]! }
}

/** Checks a relative path lexically and returns it normalised with '/' separators. */
export function checkRelativePath (rel: string, what = 'path'): string {
  if (rel.includes('\0')) throw new PathRefused('RFAM_PATH_OUTSIDE', say('error:path-nul', { what }))
  if (rel.includes('\\')) throw new PathRefused('RFAM_PATH_OUTSIDE', say('error:path-backslash', { what, path: rel }))
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) throw new PathRefused('RFAM_PATH_OUTSIDE', say('error:path-absolute', { what, path: rel }))
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..')) throw new PathRefused('RFAM_PATH_OUTSIDE', say('error:path-leaves', { what, path: rel }))
  if (parts.some((p) => Buffer.byteLength(p) > MAX_NAME_BYTES)) throw nameTooLong()
  return parts.join('/')
}

const gone = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')

/**
 * Where `p` really leads: the real path of its deepest existing part with the rest appended. A
 * dangling link on the way is followed by hand to where it points, since whatever is written
 * through it would be created there. Throws ELOOP for a loop of links.
 */
export function realpathOfExistingPart (p: string, hops = 0): string {
  let current = p
  const rest: string[] = []
  for (;;) {
    try {
      return join(realpathSync.native(current), ...[...rest].reverse())
    } catch (err) {
      if (!gone(err)) throw err
    }
    const target = danglingLinkTarget(current)
    if (target !== undefined) {
      if (hops >= MAX_LINKS) throw Object.assign(new Error(`too many links in ${p}`), { code: 'ELOOP' })
      return realpathOfExistingPart(join(target, ...[...rest].reverse()), hops + 1)
    }
    const parent = dirname(current)
    if (parent === current) return p
    rest.push(basename(current))
    current = parent
  }
}

/** Where a link whose target is missing points, as an absolute path; undefined when `p` is no link. */
function danglingLinkTarget (p: string): string | undefined {
  let target: string
  try { target = readlinkSync(p) } catch { return undefined }
  // Relative targets count from the real folder holding the link.
  return resolve(realpathOfExistingPart(dirname(p)), target)
}

export function isInside (root: string, p: string): boolean {
  const r = relative(root, p)
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r))
}

/** True when `abs`, a path under `root` by name, leads out of `root` once its links are followed (or cannot be followed). */
export function leadsOutside (root: string, abs: string): boolean {
  try {
    return !isInside(realpathOfExistingPart(root), realpathOfExistingPart(abs))
  } catch {
    return true
  }
}

export interface PathOptions {
  /** What the root is, for messages: 'its folder' (the default), 'the project', 'its share'. */
  place?: string
}

/**
 * Joins `rel` under `root` and returns it (by name, not by its real path), refusing anything that
 * ends up outside: lexically, or through a link on the way, dangling or not. For reading; the
 * root itself may be reached through links (a share mounted through one).
 */
export function resolveInside (root: string, rel: string, what = 'path', options: PathOptions = {}): string {
  const clean = checkRelativePath(rel, what)
  const target = resolve(root, clean)
  if (leadsOutside(root, target)) throw leavingThroughLink(root, clean, rel, what, options.place ?? 'its folder')
  return target
}

/**
 * Joins `rel` under `root` for writing: refused when any part of it is a link, even one that stays
 * inside (RFAM never writes through a link: what it writes lands where its name says, and a link
 * made by someone else cannot send it anywhere). `lastMayBeLink`: the path itself may be a link,
 * for moving it (a rename moves the link, it does not follow it). Links above the root are fine.
 */
export function resolveForWrite (root: string, rel: string, what = 'path', options: PathOptions & { lastMayBeLink?: boolean } = {}): string {
  const clean = checkRelativePath(rel, what)
  const link = firstLink(root, clean, options.lastMayBeLink)
  if (link === undefined) return resolve(root, clean)
  if (leadsOutside(root, join(root, link))) throw leavingThroughLink(root, clean, rel, what, options.place ?? 'its folder', link)
  throw new PathRefused('RFAM_PATH_LINK', link === clean
    ? `The ${what} "${rel}" is a link; RFAM never writes through links. Replace the link with a copy of the file it points to.`
    : `The ${what} "${rel}" goes through the link "${link}"; RFAM never writes through links. Use the real folder "${link}" points to instead.`)
}

/**
 * The first part of `rel` (a clean relative path) under `root` that is a link, dangling or not, as a
 * relative path; undefined when there is none. `exceptLast`: the last part may be a link.
 */
export function firstLink (root: string, rel: string, exceptLast = false): string | undefined {
  const parts = rel === '' ? [] : rel.split('/')
  const last = exceptLast ? parts.length - 1 : parts.length
  for (let i = 1; i <= last; i++) {
    const sub = parts.slice(0, i).join('/')
    let st
    try { st = lstatSync(join(root, sub)) } catch (err) {
      if (gone(err)) return undefined // the rest does not exist yet: it is made as real folders and files
      throw err
    }
    if (st.isSymbolicLink()) return sub
  }
  return undefined
}

/** The refusal of a path leaving `root` through a link, naming that link (the first part of the path that leads out). */
function leavingThroughLink (root: string, clean: string, rel: string, what: string, place: string, known?: string): Error {
  const parts = clean.split('/')
  let link = known
  for (let i = 1; link === undefined && i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/')
    if (leadsOutside(root, join(root, sub))) link = sub
  }
  const advice = `RFAM only follows links that stay inside ${place}: put the real file or folder there instead.`
  if (link === undefined || link === clean) return new PathRefused('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" is a link leading out of ${place}. ${advice}`)
  return new PathRefused('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" goes through the link "${link}", which leads out of ${place}. ${advice}`)
}

export class Shares {
  constructor (private readonly roots: ReadonlyMap<string, string>) {}

  has (share: string): boolean { return this.roots.has(share) }
  names (): string[] { return [...this.roots.keys()] }

  root (share: string): string {
    const root = this.roots.get(share)
    if (!root) throw new PathRefused('RFAM_UNKNOWN_SHARE', `There is no share called "${share}" on this server.`)
    return root
  }

  /** The absolute path a named path stands for on this machine. */
  resolve (named: string): string {
    const { share, rel } = parseNamedPath(named)
    return resolveInside(this.root(share), rel, 'named path', { place: 'its share' })
  }

  /** The named path of an absolute path inside a share, or null. */
  toNamed (abs: string): string | null {
    for (const [share, root] of this.roots) {
      if (isInside(root, abs)) return `${share}::${relative(root, abs).split(sep).join('/')}`
    }
    return null
  }
}
