// Why the farm cannot write its folder, as the error every refused change answers with. A full
// disk (or quota) is a DiskFullError about the file being written: 507 RFAM_DISK_FULL, whose
// sentence names RFAM's farm folder (server.ts). Anything else (a read-only mount, permissions
// taken away, a failing disk) is 503 RFAM_FARM_READ_ONLY. Either way nothing was changed.
import { HttpError } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { asDiskFull, DiskFullError, isDiskFull } from '../../common/disk-full.ts'

export type WriteProblemReason = 'disk-full' | 'cannot-write'

export class FarmReadOnlyError extends HttpError {
  constructor (readonly why: string) {
    super(503, 'RFAM_FARM_READ_ONLY', say('error:farm-read-only', { why }))
    this.name = 'FarmReadOnlyError'
  }
}

export function writeProblem (err: unknown, path: string): DiskFullError | FarmReadOnlyError {
  if (err instanceof DiskFullError || err instanceof FarmReadOnlyError) return err
  if (isDiskFull(err)) return asDiskFull(err, path) as DiskFullError
  return new FarmReadOnlyError((err as NodeJS.ErrnoException).code ?? (err as Error).message)
}

export function reasonOf (problem: DiskFullError | FarmReadOnlyError): WriteProblemReason {
  return problem instanceof DiskFullError ? 'disk-full' : 'cannot-write'
}

/** For the farm's banner and API clients: why, and what the farm does meanwhile. */
export function readOnlySentence (problem: DiskFullError | FarmReadOnlyError): string {
  const meanwhile = 'until then the farm changes nothing (no work is handed out, no frame is counted, no job is added)'
  return problem instanceof DiskFullError
    ? `The disk holding RFAM's farm folder is full: ${meanwhile}. Ask a teacher to free some space; the farm goes on by itself once there is room.`
    : `RFAM's farm folder cannot be written (${problem.why}): ${meanwhile}. Tell staff; the farm goes on by itself once it can write again.`
}
