// Each person's to-do list and the team overview, from the cached asset views. An asset in a
// 'done' state sinks to the end; otherwise the highest true priority comes first.
import type { AssetView, Todo, User } from '../../schemas/generated/types.ts'
import type { ProjectStore } from './project-store.ts'

export function ownedByPriority (store: ProjectStore, user: string): AssetView[] {
  const states = store.defaults().states
  const done = (v: AssetView) => (v.meta && states.get(v.meta.state)?.done) ? 1 : 0
  // views().list is already sorted by true priority, then name; a stable sort keeps that order.
  return store.views().list.filter((v) => v.meta?.owner === user).sort((a, b) => done(a) - done(b))
}

export function todoFor (store: ProjectStore, user: string, members: User[]): Todo {
  const support: Todo['support'] = []
  for (const m of members) {
    if (m.ident === user) continue
    const top = ownedByPriority(store, m.ident)[0]
    if (top?.meta?.support?.includes(user)) support.push({ owner: m.ident, asset: top })
  }
  return { user, assets: ownedByPriority(store, user), support }
}
