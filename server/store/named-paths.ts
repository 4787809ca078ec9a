// Named paths ('share::relative/path') and the one rule about them: nothing resolves outside its
// share. Lexical checks refuse '..', absolute paths and NUL bytes; a realpath check refuses
// symlinks that lead out.
import { realpathSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep, dirname } from 'node:path'
import { badRequest } from '../errors.ts'

const NAMED = /^([a-z0-9][a-z0-9_-]{0,63})::(.*)$/s

export function parseNamedPath (named: string): { share: string, rel: string } {
  const m = NAMED.exec(named)
  if (!m) throw badRequest('RFAM_BAD_NAMED_PATH', `"${named}" is not a named path; write it as share::folder/file.`)
  return { share: m[1]!, rel: m[2]! }
}

/** Checks a relative path lexically and returns it normalised with '/' separators. */
export function checkRelativePath (rel: string, what = 'path'): string {
  if (rel.includes('\0')) throw badRequest('RFAM_PATH_OUTSIDE', `The ${what} contains a NUL byte.`)
  if (rel.includes('\\')) throw badRequest('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" contains a backslash; use '/' between folders.`)
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) throw badRequest('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" is absolute; give it relative to its share or project.`)
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..')) throw badRequest('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" leaves its folder ('..' is not allowed).`)
  return parts.join('/')
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realpathOfExistingPart (p: string): string {
  let current = p
  const rest: string[] = []
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse())
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      const parent = dirname(current)
      if (parent === current) return p
      rest.push(current.slice(parent.length + 1))
      current = parent
    }
  }
}

export function isInside (root: string, p: string): boolean {
  const r = relative(root, p)
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r))
}

/** Joins `rel` under `root`, refusing anything (lexically or through symlinks) that ends up outside. */
export function resolveInside (root: string, rel: string, what = 'path'): string {
  const clean = checkRelativePath(rel, what)
  const target = resolve(root, clean)
  const realRoot = realpathOfExistingPart(root)
  if (!isInside(realRoot, realpathOfExistingPart(target))) {
    throw badRequest('RFAM_PATH_OUTSIDE', `The ${what} "${rel}" leads outside its folder (through a link).`)
  }
  return target
}

export class Shares {
  constructor (private readonly roots: ReadonlyMap<string, string>) {}

  has (share: string): boolean { return this.roots.has(share) }
  names (): string[] { return [...this.roots.keys()] }

  root (share: string): string {
    const root = this.roots.get(share)
    if (!root) throw badRequest('RFAM_UNKNOWN_SHARE', `There is no share called "${share}" on this server.`)
    return root
  }

  /** The absolute path a named path stands for on this machine. */
  resolve (named: string): string {
    const { share, rel } = parseNamedPath(named)
    return resolveInside(this.root(share), rel, 'named path')
  }

  /** The named path of an absolute path inside a share, or null. */
  toNamed (abs: string): string | null {
    for (const [share, root] of this.roots) {
      if (isInside(root, abs)) return `${share}::${relative(root, abs).split(sep).join('/')}`
    }
    return null
  }
}
