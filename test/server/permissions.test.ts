// Who may do what (issue 11), against a real server: the film's settings are for staff (students may
// still change its description); a render job may be changed or removed only by staff, whoever
// submitted it and the people working on its asset (automatic renders: the asset's people and staff).
// Every refusal is a 403 saying what is needed, and nothing changes.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView, ProjectFile } from '../../schemas/generated/types.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const STUDENTS = ['alex', 'sam', 'mia', 'leo', 'zoe'] as const
const EVERYONE = ['teacher', ...STUDENTS] as const
type Who = typeof EVERYONE[number]

async function sessions (s: TestServer): Promise<Record<Who, string>> {
  const out = {} as Record<Who, string>
  for (const who of EVERYONE) out[who] = (await logIn(s, who, { secret: who === 'teacher' ? '1234' : undefined })).cookie
  return out
}

t.test('the film\'s settings are staff-only; its description is for every member', async (t) => {
  const s = await startTestServer(t)
  const cookies = await sessions(s)
  const onDisk = () => JSON.parse(readFileSync(join(s.projectDir(), 'project.json'), 'utf8')) as ProjectFile
  const patch = (who: Who, payload: object) => s.app.inject({ method: 'PATCH', url: '/api/projects/demo/file', headers: { cookie: cookies[who] }, payload })
  const before = onDisk()
  const role = { id: '6f1c1b38-8f4e-4a55-9d59-1f6d0f0c2a11', role: 'Music', user: 'sam' }
  const external = { id: '0b8e5c0e-2b1a-4a47-8f43-7f3c9c6a5d22', description: 'Theme tune', license: 'CC0' }
  const staffOnly: Array<[string, object, string]> = [
    ['title', { title: 'Cake Wars' }, 'the film\'s title'],
    ['license', { license: 'All rights reserved' }, 'the film\'s licence'],
    ['defaults', { defaults: 'Full HD Cycles' }, 'the settings set'],
    ['roles', { roles: [...before.roles!, role] }, 'the roles in the credits'],
    ['externalAssets', { externalAssets: [...before.externalAssets!, external] }, 'the external assets'],
  ]

  for (const student of STUDENTS) {
    for (const [field, payload, words] of staffOnly) {
      const res = await patch(student, payload)
      t.equal(res.statusCode, 403, `${student} may not change ${field}`)
      t.match(res.json(), { statusCode: 403, error: 'Forbidden', code: 'RFAM_STAFF_ONLY', message: `Only staff can change ${words}. Ask your teacher.` }, `${student}/${field}: the refusal names it`)
      t.match(res.json().sentence, { key: /^error:staff-only-/ }, 'and says it as a sentence every page can translate')
    }
  }
  const mixed = await patch('leo', { description: 'Sneaky', title: 'Cake Wars', roles: [] })
  t.equal(mixed.statusCode, 403, 'a change with one staff-only field is refused whole')
  t.equal(mixed.json().message, 'Only staff can change the film\'s title. Ask your teacher.', 'naming the first staff-only field it tried (one sentence per field, so every language can say it)')
  t.same(onDisk(), before, 'nothing refused reached the disk, not even the description sent along')

  for (const student of STUDENTS) {
    const res = await patch(student, { description: `Written by ${student}` })
    t.equal(res.statusCode, 200, `${student} may change the description`)
    t.equal(res.json().description, `Written by ${student}`)
  }
  t.equal(onDisk().description, 'Written by zoe')

  for (const [field, payload] of staffOnly) {
    const res = await patch('teacher', payload)
    t.equal(res.statusCode, 200, `staff may change ${field}`)
  }
  const after = onDisk()
  t.match(after, { title: 'Cake Wars', license: 'All rights reserved', defaults: 'Full HD Cycles' })
  t.same(after.roles!.at(-1), role)
  t.match(after.externalAssets!.at(-1), external)
})

interface Case {
  /** What the job is. */
  what: string
  job: JobView
  /** Who may change it; everyone else is refused with `refusal`. */
  allowed: Who[]
  refusal: string
}

