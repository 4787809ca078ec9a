import t from 'tap'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { validator } from '../../schemas/validator.ts'
import { verifySecret } from '../../server/auth/passwords.ts'
import { main as importUsers, parseCsv, readPeople } from '../../scripts/users-from-csv.ts'
import { startTestServer } from '../helpers/server.ts'
import { listDir, makeSite, runMain, runScript, type Site } from './cli.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

const importCsv = (site: Site, csv: string | Buffer, ...args: string[]) => {
  const file = join(site.dir, 'people.csv')
  writeFileSync(file, csv)
  return runMain(importUsers, [file, ...args], { config: site.config })
}
const readUser = (site: Site, ident: string) => JSON.parse(readFileSync(join(site.users, `${ident}.json`), 'utf8'))

t.test('CSV parsing: quoted commas, doubled quotes, CRLF, multi-line fields keep line numbers', async (t) => {
  const rows = parseCsv('a,b\r\n"Haines, Tom","say ""hi""",x\r\n\r\n"two\nlines",y\nlast,z')
  t.same(rows, [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['Haines, Tom', 'say "hi"', 'x'] },
    { line: 4, cells: ['two\nlines', 'y'] },
    { line: 6, cells: ['last', 'z'] },
  ])
  t.same(parseCsv('Tom;tom;red\nMia;mia;blue').map((r) => r.cells), [['Tom', 'tom', 'red'], ['Mia', 'mia', 'blue']], 'semicolons when the first line has no comma')
  t.throws(() => parseCsv('a,b\n"open,c\nd'), { message: /line 2: a quoted field is never closed/ })
})

t.test('row checks name the line and the problem', async (t) => {
  const known = new Set(['red', 'blue'])
  const { people, refused } = readPeople(parseCsv([
    'Tom Haines,tom,red,blue',
    'No Project,nop',
    'Bad,Bad Name,red',
    ',noname,red',
    'X,x,purple',
    'Dup One,dup,red',
    'Dup Two,dup,blue',
    '"Space Separated",ss,"red blue"',
  ].join('\n')), known)
  t.same(people.map((p) => [p.line, p.ident, p.projects]), [[1, 'tom', ['red', 'blue']], [8, 'ss', ['red', 'blue']]])
  t.same(refused.map((r) => r.line), [2, 3, 4, 5, 6, 7])
  t.match(refused[0]!.reason, /^No project for "nop"/)
  t.match(refused[1]!.reason, /username "Bad Name" is not allowed/)
  t.match(refused[2]!.reason, /^No name for "noname"/)
  t.match(refused[3]!.reason, /^Unknown project "purple" \(known: blue, red\)/)
  t.match(refused[4]!.reason, /"dup" is also on line 7/)
  t.match(refused[5]!.reason, /"dup" is also on line 6/)
  // Each reason is also a sentence of the language files, for the web page in the teacher's language.
  t.same(refused[1]!.sentence, { key: 'import:line-bad-username', params: { ident: 'Bad Name' } })
  t.same(refused[5]!.sentence, { key: 'import:line-duplicate', params: { ident: 'dup', lines: '6' } })
  t.equal(refused[1]!.name, 'Bad', 'the name the line gives, to tell which person it is')
  t.match(readPeople(parseCsv('X,x,red'), new Set()).refused[0], { reason: 'Unknown project "red": there are no projects yet.', sentence: { key: 'import:line-no-projects-yet' } })
})

