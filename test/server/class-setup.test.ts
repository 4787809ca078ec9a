// A teacher setting up a class through the API, and every refusal on the way: students calling the
// staff routes, a project that exists, people from a CSV with duplicates and bad lines, a .zip with
// names leading out, a huge upload, a zip bomb, PINs given and removed, switching projects.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import type { PeopleImportResult, PictureBatch, ProjectFile, User } from '../../schemas/generated/types.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { logIn, type Session } from '../helpers/login.ts'
import { makeZip } from '../helpers/zip-file.ts'
import { multipartFiles } from '../helpers/multipart.ts'

const png = (colour: string) => sharp({ create: { width: 120, height: 90, channels: 3, background: colour } }).png().toBuffer()
const readUser = (s: TestServer, ident: string) => JSON.parse(readFileSync(join(s.config.usersDir, `${ident}.json`), 'utf8')) as User

function upload (s: TestServer, session: Session, files: Array<{ name: string, data: Buffer }>, dryRun = true, project = 'demo') {
  const body = multipartFiles(files)
  return s.app.inject({ method: 'POST', url: `/api/projects/${project}/pictures?dryRun=${dryRun}`, headers: { cookie: session.cookie, ...body.headers }, payload: body.payload })
}

t.test('students are refused every route that sets up a class; switching is for members', async (t) => {
  const s = await startTestServer(t)
  const alex = await logIn(s, 'alex')
  const calls: Array<[string, string, unknown?]> = [
    ['POST', '/api/projects', { ident: 'red', name: 'Red' }],
    ['POST', '/api/projects/demo/people', { csv: 'Kim,kim\n', dryRun: false }],
    ['POST', '/api/users/mia/pin'],
    ['DELETE', '/api/users/teacher/pin'],
  ]
  for (const [method, url, body] of calls) {
    const res = await alex.api(method, url, body)
    t.equal(res.status, 403, `${method} ${url}`)
    t.equal(res.body.code, 'RFAM_STAFF_ONLY')
    t.match(res.body.message, /Ask your teacher/)
  }
  const pictures = await upload(s, alex, [{ name: 'mia.png', data: await png('#fff') }], false)
  t.equal(pictures.statusCode, 403, 'the picture upload is refused before its body is read')
  t.equal(pictures.json().code, 'RFAM_STAFF_ONLY')
  t.notOk(existsSync(join(s.config.usersDir, 'kim.json')), 'nobody was made')
  t.notOk(readUser(s, 'mia').image, 'no picture changed')
  t.ok(readUser(s, 'teacher').secret, 'the teacher keeps the PIN')

  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  t.equal((await teacher.api('POST', '/api/projects', { ident: 'red', name: 'Red Team', members: ['mia'] })).status, 201)
  const away = await alex.api('PUT', '/api/session/project/red')
  t.equal(away.status, 403, 'a student cannot move into a project they are not in')
  t.equal(away.body.code, 'RFAM_NOT_MEMBER')
  t.equal((await alex.api('GET', '/api/session')).body.project.ident, 'demo', 'and stays where they were')
  t.equal((await alex.api('PUT', '/api/session/project/nowhere')).status, 403, 'nor into one that does not exist')
})

