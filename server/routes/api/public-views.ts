// What the API shows of users and projects: never a password hash, pictures as URLs.
import type { LoginPerson, Project, PublicProject, PublicUser, User } from '../../../schemas/generated/types.ts'

const pictureUrl = (u: User) => `/api/users/${encodeURIComponent(u.ident)}/picture${u.image ? '?v=' + encodeURIComponent(u.image.split('/').pop() ?? '') : ''}`

export function publicUser (u: User): PublicUser {
  const out: PublicUser = {
    ident: u.ident,
    name: u.name,
    projects: u.projects,
    staff: u.staff ?? false,
    hasSecret: typeof u.secret === 'string',
    picture: pictureUrl(u),
  }
  if (u.language) out.language = u.language
  return out
}

/** A face on the log-in page: strangers see it, so nothing about staff or who has a PIN. */
export function loginPerson (u: User): LoginPerson {
  return { ident: u.ident, name: u.name, projects: u.projects, picture: pictureUrl(u) }
}

export function publicProject (p: Project): PublicProject {
  return {
    ident: p.ident,
    name: p.name,
    picture: `/api/projects/${encodeURIComponent(p.ident)}/picture${p.image ? '?v=' + encodeURIComponent(p.image.split('/').pop() ?? '') : ''}`,
    renderPriority: p.renderPriority ?? 1,
  }
}
