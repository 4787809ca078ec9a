// Render farm calls for the Rendering page: the project's jobs and the farm's nodes.
import type { JobCreate, JobUpdate, NodeUpdate } from '../../../schemas/generated/types.ts'
import { api } from '../api/routes.ts'
import { appState } from './app-state.ts'

const project = () => appState.project!

export const farm = {
  jobs: (signal?: AbortSignal) => api.listJobs({ project: project() }, { signal }),
  job: (id: string, signal?: AbortSignal) => api.getJob({ project: project(), id }, { signal }),
  create: (job: JobCreate) => api.createJob({ project: project() }, job),
  update: (id: string, update: JobUpdate) => api.updateJob({ project: project(), id }, update),
  remove: (id: string) => api.deleteJob({ project: project(), id }),
  /** What a .blend renders, read from the file by the server, and what would spoil it. */
  renderSettings: (path: string, signal?: AbortSignal) => api.getRenderSettings({ project: project(), path }, { signal }),
  /** Every .blend of the project, assets or not (for "show every .blend file"). */
  blendFiles: (signal?: AbortSignal) => api.listFiles({ project: project() }, { ext: 'blend' }, { signal }),
  nodes: (signal?: AbortSignal) => api.listNodes({ signal }),
  pauseNode: (name: string, update: NodeUpdate) => api.pauseNode({ name }, update),
  pauseAll: (update: NodeUpdate) => api.pauseAllNodes(update),
}