t.test('a new project: folder, project.json and members; the name is taken once; nothing half-made', async (t) => {
  const s = await startTestServer(t)
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const made = await teacher.api('POST', '/api/projects', { ident: 'red', name: 'Red Team', title: 'The Lost Sock', defaults: 'Full HD Cycles', frameRate: 25, members: ['alex', 'mia'] })
  t.equal(made.status, 201, JSON.stringify(made.body))
  t.same(made.body, { ident: 'red', name: 'Red Team', picture: '/api/projects/red/picture', renderPriority: 1 })
  t.same(JSON.parse(readFileSync(join(s.config.projectsDir, 'red.json'), 'utf8')), { ident: 'red', name: 'Red Team', image: null, directory: 'data::red', renderPriority: 1 })
  const file = JSON.parse(readFileSync(join(s.projectDir('red'), 'project.json'), 'utf8')) as ProjectFile
  t.match(file, { title: 'The Lost Sock', defaults: 'Full HD Cycles', frameRate: 25 })
  t.same(readUser(s, 'alex').projects, ['demo', 'red'])
  t.same(readUser(s, 'teacher').projects, ['demo', 'red'], 'the teacher joins, so it is on their log-in page')
  t.same(readUser(s, 'sam').projects, ['demo'], 'nobody else')

  const moved = await teacher.api('PUT', '/api/session/project/red')
  t.equal(moved.status, 200)
  t.equal(moved.body.project.name, 'Red Team')
  t.equal((await teacher.api('GET', '/api/session')).body.project.ident, 'red', 'the log-in is in the new project now')
  t.equal((await teacher.api('GET', '/api/projects/red/defaults')).body.name, 'Full HD Cycles', 'the project is ready at once')
  const alex = await logIn(s, 'alex')
  t.equal((await alex.api('PUT', '/api/session/project/red')).status, 200, 'a member of both switches without logging out')
  const credits = (await alex.api('GET', '/api/projects/red/credits?format=json')).body
  t.match(credits, { title: 'The Lost Sock', license: '' }, 'the credits carry the film\'s title and licence')
  t.match(credits.warnings, [/no licence yet.*Project page/], 'and say the licence is missing')
  t.match((await alex.api('GET', '/api/projects/demo/credits?format=json')).body, { title: 'The Cake Heist', license: /CC BY 4\.0/ })

  const again = await teacher.api('POST', '/api/projects', { ident: 'red', name: 'Another' })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'RFAM_PROJECT_EXISTS')
  t.equal(JSON.parse(readFileSync(join(s.config.projectsDir, 'red.json'), 'utf8')).name, 'Red Team', 'the first one stays')

  const unknownSet = await teacher.api('POST', '/api/projects', { ident: 'blue', name: 'Blue', defaults: 'No Such Set' })
  t.equal(unknownSet.status, 400)
  t.equal(unknownSet.body.code, 'RFAM_UNKNOWN_DEFAULTS')
  const unknownMember = await teacher.api('POST', '/api/projects', { ident: 'blue', name: 'Blue', members: ['alex', 'nobody'] })
  t.equal(unknownMember.status, 400)
  t.match(unknownMember.body.message, /"nobody"/)
  t.notOk(existsSync(join(s.config.projectsDir, 'blue.json')), 'a refused project leaves nothing behind')
  t.same(readUser(s, 'alex').projects, ['demo', 'red'])
  const badIdent = await teacher.api('POST', '/api/projects', { ident: '../x', name: 'X' })
  t.equal(badIdent.status, 400, 'the short name is checked like every ident')
  const ownFolder = await teacher.api('POST', '/api/projects', { ident: 'x', name: 'X', directory: 'data::../../etc' })
  t.equal(ownFolder.status, 400, 'nobody picks the folder')
})

