// The old/ folder beside an asset: a checkpoint copies its file there with a timestamp; deleting an
// asset moves it there (nothing is ever deleted). Its history file and the folder of its note
// pictures go with it, under the same name plus their endings, so the asset's past stays together.
// Both are recorded in the asset's history (asset-history.ts) when someone is named as doing them.
import { constants } from 'node:fs'
import { copyFile, lstat, mkdir, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { badRequest } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { asDiskFull } from '../../common/disk-full.ts'
import { oldCopyPath } from './asset-naming.ts'
import { HISTORY_SUFFIX, NOTES_SUFFIX } from './asset-history.ts'
import { withFileLock } from './file-lock.ts'
import type { ProjectStore } from './project-store.ts'

/** Exists as a name, a dangling link included. */
const named = (p: string) => lstat(p).then(() => true, () => false)

/** What travels with an asset's file to old/, by the ending added to the file's name. */
const COMPANIONS = ['.json', HISTORY_SUFFIX, NOTES_SUFFIX]

/**
 * A free name in old/ for a copy of `path` (a second copy in the same second gets '-2'), checked
 * for writing: old/ is skipped by the walker, so a link there would go unnoticed.
 */
async function freeOldPath (store: ProjectStore, path: string, date: Date, what: string): Promise<string> {
  const first = oldCopyPath(path, date)
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? first : first.replace(/(Z)(\.[^./]*)?$/, `Z-${n}$2`)
    const file = store.resolveForWrite(candidate, what)
    const taken = await Promise.all([file, ...COMPANIONS.map((c) => file + c)].map(named))
    if (!taken.includes(true)) return candidate
  }
}

/** Copies the asset's file into old/ with a timestamp; returns the copy's path. */
export async function checkpoint (store: ProjectStore, path: string, by?: string): Promise<string> {
  const view = store.get(path)
  if (!view.file?.exists) throw badRequest('RFAM_NO_FILE', say('error:no-file-to-copy', { path }))
  const source = store.resolve(path, 'file')
  const target = await freeOldPath(store, path, new Date(), 'checkpoint')
  await mkdir(dirname(store.resolveForWrite(target, 'checkpoint')), { recursive: true })
  const copy = store.resolveForWrite(target, 'checkpoint')
  await copyFile(source, copy, constants.COPYFILE_EXCL).catch((err) => { throw asDiskFull(err, copy) })
  if (by) await withFileLock(store.index.sidecarOf(path), () => store.history.appendAfter(path, [{ by, kind: 'checkpoint', checkpoint: target }]))
  return target
}

/**
 * Moves the file, its sidecar, its history and its note pictures into old/ (nothing is ever deleted).
 * Any of them may be a link: the link itself is moved, never followed.
 */
export async function moveToOld (store: ProjectStore, path: string, by?: string): Promise<string> {
  const view = store.get(path)
  const move = { lastMayBeLink: true }
  const file = store.resolveForWrite(path, 'file', move)
  const sidecar = store.resolveForWrite(path + '.json', 'sidecar', move)
  const target = await freeOldPath(store, path, new Date(), 'copy in old/')
  const to = (ending: string) => store.resolveForWrite(target + ending, 'copy in old/')
  await withFileLock(store.index.sidecarOf(path), async () => {
    await mkdir(dirname(to('')), { recursive: true })
    // The sidecar keeps its file's name plus '.json' in old/, so the pair stays together.
    if (view.file !== null && await named(file)) await rename(file, to(''))
    await rename(sidecar, to('.json'))
    // The asset is gone now: its history says so before it follows (a line that cannot be written,
    // on a full disk, does not undo the move that is done).
    const last = by ? await store.history.appendAfter(path, [{ by, kind: 'deleted', checkpoint: target }]) : []
    for (const ending of [HISTORY_SUFFIX, NOTES_SUFFIX]) {
      const companion = store.resolveForWrite(path + ending, 'history', move)
      if (await named(companion)) await rename(companion, to(ending))
    }
    store.history.movedAway(path, last)
  })
  await store.index.refresh(path)
  return target
}
