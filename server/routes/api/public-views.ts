// What the API shows of users and projects: never a password hash, pictures as URLs.
import type { Project, PublicProject, PublicUser, User } from '../../../schemas/generated/types.ts'

export function publicUser (u: User): PublicUser {
  const out: PublicUser = {
    ident: u.ident,
    name: u.name,
    projects: u.projects,
    staff: u.staff ?? false,
    hasSecret: typeof u.secret === 'string',
    picture: `/api/users/${encodeURIComponent(u.ident)}/picture${u.image ? '?v=' + encodeURIComponent(u.image.split('/').pop() ?? '') : ''}`,
  }
  if (u.language) out.language = u.language
  return out
}

export function publicProject (p: Project): PublicProject {
  return {
    ident: p.ident,
    name: p.name,
    picture: `/api/projects/${encodeURIComponent(p.ident)}/picture${p.image ? '?v=' + encodeURIComponent(p.image.split('/').pop() ?? '') : ''}`,
    renderPriority: p.renderPriority ?? 1,
  }
}