t.test('people from a CSV: a dry run writes nothing; duplicates and bad lines are refused by line', async (t) => {
  const s = await startTestServer(t)
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const csv = [
    'name,username,pin',
    'Kim Park,kim,4711',
    'Ola Nowak,ola,',
    'Dup One,dup,',
    'Dup Two,dup,',
    'Bad Name,Bad Name,',
    'Mia Chen,mia,',
    'Short Pin,short,12',
  ].join('\r\n')
  const dry = await teacher.api<PeopleImportResult>('POST', '/api/projects/demo/people', { csv, dryRun: true })
  t.equal(dry.status, 200, JSON.stringify(dry.body))
  const byLine = Object.fromEntries(dry.body.lines.map((l) => [l.line, l]))
  t.match(byLine[2], { ident: 'kim', action: 'create', projects: ['demo'], pin: true }, 'a row without a project joins this one')
  t.notMatch(JSON.stringify(dry.body), /4711/, 'the PIN itself is never sent back')
  t.match(byLine[3], { ident: 'ola', action: 'create' })
  t.match(byLine[4], { action: 'refused', detail: /also on line 5/ })
  t.match(byLine[5], { action: 'refused', detail: /also on line 4/ })
  t.match(byLine[6], { action: 'refused', detail: /not allowed: use lower-case letters/ })
  t.match(byLine[7], { ident: 'mia', action: 'unchanged' }, 'someone already in the project')
  t.match(byLine[8], { action: 'refused', detail: /shorter than 4/ })
  // Each line is also said in sentences of the language files, for the page in the teacher's language.
  t.match(byLine[2], { sentences: [{ key: 'import:line-will-add-pin', params: { name: 'Kim Park', projects: 'demo' } }] })
  t.match(byLine[6], { name: 'Bad Name', sentences: [{ key: 'import:line-bad-username', params: { ident: 'Bad Name' } }] }, 'a refused line keeps the name it gives')
  t.notOk(existsSync(join(s.config.usersDir, 'kim.json')), 'the dry run wrote nothing')

  const done = await teacher.api<PeopleImportResult>('POST', '/api/projects/demo/people', { csv, dryRun: false })
  t.same(done.body.lines.map((l) => l.action), ['create', 'create', 'refused', 'refused', 'refused', 'unchanged', 'refused'])
  t.match(readUser(s, 'kim'), { name: 'Kim Park', projects: ['demo'], staff: false, secret: /^scrypt\$/ })
  t.notOk(readUser(s, 'ola').secret, 'no PIN: picking the face is enough')
  t.notOk(existsSync(join(s.config.usersDir, 'dup.json')), 'neither duplicate')
  await logIn(s, 'kim', { secret: '4711' })
  t.pass('Kim logs in with the PIN from the file')

  const twice = await teacher.api<PeopleImportResult>('POST', '/api/projects/demo/people', { csv: 'Kim Park,kim\n', dryRun: false })
  t.equal(twice.body.lines[0]!.action, 'unchanged', 'importing the file again changes nothing')

  const broken = await teacher.api('POST', '/api/projects/demo/people', { csv: 'name,username\n"Kim,kim\n', dryRun: true })
  t.equal(broken.status, 400)
  t.equal(broken.body.code, 'RFAM_BAD_CSV')
  t.match(broken.body.message, /line 2: a quoted field is never closed.*save it as CSV/)
  const unknown = await teacher.api<PeopleImportResult>('POST', '/api/projects/demo/people', { csv: 'Lu,lu,nowhere\n', dryRun: true })
  t.match(unknown.body.lines[0], { action: 'refused', detail: /Unknown project "nowhere"/ })
  const tooLong = await teacher.api('POST', '/api/projects/demo/people', { csv: 'x'.repeat(500_001), dryRun: true })
  t.equal(tooLong.status, 400, 'a CSV over 500,000 characters is refused')
})