t.test('rows without a header create valid user files with a generated avatar; UTF-8 names survive', async (t) => {
  const site = makeSite(t)
  // The one run as a real process, as `npm run users:import` does.
  writeFileSync(join(site.dir, 'people.csv'), '\uFEFF"Haines, Tom",tom,red,blue\nZoë Ünal 🎬,zoe,red,,\n李小龙,li,blue\n')
  const res = await runScript('users-from-csv.ts', [join(site.dir, 'people.csv')], { config: site.config })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /line 1 +tom +created/)
  t.match(res.stdout, /line 2 +zoe +created/)
  t.match(res.stdout, /3 created, 0 merged, 0 skipped, 0 refused/)
  t.same(listDir(site.users), ['li.json', 'tom.json', 'zoe.json'], 'one file each and no lock or temp files left')
  const tom = readUser(site, 'tom')
  t.same(tom, { ident: 'tom', name: 'Haines, Tom', image: null, projects: ['red', 'blue'], staff: false, language: '' })
  t.equal(readUser(site, 'zoe').name, 'Zoë Ünal 🎬')
  t.same(readUser(site, 'zoe').projects, ['red'], 'empty trailing cells are not projects')
  t.equal(readUser(site, 'li').name, '李小龙')
  for (const u of ['tom', 'zoe', 'li']) t.equal(validator().check('user.schema.json', readUser(site, u)), null, `${u} matches user.schema.json`)
  for (const u of ['tom', 'zoe', 'li']) t.equal(statSync(join(site.users, `${u}.json`)).mode & 0o777, 0o600, `${u}.json is for the server's user alone (it may hold a password hash)`)
})

t.test('a header may add a pin column; the PIN is stored hashed', async (t) => {
  const site = makeSite(t)
  const res = await importCsv(site, 'Username,Name,Projects,PIN\nmia,Mia Chen,red,0042\nleo,Leo Novak,"red,blue",\n')
  t.equal(res.code, 0, res.stdout + res.stderr)
  const mia = readUser(site, 'mia')
  t.match(mia.secret, /^scrypt\$/)
  t.notMatch(JSON.stringify(mia), /0042/, 'the PIN itself is not stored')
  t.ok(await verifySecret('0042', mia.secret), 'the hash verifies the PIN')
  t.notOk('secret' in readUser(site, 'leo'), 'an empty PIN cell means no PIN')
  t.same(readUser(site, 'leo').projects, ['red', 'blue'])
})