t.test('a render job is changed only by staff, whoever submitted it and the people working on its asset', async (t) => {
  const s = await startTestServer(t)
  const cookies = await sessions(s)
  mkdirSync(join(s.projectDir(), 'tests'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'tests', 'x.blend'), TINY_BLEND)
  const submit = async (who: Who, file: string): Promise<JobView> => {
    const res = await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie: cookies[who] }, payload: { file, frameStart: 1, frameEnd: 3, paused: true } })
    t.equal(res.statusCode, 201, `${who} may render ${file}: creating jobs is open to members`)
    t.equal(res.json().canChange, true, 'whoever submits a job may change it')
    return res.json()
  }
  // Cake: mia's, nobody helps. Chef Bun: alex's, mia helps. Walk Cycle: nobody's. tests/x.blend: no asset.
  const cases: Case[] = [
    {
      what: 'sam\'s render of mia\'s Cake',
      job: await submit('sam', 'props/cake.blend'),
      allowed: ['teacher', 'sam', 'mia'],
      refusal: 'This is Sam Okafor\'s render of "Cake". Only Sam Okafor, the people working on "Cake" (Mia Chen) or a teacher can change it.'
    },
    {
      what: 'zoe\'s render of alex\'s Chef Bun, which mia helps on',
      job: await submit('zoe', 'characters/chef_bun.blend'),
      allowed: ['teacher', 'zoe', 'alex', 'mia'],
      refusal: 'This is Zoë Haddad\'s render of "Chef Bun". Only Zoë Haddad, the people working on "Chef Bun" (Alex Rivera, Mia Chen) or a teacher can change it.'
    },
    {
      what: 'alex\'s render of his own Chef Bun',
      job: await submit('alex', 'characters/chef_bun.blend'),
      allowed: ['teacher', 'alex', 'mia'],
      refusal: 'This is Alex Rivera\'s render of "Chef Bun". Only Alex Rivera, the people working on "Chef Bun" (Mia Chen) or a teacher can change it.'
    },
    {
      what: 'leo\'s render of Walk Cycle, which nobody owns',
      job: await submit('leo', 'animations/walk_cycle.blend'),
      allowed: ['teacher', 'leo'],
      refusal: 'This is Leo Novak\'s render of "Walk Cycle". Only Leo Novak or a teacher can change it.'
    },
    {
      what: 'alex\'s render of a file that is no asset',
      job: await submit('alex', 'tests/x.blend'),
      allowed: ['teacher', 'alex'],
      refusal: 'This is Alex Rivera\'s render of "x". Only Alex Rivera or a teacher can change it.'
    },
    {
      what: 'an automatic render of Cake',
      job: await s.app.farm.createJob('demo', { file: 'props/cake.blend', frameStart: 1, frameEnd: 3, name: 'Cake (automatic)', paused: true }, { by: 'auto', auto: true }),
      allowed: ['teacher', 'mia'],
      refusal: 'This is an automatic render of "Cake (automatic)". Only the people working on "Cake" (Mia Chen) or a teacher can change it.'
    },
    {
      what: 'an automatic render of Walk Cycle',
      job: await s.app.farm.createJob('demo', { file: 'animations/walk_cycle.blend', frameStart: 1, frameEnd: 3, paused: true }, { by: 'auto', auto: true }),
      allowed: ['teacher'],
      refusal: 'This is an automatic render of "Walk Cycle". Only a teacher can change it.'
    },
    {
      what: 'a job nobody is named on',
      job: await s.app.farm.createJob('demo', { file: 'tests/x.blend', frameStart: 1, frameEnd: 3, paused: true }),
      allowed: ['teacher'],
      refusal: 'Only a teacher can change the render "x".'
    },
  ]
  const url = (c: Case) => `/api/projects/demo/jobs/${c.job.id}`
  const patch = (who: Who, c: Case, payload: object) => s.app.inject({ method: 'PATCH', url: url(c), headers: { cookie: cookies[who] }, payload })
  const remove = (who: Who, c: Case) => s.app.inject({ method: 'DELETE', url: url(c), headers: { cookie: cookies[who] } })
  const stored = (c: Case) => s.app.farm.getJob('demo', c.job.id)

  t.test('the job views say whom they let change them', async (t) => {
    for (const who of EVERYONE) {
      const list = (await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie: cookies[who] } })).json().jobs as JobView[]
      for (const c of cases) {
        const expected = c.allowed.includes(who)
        t.equal(list.find((j) => j.id === c.job.id)!.canChange, expected, `list for ${who}: ${c.what}`)
        t.equal((await s.app.inject({ url: url(c), headers: { cookie: cookies[who] } })).json().canChange, expected, `one job for ${who}: ${c.what}`)
      }
    }
  })

  t.test('everyone else is refused every change, with a sentence saying who may', async (t) => {
    const changes: Array<[string, object]> = [['resume', { action: 'resume' }], ['cancel', { action: 'cancel' }], ['pause', { action: 'pause' }], ['requeue', { action: 'requeue' }], ['priority', { priority: 99 }], ['name', { name: 'Mine now' }]]
    for (const c of cases) {
      const before = stored(c)
      for (const who of EVERYONE.filter((w) => !c.allowed.includes(w))) {
        for (const [what, payload] of changes) {
          const res = await patch(who, c, payload)
          t.equal(res.statusCode, 403, `${who} may not ${what} ${c.what}`)
          t.match(res.json(), { statusCode: 403, error: 'Forbidden', code: 'RFAM_NOT_YOUR_JOB', message: c.refusal, sentence: { key: /^error:not-your/ } }, `${who}/${what}: the refusal says who may`)
        }
        const gone = await remove(who, c)
        t.equal(gone.statusCode, 403, `${who} may not remove ${c.what}`)
        t.equal(gone.json().message, c.refusal)
      }
      t.same(stored(c), before, `${c.what}: nothing changed`)
    }
  })

  t.test('the people allowed may pause, resume, re-prioritise, rename, cancel and remove', async (t) => {
    for (const c of cases) {
      let paused = true
      for (const who of c.allowed) {
        const res = await patch(who, c, { action: paused ? 'resume' : 'pause', priority: 10 + c.allowed.indexOf(who), name: `${c.job.name} (${who})` })
        t.equal(res.statusCode, 200, `${who} may change ${c.what}`)
        t.match(res.json(), { status: paused ? 'queued' : 'paused', priority: 10 + c.allowed.indexOf(who), name: `${c.job.name} (${who})`, canChange: true })
        paused = !paused
      }
      const last = c.allowed.at(-1)!
      t.equal((await patch(last, c, { action: 'cancel' })).json().status, 'cancelled', `${last} may cancel ${c.what}`)
      t.equal((await remove(last, c)).statusCode, 204, `${last} may remove ${c.what}`)
    }
    t.same(s.app.farm.listJobs('demo'), [], 'every job is gone')
  })

  t.test('an unknown job is a 404 for anybody, not a 403', async (t) => {
    const res = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/jobs/00000000-0000-4000-8000-000000000000', headers: { cookie: cookies.leo }, payload: { action: 'cancel' } })
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'RFAM_NO_JOB')
  })
})

