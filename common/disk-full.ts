// A write that failed because its disk (or the writer's quota on it) is full. It carries the path
// that was being written, so the server can say which share is full; nothing of it was kept.
import { realpathSync } from 'node:fs'
import { isInside } from './named-paths.ts'

export class DiskFullError extends Error {
  constructor (readonly path: string, readonly code: string) {
    super(`${code}: the disk holding ${path} is full`)
    this.name = 'DiskFullError'
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT'])

/** True for a full disk or quota, whether raised by fs (errno, with its path) or as a DiskFullError. */
export function isDiskFull (err: unknown): boolean {
  if (err instanceof DiskFullError) return true
  if (!(err instanceof Error)) return false
  const { code, syscall } = err as NodeJS.ErrnoException
  // Linux reports running out of file watches as ENOSPC too: that is no full disk.
  return FULL.has(code ?? '') && syscall !== 'watch'
}

/** `err` as a DiskFullError about `path` when the disk is full, otherwise `err` itself. */
export function asDiskFull (err: unknown, path: string): unknown {
  if (err instanceof DiskFullError || !isDiskFull(err)) return err
  return new DiskFullError(path, (err as NodeJS.ErrnoException).code!)
}

/** The folders a full disk may hold, as a person knows them (the config's names). */
export interface DiskPlaces {
  shares: { names: () => string[], root: (share: string) => string }
  usersDir: string
  projectsDir: string
  farmDir: string
  secretsDir: string
  cacheDir: string
}

/** What holds `path`: 'the share "data"', or one of RFAM's own folders; the deepest match wins. */
export function diskName (places: DiskPlaces, path: string | undefined): string {
  const candidates: Array<[string, string]> = [
    ...places.shares.names().map((s): [string, string] => [places.shares.root(s), `the share "${s}"`]),
    [places.usersDir, 'RFAM\'s users folder'],
    [places.projectsDir, 'RFAM\'s projects folder'],
    [places.farmDir, 'RFAM\'s farm folder'],
    [places.secretsDir, 'RFAM\'s secrets folder'],
    [places.cacheDir, 'RFAM\'s cache folder'],
  ]
  let best: { name: string, depth: number } | undefined
  for (const [root, name] of candidates) {
    for (const r of new Set([root, realOrSame(root)])) {
      if (path !== undefined && isInside(r, path) && (!best || r.length > best.depth)) best = { name, depth: r.length }
    }
  }
  return best?.name ?? 'RFAM\'s files'
}

function realOrSame (p: string): string {
  try { return realpathSync(p) } catch { return p }
}
