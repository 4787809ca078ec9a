// The film's settings (title, licence, settings set, roles in the credits, external assets) are for
// staff: they shape every member's work and the credits. Its description stays open to every member.
import type { ProjectFileUpdate, User } from '../../../schemas/generated/types.ts'
import { forbidden } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'

/** Each staff-only field of a ProjectFileUpdate, and the end of its refusal's key (error:staff-only-<end>). */
const STAFF_ONLY: Partial<Record<keyof ProjectFileUpdate, string>> = {
  title: 'title',
  license: 'license',
  defaults: 'defaults',
  frameRate: 'frame-rate',
  roles: 'roles',
  externalAssets: 'externals',
  filmOrder: 'film-order',
  sound: 'sound',
}

/** Refuses (403, naming each field) a change a non-staff member may not make; the whole change, so nothing half-lands. */
export function checkProjectFileUpdate (user: Pick<User, 'staff'>, update: ProjectFileUpdate): void {
  if (user.staff) return
  const refused = Object.keys(update).flatMap((key) => STAFF_ONLY[key as keyof ProjectFileUpdate] ?? [])
  // One sentence per field (the first refused), so every language can say it in its own words.
  if (refused.length > 0) throw forbidden('RFAM_STAFF_ONLY', say(`error:staff-only-${refused[0]}`))
}
