// Assets blocked waiting on others: not done themselves, and needing an asset that is not usable yet
// (in a state that boosts: the early states others wait for), broken, or missing. The same notion
// as true priorities (store/true-priorities.ts): what boosts is what others are waiting for.
import type { AssetView, BlockedAsset, State, WaitsFor } from '../../schemas/generated/types.ts'

export function blockedAssets (views: readonly AssetView[], byPath: ReadonlyMap<string, AssetView>, states: ReadonlyMap<string, State>): BlockedAsset[] {
  const out: BlockedAsset[] = []
  for (const view of views) {
    const meta = view.meta
    if (!meta || states.get(meta.state)?.done) continue
    const waitsFor: WaitsFor[] = []
    for (const path of view.dependencies) {
      const dep = byPath.get(path)
      // A linked library that is no asset is a file that is there: nothing to wait for.
      if (!dep && !meta.dependencies?.includes(path)) continue
      const m = dep?.meta
      if (m && !states.get(m.state)?.boost) continue
      waitsFor.push(m ? { path, name: m.name, state: m.state, owner: m.owner ?? null } : { path, owner: null })
    }
    if (waitsFor.length) out.push({ path: view.path, name: meta.name, owner: meta.owner ?? null, state: meta.state, waitsFor: waitsFor as BlockedAsset['waitsFor'] })
  }
  return out
}
