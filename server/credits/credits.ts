// The film's credits, from the project file (roles in order, external assets and their licences,
// title, licence) and its members. Plain text to paste into the film, plus warnings to fix first.
import type { Credits, CreditSection, ProjectFile, User } from '../../schemas/generated/types.ts'

export type { Credits, CreditSection }

export interface CreditStrings { team: string, thanks: string, noLicense: (what: string) => string, noTitle?: string, noFilmLicense?: string }

export function buildCredits (file: ProjectFile, members: User[], strings: CreditStrings): Credits {
  const byIdent = new Map(members.map((u) => [u.ident, u]))
  const sections: CreditSection[] = []
  const credited = new Set<string>()
  for (const role of file.roles ?? []) {
    const name = byIdent.get(role.user)?.name ?? role.user
    credited.add(role.user)
    const last = sections[sections.length - 1]
    // Consecutive lines with the same role merge under one heading, as in the original.
    if (last && last.heading === role.role) { if (!last.lines.includes(name)) last.lines.push(name) } else sections.push({ heading: role.role, lines: [name] })
  }
  const rest = members.filter((u) => !credited.has(u.ident)).map((u) => u.name).sort((a, b) => a.localeCompare(b))
  if (rest.length) sections.push({ heading: strings.team, lines: rest })
  const warnings: string[] = []
  const external = [...(file.externalAssets ?? [])].sort((a, b) => a.description.localeCompare(b.description))
  if (external.length) {
    sections.push({ heading: strings.thanks, lines: external.map((e) => [e.description, e.license, e.origin].filter(Boolean).join(' — ')) })
    for (const e of external) if (!e.license?.trim()) warnings.push(strings.noLicense(e.description))
  }
  if (!file.title?.trim() && strings.noTitle) warnings.push(strings.noTitle)
  if (!file.license?.trim() && strings.noFilmLicense) warnings.push(strings.noFilmLicense)
  const blocks = sections.map((s) => `${s.heading}\n\n${s.lines.join('\n')}`)
  if (file.title) blocks.push([file.title, file.license].filter(Boolean).join('\n'))
  return { title: file.title ?? '', license: file.license ?? '', text: blocks.join('\n\n\n') + '\n', warnings, sections }
}
