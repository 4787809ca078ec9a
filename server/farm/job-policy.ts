// Who may change a render job (pause, resume, cancel, render again, re-prioritise, rename, remove):
// staff, whoever submitted it, and the people working on its asset (owner and helpers), read when
// asked, so a new helper may act at once. An automatic render was submitted by nobody in particular:
// only the asset's people and staff. Creating jobs is open to every member (the route says so).
import type { JobView } from '../../schemas/generated/types.ts'
import { forbidden, type HttpError } from '../errors.ts'

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

/** "A, B or C" */
function either (names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
}

/** The 403 for someone the job does not belong to, naming who may change it. */
export function notYourJob (job: JobFacts, asset: AssetPeople | undefined, nameOf: (ident: string) => string): HttpError {
  const { submitter, workers } = jobPeople(job, asset)
  const whose = job.auto ? 'an automatic render' : submitter ? `${nameOf(submitter)}'s render` : undefined
  if (!whose && workers.length === 0) return forbidden('RFAM_NOT_YOUR_JOB', `Only a teacher can change the render "${job.name}".`)
  const who = [
    ...(submitter ? [nameOf(submitter)] : []),
    ...(workers.length > 0 ? [`the people working on "${asset!.name}" (${workers.map(nameOf).join(', ')})`] : []),
    'a teacher',
  ]
  const opening = whose ? `This is ${whose} of "${job.name}". ` : ''
  return forbidden('RFAM_NOT_YOUR_JOB', `${opening}Only ${either(who)} can change it.`)
}
