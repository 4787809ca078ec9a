// Asset calls shared by the pages: each goes to the logged-in project.
import type { AssetCreate, AssetUpdate } from '../../../schemas/generated/types.ts'
import { api } from '../api/routes.ts'
import { appState } from './app-state.ts'

function project (): string {
  const ident = appState.project
  if (!ident) throw new Error('not logged in')
  return ident
}

export const assets = {
  get: (path: string, signal?: AbortSignal) => api.getAsset({ project: project(), path }, { signal }),
  update: (path: string, update: AssetUpdate) => api.updateAsset({ project: project(), path }, update),
  create: (asset: AssetCreate) => api.createAsset({ project: project() }, asset),
  remove: (path: string) => api.deleteAsset({ project: project(), path }),
  checkpoint: (path: string) => api.checkpointAsset({ project: project(), path }),
  resetStats: (path: string) => api.resetRenderStats({ project: project(), path }),
}
