// Asset calls shared by the pages: each goes to the logged-in project.
import type { AssetCreate, AssetUpdate, AssetView } from '../../../schemas/generated/types.ts'
import { api, assetUrl, encodePath, projectUrl } from '../controllers/api-client.ts'
import { appState } from './app-state.ts'

function project (): string {
  const ident = appState.project
  if (!ident) throw new Error('not logged in')
  return ident
}

export const assets = {
  get: (path: string, signal?: AbortSignal) => api.get<AssetView>(assetUrl(project(), path), signal),
  update: (path: string, update: AssetUpdate) => api.patch<AssetView>(assetUrl(project(), path), update),
  create: (asset: AssetCreate) => api.post<AssetView>(projectUrl(project(), '/assets'), asset),
  remove: (path: string) => api.delete(assetUrl(project(), path)),
  checkpoint: (path: string) => api.post<{ checkpoint: string }>(projectUrl(project(), `/checkpoints/${encodePath(path)}`)),
  resetStats: (path: string) => api.delete<AssetView>(projectUrl(project(), `/render-stats/${encodePath(path)}`)),
}
