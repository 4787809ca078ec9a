// Render farm calls for the Rendering page: the project's jobs and the farm's nodes.
import type { FarmNodeList, FileList, JobCreate, JobList, JobUpdate, JobView, NodeUpdate } from '../../../schemas/generated/types.ts'
import { api, projectUrl } from '../controllers/api-client.ts'
import { appState } from './app-state.ts'

function jobsUrl (rest = ''): string {
  return projectUrl(appState.project!, `/jobs${rest}`)
}

export const farm = {
  jobs: (signal?: AbortSignal) => api.get<JobList>(jobsUrl(), signal),
  job: (id: string, signal?: AbortSignal) => api.get<JobView>(jobsUrl(`/${encodeURIComponent(id)}`), signal),
  create: (job: JobCreate) => api.post<JobView>(jobsUrl(), job),
  update: (id: string, update: JobUpdate) => api.patch<JobView>(jobsUrl(`/${encodeURIComponent(id)}`), update),
  remove: (id: string) => api.delete(jobsUrl(`/${encodeURIComponent(id)}`)),
  /** Every .blend of the project, assets or not (for "show every .blend file"). */
  blendFiles: (signal?: AbortSignal) => api.get<FileList>(projectUrl(appState.project!, '/files?ext=blend'), signal),
  nodes: (signal?: AbortSignal) => api.get<FarmNodeList>('/api/farm/nodes', signal),
  pauseNode: (name: string, update: NodeUpdate) => api.patch<FarmNodeList>(`/api/farm/nodes/${encodeURIComponent(name)}`, update),
  pauseAll: (update: NodeUpdate) => api.post<FarmNodeList>('/api/farm/nodes/pause-all', update),
}
