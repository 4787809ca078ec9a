// A server started without the demo has nobody who can log in. `npm run project -- add` and
// `npm run user -- add` make the first project and teacher; the running server follows the files,
// the teacher logs in with the password and can make the next project in the web.
import t from 'tap'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifySecret } from '../../server/auth/passwords.ts'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { listDir, makeSite, runMain, runScript } from './cli.ts'
import { main as addProject } from '../../scripts/add-project.ts'
import { main as userCommand } from '../../scripts/set-password.ts'

t.test('on a running server with nobody, the first project and teacher; the teacher logs in and makes a project', async (t) => {
  const s = await startTestServer(t, { demo: false })
  const options = async () => JSON.parse((await s.app.inject({ url: '/api/login-options' })).body)
  t.same((await options()).projects, [], 'nobody and nothing at first')

  // The project command once as a real process, as `npm run project` runs it.
  const project = await runScript('add-project.ts', ['add', 'red', '--name', 'Red Team'], { config: s.config.file })
  t.equal(project.code, 0, project.stderr)
  t.match(project.stdout, /Added the project Red Team \(red\)/)
  t.match(project.stdout, /Next: npm run user -- add <username> --name "<Full name>" --staff --project red/)

  const teacher = await runMain(userCommand, ['add', 'novak', '--name', 'Ms Novak', '--staff', '--project', 'red'], { config: s.config.file, stdin: 'blue lagoon\n' })
  t.equal(teacher.code, 0, teacher.stderr)
  t.match(teacher.stdout, /Added Ms Novak \(novak\) as staff to red\./)
  const file = join(s.config.usersDir, 'novak.json')
  const { secret, ...rest } = JSON.parse(readFileSync(file, 'utf8'))
  t.same(rest, { ident: 'novak', name: 'Ms Novak', image: null, projects: ['red'], staff: true, language: '' })
  t.ok(await verifySecret('blue lagoon', secret), 'only the hash is kept')
  t.equal(statSync(file).mode & 0o777, 0o600, 'the file holding the hash is for the server\'s user alone')

  await until('the server shows the project and the teacher', async () => {
    const o = await options()
    return o.projects.some((p: { ident: string }) => p.ident === 'red') && o.users.some((u: { ident: string }) => u.ident === 'novak')
  }, { stepMs: 100 })
  const noSecret = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'red', user: 'novak' } })
  t.equal(noSecret.statusCode, 401, 'the teacher needs the password')
  const login = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'red', user: 'novak', secret: 'blue lagoon' } })
  t.equal(login.statusCode, 200, login.body)
  const token = String(login.headers['x-rfam-token'])
  const made = await s.app.inject({ method: 'POST', url: '/api/projects', headers: { authorization: `Bearer ${token}` }, payload: { ident: 'blue', name: 'Blue Team' } })
  t.equal(made.statusCode, 201, `the teacher makes the next project in the web: ${made.body}`)
})

t.test('refusals change nothing and say what to do', async (t) => {
  const site = makeSite(t, ['red'])
  writeFileSync(join(site.users, 'tom.json'), JSON.stringify({ ident: 'tom', name: 'Tom', image: null, projects: ['red'] }))
  const before = listDir(site.users)
  const user: Array<[string[], string, number, RegExp]> = [
    [['add', 'novak', '--name', 'Ms Novak', '--staff'], '', 1, /staff need a password or PIN/],
    [['add', 'novak', '--name', 'Ms Novak'], '123\n', 1, /needs at least 4 characters; nothing changed/],
    [['add', 'novak', '--name', 'Ms Novak', '--project', 'green'], '1234\n', 1, /there is no project "green"; nothing changed\. Make it first: npm run project -- add/],
    [['add', 'novak', '--name', 'Ms Novak', '--project', '../red'], '1234\n', 1, /there is no project "\.\.\/red"/],
    [['add', 'tom', '--name', 'Tom Again'], '1234\n', 1, /there is a user "tom" already; nothing changed/],
    [['add', 'Novak!', '--name', 'Ms Novak'], '1234\n', 1, /"Novak!" cannot be a username/],
    [['add', '../../etc/x', '--name', 'X'], '1234\n', 1, /cannot be a username/],
    [['add', 'novak'], '1234\n', 2, /give their full name with --name/],
    [['add', 'novak', '--name'], '1234\n', 2, /--name needs a value/],
    [['add', '--name', 'Ms Novak'], '1234\n', 2, /who\? Give their username/],
    [['add', 'novak', 'mia', '--name', 'X'], '1234\n', 2, /one person at a time/],
    [['add', 'novak', '--name', 'X', '--admin'], '1234\n', 2, /unknown option --admin/],
    [['remove', 'tom'], '', 2, /unknown command "remove"; use "password" or "add"/],
  ]
  for (const [args, stdin, code, message] of user) {
    const res = await runMain(userCommand, args, { config: site.config, stdin })
    t.equal(res.code, code, args.join(' '))
    t.match(res.stderr, message, args.join(' '))
  }
  t.same(listDir(site.users), before, 'no user file made by a refusal, no lock left behind')

  const projectsBefore = listDir(site.projects)
  const project: Array<[string[], number, RegExp]> = [
    [['add', 'red', '--name', 'Red Again'], 1, /there is a project "red" already; nothing changed/],
    [['add', 'Red Team', '--name', 'Red'], 1, /"Red Team" cannot be a project's short name/],
    [['add', '..', '--name', 'Up'], 1, /cannot be a project's short name/],
    [['add', 'green'], 2, /give the team's name with --name/],
    [['make', 'green', '--name', 'G'], 2, /unknown command "make"; the only one is "add"/],
    [[], 2, /Usage: npm run project -- add <ident> --name/],
  ]
  for (const [args, code, message] of project) {
    const res = await runMain(addProject, args, { config: site.config })
    t.equal(res.code, code, args.join(' '))
    t.match(res.stderr, message, args.join(' '))
  }
  t.same(listDir(site.projects), projectsBefore, 'no project file made by a refusal')
  t.same(JSON.parse(readFileSync(join(site.projects, 'red.json'), 'utf8')).name, 'Team red', 'the project that exists is untouched')
})

t.test('a student may have no password; one in no project is told they cannot log in yet', async (t) => {
  const site = makeSite(t, ['red'])
  const res = await runMain(userCommand, ['add', 'mia', '--name', 'Mia Chen'], { config: site.config, stdin: '' })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /in no project yet, so they cannot log in: add them to one/)
  t.notOk('secret' in JSON.parse(readFileSync(join(site.users, 'mia.json'), 'utf8')), 'no password: picking her face is enough')
})