t.test('the asset\'s people are read when asked: a new helper may change its renders at once, a former owner no more', async (t) => {
  const s = await startTestServer(t)
  const cookies = await sessions(s)
  const job = (await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie: cookies.sam }, payload: { file: 'props/cake.blend', frameStart: 1, frameEnd: 2, paused: true } })).json() as JobView
  const pause = (who: Who) => s.app.inject({ method: 'PATCH', url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie: cookies[who] }, payload: { priority: 7 } })
  t.equal((await pause('leo')).statusCode, 403, 'leo does not work on Cake yet')
  t.equal((await pause('mia')).statusCode, 200, 'mia owns Cake')
  const given = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie: cookies.mia }, payload: { owner: 'zoe', support: ['leo'] } })
  t.equal(given.statusCode, 200, 'mia gives Cake to zoe, with leo helping')
  t.equal((await pause('leo')).statusCode, 200, 'leo helps on Cake now')
  t.equal((await pause('zoe')).statusCode, 200, 'zoe owns Cake now')
  const former = await pause('mia')
  t.equal(former.statusCode, 403, 'mia works on Cake no more')
  t.equal(former.json().message, 'This is Sam Okafor\'s render of "Cake". Only Sam Okafor, the people working on "Cake" (Zoë Haddad, Leo Novak) or a teacher can change it.')
})