t.test('bad rows are refused with line numbers and nothing is written for them; good rows still land', async (t) => {
  const site = makeSite(t)
  const res = await importCsv(site, [
    'name,username,project,pin',
    'Good One,good,red,',
    'Bad Ident,Tom!,red,',
    'Unknown Project,unk,purple,',
    'Twice A,twice,red,',
    'Twice B,twice,blue,',
    'Short Pin,short,red,12',
  ].join('\r\n'))
  t.equal(res.code, 1, 'exit code 1 when any row was refused')
  t.match(res.stdout, /line 3 +Tom! +refused +the username "Tom!" is not allowed/)
  t.match(res.stdout, /line 4 +unk +refused +unknown project "purple"/)
  t.match(res.stdout, /line 5 +twice +refused +the username "twice" is also on line 6/)
  t.match(res.stdout, /line 6 +twice +refused +the username "twice" is also on line 5/)
  t.match(res.stdout, /line 7 +short +refused +the PIN of "short" is shorter than 4/)
  t.match(res.stdout, /1 created, 0 merged, 0 skipped, 5 refused \(nothing written for them/)
  t.same(listDir(site.users), ['good.json'])
})

t.test('existing people are skipped; --merge adds only their new projects and keeps everything else', async (t) => {
  const site = makeSite(t, ['red', 'blue', 'green'])
  const existing = { ident: 'tom', name: 'Tom (edited by hand)', image: 'data::pictures/tom.png', projects: ['red'], staff: true, language: 'en', secret: 'scrypt$16384$8$1$x$y' }
  writeFileSync(join(site.users, 'tom.json'), JSON.stringify(existing))
  const csv = 'Tom Haines,tom,red,blue\nMia Chen,mia,green\n'
  const plain = await importCsv(site, csv)
  t.equal(plain.code, 0)
  t.match(plain.stdout, /line 1 +tom +skipped +already exists; --merge would add blue/)
  t.same(readUser(site, 'tom'), existing, 'an existing file is not touched without --merge')
  const merged = await importCsv(site, csv, '--merge')
  t.equal(merged.code, 0)
  t.match(merged.stdout, /line 1 +tom +merged +added to blue/)
  t.match(merged.stdout, /line 2 +mia +unchanged/)
  t.same(readUser(site, 'tom'), { ...existing, projects: ['red', 'blue'] }, 'only the new project was added')
  t.equal(statSync(join(site.users, 'tom.json')).mode & 0o777, 0o600, 'a merged file holding a hash is written 0600')
  const again = await importCsv(site, csv, '--merge')
  t.match(again.stdout, /line 1 +tom +unchanged/, 'running it twice changes nothing')
})

t.test('--dry-run reports what would happen and writes nothing at all', async (t) => {
  const site = makeSite(t)
  writeFileSync(join(site.users, 'tom.json'), JSON.stringify({ ident: 'tom', name: 'Tom', projects: ['red'] }))
  const res = await importCsv(site, 'Tom,tom,red,blue\nMia,mia,red\n', '--dry-run', '--merge')
  t.equal(res.code, 0)
  t.match(res.stdout, /tom +merged +would be added to blue/)
  t.match(res.stdout, /mia +created +would be created/)
  t.match(res.stdout, /Dry run, nothing written/)
  t.same(listDir(site.users), ['tom.json'])
  t.same(readUser(site, 'tom').projects, ['red'])
})

t.test('bad files and command lines get a clear reason and exit code 2', async (t) => {
  const site = makeSite(t)
  const none = await runMain(importUsers, [], { config: site.config })
  t.equal(none.code, 2)
  t.match(none.stderr, /which CSV file\?/)
  t.match(none.stderr, /Usage: npm run users:import/)
  const missing = await runMain(importUsers, [join(site.dir, 'nope.csv')], { config: site.config })
  t.equal(missing.code, 2)
  t.match(missing.stderr, /nope\.csv: cannot be read \(ENOENT\)/)
  const option = await runMain(importUsers, ['x.csv', '--force'], { config: site.config })
  t.match(option.stderr, /unknown option --force/)
  const latin1 = await importCsv(site, Buffer.from('Zo\xeb,zoe,red\n', 'latin1'))
  t.equal(latin1.code, 2)
  t.match(latin1.stderr, /is not UTF-8 text; save it from the spreadsheet as "CSV UTF-8"/)
  const header = await importCsv(site, 'name,username,project,email\nTom,tom,red,t@x\n')
  t.equal(header.code, 2)
  t.match(header.stderr, /line 1: unknown column "email"/)
  const quote = await importCsv(site, 'Tom,tom,red\n"Mia,mia,red\n')
  t.match(quote.stderr, /line 2: a quoted field is never closed/)
  const config = await runMain(importUsers, ['x.csv', '--config', join(site.dir, 'nothing.json')])
  t.equal(config.code, 2)
  t.match(config.stderr, /nothing\.json: no such file/)
  t.same(listDir(site.users), [], 'nothing was written')
})

t.test('a running server shows imported people on its log-in page without a restart', async (t) => {
  const s = await startTestServer(t)
  const res = await runMain(importUsers, ['--merge', writeCsv(s.dir, 'Nina Petrova,nina,demo\nAlex Rivera,alex,demo\n')], { config: s.config.file })
  t.equal(res.code, 0, res.stdout + res.stderr)
  t.match(res.stdout, /alex +unchanged/)
  let names: string[] = []
  await until('nina offered at log-in', async () => {
    const options = (await s.app.inject({ url: '/api/login-options' })).json() as { users: Array<{ ident: string }> }
    names = options.users.map((u) => u.ident)
    return names.includes('nina')
  }, { stepMs: 100 })
  t.ok(names.includes('nina'), 'the new person is offered at log-in')
  await logIn(s, 'nina')
})

function writeCsv (dir: string, text: string): string {
  const file = join(dir, 'import.csv')
  writeFileSync(file, text)
  return file
}