t.test('pictures: matched by file name, previewed, saved; refused lines say what to rename', async (t) => {
  const s = await startTestServer(t)
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const zip = makeZip([
    { name: 'class/', data: '' },
    { name: 'class/Alex Rivera.PNG', data: await png('#e76f51') },
    { name: 'class/zoe.png', data: await png('#2a9d8f'), store: true },
    { name: 'class/notes.txt', data: 'hello' },
    { name: '__MACOSX/class/._zoe.png', data: 'mac' },
    { name: 'class/kim.png', data: await png('#000') },
    { name: 'class/broken.png', data: 'not a png' },
  ])
  const files = [
    { name: 'class.zip', data: zip },
    { name: 'mia_chen.jpg', data: await png('#264653') },
    { name: 'sam.png', data: await png('#111') },
    { name: 'Sam Okafor.png', data: await png('#222') },
  ]
  const dry = await upload(s, teacher, files)
  t.equal(dry.statusCode, 200, dry.body)
  const found = Object.fromEntries((dry.json() as PictureBatch).files.map((f) => [f.file, f]))
  t.match(found['class.zip › class/Alex Rivera.PNG'], { user: 'alex', name: 'Alex Rivera', action: 'save', preview: /^data:image\/jpeg;base64,/ })
  t.match(found['class.zip › class/zoe.png'], { user: 'zoe', action: 'save' }, 'stored entries too')
  t.match(found['class.zip › class/notes.txt'], { action: 'skipped' })
  t.notOk(Object.keys(found).some((f) => f.includes('__MACOSX')), 'hidden Mac files are left out')
  t.match(found['class.zip › class/kim.png'], { action: 'refused', detail: /Nobody in this project is called "kim"/, sentence: { key: 'pictures:line-nobody', params: { stem: 'kim' } } })
  t.match(found['mia_chen.jpg'], { user: 'mia', action: 'save' }, 'underscores for spaces')
  t.match(found['sam.png'], { action: 'refused', detail: /Sam Okafor has 2 pictures/ })
  t.match(found['Sam Okafor.png'], { action: 'refused' })
  t.notOk(readUser(s, 'alex').image, 'the dry run saved nothing')
  const brokenLine = found['class.zip › class/broken.png']
  t.equal(brokenLine?.action, 'refused', 'a file that is no picture is refused on its own line')
  const notPicture = await upload(s, teacher, [{ name: 'leo.png', data: Buffer.from('not a png') }])
  t.match((notPicture.json() as PictureBatch).files[0], { user: 'leo', action: 'refused', detail: /not a picture/, sentence: { key: 'error:not-a-picture' } }, 'Leo\'s, but no picture: said in a sentence of the language files')

  const saved = await upload(s, teacher, files, false)
  t.same((saved.json() as PictureBatch).files.filter((f) => f.action === 'saved').map((f) => f.user).sort(), ['alex', 'mia', 'zoe'])
  t.match(readUser(s, 'alex').image, /^data::pictures\/users\/alex\./)
  t.notOk(readUser(s, 'sam').image, 'Sam, with two pictures, keeps none')

  const twoAlike = await teacher.api('PATCH', '/api/users/leo', { name: 'Alex Rivera' })
  t.equal(twoAlike.status, 200)
  const ambiguous = await upload(s, teacher, [{ name: 'alex rivera.png', data: await png('#fff') }])
  t.match((ambiguous.json() as PictureBatch).files[0], { action: 'refused', detail: /fits Alex Rivera, Alex Rivera.*alex, leo/ })
})

