// The film's settings (title, licence, settings set, roles in the credits, external assets) are for
// staff: they shape every member's work and the credits. Its description stays open to every member.
import type { ProjectFileUpdate, User } from '../../../schemas/generated/types.ts'
import { forbidden } from '../../errors.ts'

/** Each staff-only field of a ProjectFileUpdate, as a refusal names it. */
const STAFF_ONLY: Partial<Record<keyof ProjectFileUpdate, string>> = {
  title: 'the film\'s title',
  license: 'the film\'s licence',
  defaults: 'the settings set',
  frameRate: 'the frame rate',
  roles: 'the roles in the credits',
  externalAssets: 'the external assets',
}

/** "a", "a and b", "a, b and c" */
function both (words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

/** Refuses (403, naming each field) a change a non-staff member may not make; the whole change, so nothing half-lands. */
export function checkProjectFileUpdate (user: Pick<User, 'staff'>, update: ProjectFileUpdate): void {
  if (user.staff) return
  const refused = Object.keys(update).flatMap((key) => STAFF_ONLY[key as keyof ProjectFileUpdate] ?? [])
  if (refused.length > 0) throw forbidden('RFAM_STAFF_ONLY', `Only staff can change ${both(refused)}. Ask your teacher.`)
}
