// Who may change a render job (pause, resume, cancel, render again, re-prioritise, rename, remove):
// staff, whoever submitted it, and the people working on its asset (owner and helpers), read when
// asked, so a new helper may act at once. An automatic render was submitted by nobody in particular:
// only the asset's people and staff. Creating jobs is open to every member (the route says so).
import type { JobView } from '../../schemas/generated/types.ts'
import { forbidden, type HttpError } from '../errors.ts'
import { say } from '../../common/sentences.ts'

/** The job's fields the rule reads. */
export type JobFacts = Pick<JobView, 'name' | 'createdBy' | 'auto'>

/** The asset a job renders, as its sidecar says now; undefined when the job renders no asset (any more). */
export interface AssetPeople { name: string, owner?: string | null, support?: string[] }

export interface Person { ident: string, staff?: boolean }

/** Everyone the job belongs to, besides staff: its submitter (not for automatic renders), then the asset's people. */
function jobPeople (job: JobFacts, asset: AssetPeople | undefined): { submitter?: string, workers: string[] } {
  const submitter = job.auto ? undefined : job.createdBy
  const workers = [asset?.owner, ...(asset?.support ?? [])].filter((p): p is string => !!p && p !== submitter)
  return { submitter, workers: [...new Set(workers)] }
}

export function mayChangeJob (user: Person, job: JobFacts, asset: AssetPeople | undefined): boolean {
  if (user.staff) return true
  const { submitter, workers } = jobPeople(job, asset)
  return user.ident === submitter || workers.includes(user.ident)
}

/** The 403 for someone the job does not belong to, naming who may change it. */
export function notYourJob (job: JobFacts, asset: AssetPeople | undefined, nameOf: (ident: string) => string): HttpError {
  const { submitter, workers } = jobPeople(job, asset)
  const refuse = (key: string, params: Record<string, string>) => forbidden('RFAM_NOT_YOUR_JOB', say(key, { job: job.name, ...params }))
  if (workers.length === 0) {
    if (submitter) return refuse('error:not-your-job', { submitter: nameOf(submitter) })
    return refuse(job.auto ? 'error:not-your-auto-job-teacher' : 'error:not-your-job-teacher', {})
  }
  const people = { asset: asset!.name, workers: workers.map(nameOf).join(', ') }
  if (submitter) return refuse('error:not-your-job-workers', { submitter: nameOf(submitter), ...people })
  return refuse(job.auto ? 'error:not-your-auto-job' : 'error:not-your-job-only-workers', people)
}