t.test('pictures: a .zip with names leading out, a huge upload, a zip bomb', async (t) => {
  const s = await startTestServer(t, { config: { maxUploadBytes: 20_000 } })
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  for (const name of ['../alex.png', 'class/../../alex.png', '/etc/alex.png', 'C:\\alex.png', '..\\alex.png']) {
    const res = await upload(s, teacher, [{ name: 'evil.zip', data: makeZip([{ name: 'zoe.png', data: await png('#fff') }, { name, data: await png('#000') }]) }], false)
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().code, 'RFAM_ZIP_PATH')
    t.match(res.json().message, /leads out of the .zip.*zip that folder again/)
  }
  t.notOk(readUser(s, 'zoe').image, 'nothing of a refused .zip is saved, not even its good pictures')

  const huge = await upload(s, teacher, [{ name: 'big.zip', data: Buffer.alloc(200_000, 1) }])
  t.equal(huge.statusCode, 413, 'more than 8 x maxUploadBytes at once')
  t.equal(huge.json().code, 'RFAM_TOO_LARGE')
  t.match(huge.json().message, /at most 1 MB at once.*smaller batches/)

  const bigPicture = await upload(s, teacher, [{ name: 'alex.png', data: Buffer.alloc(30_000, 1) }])
  t.match((bigPicture.json() as PictureBatch).files[0], { action: 'refused', detail: /Too big/ }, 'one picture over maxUploadBytes is refused on its line')

  // 10 MB of zeros packed into a few kB, declaring 1 kB: unpacking stops at the declared size.
  const bomb = makeZip([{ name: 'alex.png', data: Buffer.alloc(10_000_000), size: 1000 }])
  t.ok(bomb.length < 20_000)
  const exploded = await upload(s, teacher, [{ name: 'bomb.zip', data: bomb }])
  t.match((exploded.json() as PictureBatch).files[0], { action: 'refused', detail: /damaged/ })
  const declaredHuge = makeZip([{ name: 'alex.png', data: 'x', size: 50_000_000 }])
  t.match((await upload(s, teacher, [{ name: 'big.zip', data: declaredHuge }])).json().files[0], { action: 'refused', detail: /Too big/ }, 'an entry declaring more than a picture may be is never unpacked')

  const notZip = await upload(s, teacher, [{ name: 'class.zip', data: Buffer.from('PK\u0003\u0004 but nothing else') }])
  t.equal(notZip.statusCode, 400)
  t.equal(notZip.json().code, 'RFAM_BAD_ZIP')
  const many = makeZip(Array.from({ length: 1001 }, (_, i) => ({ name: `${i}.txt`, data: '', store: true })))
  const tooMany = await upload(s, teacher, [{ name: 'many.zip', data: many }])
  t.equal(tooMany.statusCode, 400, 'a .zip listing over 1,000 files is refused')
  t.match(tooMany.json().message, /holds 1001 files.*smaller .zip files/)
  const cut = multipartFiles([{ name: 'alex.png', data: await png('#fff') }])
  const broken = await s.app.inject({ method: 'POST', url: '/api/projects/demo/pictures', headers: { cookie: teacher.cookie, ...cut.headers }, payload: cut.payload.subarray(0, cut.payload.length - 40) })
  t.equal(broken.statusCode, 400, 'an upload cut short')
  t.equal(broken.json().code, 'RFAM_UPLOAD')
  const none = await s.app.inject({ method: 'POST', url: '/api/projects/demo/pictures', headers: { cookie: teacher.cookie, 'content-type': 'application/json' }, payload: '{}' })
  t.equal(none.statusCode, 400)
  t.equal(none.json().code, 'RFAM_UPLOAD')
})

t.test('PINs: staff give one (shown once), the old log-ins end, the new PIN logs in; or remove it', async (t) => {
  const s = await startTestServer(t)
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const alex = await logIn(s, 'alex')
  const given = await teacher.api('POST', '/api/users/alex/pin')
  t.equal(given.status, 200)
  t.match(given.body.pin, /^\d{6}$/)
  t.equal(given.body.user.hasSecret, true)
  t.notMatch(readFileSync(join(s.config.usersDir, 'alex.json'), 'utf8'), new RegExp(given.body.pin), 'only the hash is on disk')
  t.equal((await alex.api('GET', '/api/session')).status, 401, 'the log-in made before ends')
  const noPin = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'alex' } })
  t.equal(noPin.json().code, 'RFAM_SECRET_NEEDED')
  await logIn(s, 'alex', { secret: given.body.pin })
  t.pass('the new PIN logs in')

  const again = await teacher.api('POST', '/api/users/alex/pin')
  t.not(again.body.pin, given.body.pin, 'a reset makes another PIN')
  const old = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'alex', secret: given.body.pin } })
  t.equal(old.statusCode, 401, 'the old PIN no longer works')

  const removed = await teacher.api('DELETE', '/api/users/alex/pin')
  t.equal(removed.body.hasSecret, false)
  await logIn(s, 'alex')
  t.pass('without a PIN, picking the face is enough again')
  t.equal((await teacher.api('POST', '/api/users/nobody/pin')).status, 404)
})
