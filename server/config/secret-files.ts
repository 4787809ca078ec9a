// Files holding secrets are for the server's user alone: the secrets folder (farm
// credentials, the local node's settings) and users/*.json (password hashes). New ones are written
// 0600 (folders 0700); older ones, written 0644 before, are tightened at start with a line each.
import { chmodSync, lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { LoadedConfig } from './load-config.ts'

/** Tightens what is wider than it should be; returns a sentence for the log about each change (or failure). */
export function tightenSecretFiles (config: Pick<LoadedConfig, 'secretsDir' | 'usersDir'>): string[] {
  const lines: string[] = []
  tighten(config.secretsDir, lines)
  for (const name of namesIn(config.secretsDir)) tighten(join(config.secretsDir, name), lines)
  for (const name of namesIn(config.usersDir)) if (name.endsWith('.json')) tighten(join(config.usersDir, name), lines)
  return lines
}

function namesIn (dir: string): string[] {
  try { return readdirSync(dir) } catch { return [] }
}

function tighten (path: string, lines: string[]): void {
  let st
  try { st = lstatSync(path) } catch { return }
  // chmod follows links: what a link points to is not RFAM's to change.
  if (!st.isFile() && !st.isDirectory()) return
  const allowed = st.isDirectory() ? 0o700 : 0o600
  const mode = st.mode & 0o777
  if ((mode & ~allowed) === 0) return
  try {
    chmodSync(path, mode & allowed)
    lines.push(`${path} could be read by other users of this machine (mode ${octal(mode)}); it holds secrets, so it is now ${octal(mode & allowed)}.`)
  } catch (err) {
    lines.push(`${path} can be read by other users of this machine (mode ${octal(mode)}) and RFAM cannot change that (${(err as NodeJS.ErrnoException).code ?? 'error'}); run: chmod ${octal(allowed)} ${path}`)
  }
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`
