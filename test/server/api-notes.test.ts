// Notes and history through the API of a real server on real files: writing notes (markup kept as
// text, too long refused with a sentence, mentions of people only in the project), pictures (checked
// by their bytes, too large refused, stored beside the asset, served), frames of renders (refused
// when not on disk, 'gone' once deleted), every change of an asset in its timeline, the project's
// 'today', live updates, and a history file edited into garbage that leaves the asset working.
import t from 'tap'
import sharp from 'sharp'
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { multipart } from '../helpers/multipart.ts'

const ASSET = 'props/cake.blend'
const notes = `/api/projects/demo/notes/${ASSET}`
const history = `/api/projects/demo/history/${ASSET}`

t.test('a note: kept as typed, markup is text, mentions only of people in the project', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  const text = '<img src=x onerror=alert(1)> <b>bold?</b> see https://example.org/a?b=1 — @leo and @nobody, mail@leo.com'
  const posted = await mia.api('POST', notes, { text })
  t.equal(posted.status, 201, JSON.stringify(posted.body))
  t.match(posted.body, { kind: 'note', by: 'mia', text, mentions: ['leo'] }, 'the text exactly as typed; only Leo is mentioned')
  const file = join(s.projectDir(), ASSET + '.history.jsonl')
  t.match(readFileSync(file, 'utf8'), /"text":"<img src=x onerror=alert\(1\)>/, 'stored beside the asset, as it was typed')
  const got = await mia.api('GET', history)
  t.equal(got.body.events[0].text, text, 'newest first: the note')
  t.equal(got.body.events.at(-1).kind, 'created', 'oldest: the asset made when the demo was seeded')

  const empty = await mia.api('POST', notes, { text: '   ' })
  t.equal(empty.status, 400)
  t.equal(empty.body.code, 'RFAM_EMPTY_NOTE')
  t.match(empty.body.message, /empty/)

  const huge = await mia.api('POST', notes, { text: 'a'.repeat(5001) })
  t.equal(huge.status, 400, 'more than 5,000 characters is refused')
  t.match(huge.body.message, /too long: at most 5000/)
  t.same(huge.body.sentence, { key: 'error:invalid-too-long', params: { field: 'text', max: 5000 } }, 'as a sentence in the reader\'s language')
  t.equal((await mia.api('POST', notes, { text: 'é'.repeat(5000) })).status, 201, '5,000 characters (of two bytes each) are fine')
  const forged = await mia.api('POST', notes, { text: 'hi', by: 'teacher' })
  t.equal(forged.status, 400, 'who wrote it is never the client\'s to say')

  t.equal((await mia.api('POST', '/api/projects/demo/notes/props/nothing.blend', { text: 'hi' })).status, 404, 'no note on an asset that is not there')
  t.notOk(existsSync(join(s.projectDir(), 'props/nothing.blend.history.jsonl')), 'and no file made for it')
  const lines = readFileSync(file, 'utf8').trim().split('\n')
  t.equal(lines.filter((l) => l.includes('"kind":"note"')).length, 2, 'refused notes left nothing behind')
})

t.test('pictures: checked by their bytes, not too large, stored beside the asset, served as JPEG', async (t) => {
  const s = await startTestServer(t, { config: { maxUploadBytes: 300_000 } })
  const mia = await logIn(s, 'mia')
  const up = (data: Buffer, name: string, type: string, path = ASSET) => {
    const body = multipart(data, name, type)
    return s.app.inject({ method: 'POST', url: `/api/projects/demo/note-pictures/${path}`, headers: { cookie: mia.cookie, ...body.headers }, payload: body.payload })
  }
  const png = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#33aa66' } }).png().toBuffer()
  const ok = await up(png, 'screenshot.png', 'image/png')
  t.equal(ok.statusCode, 201, ok.body)
  const { picture } = ok.json()
  t.match(picture, /^[a-z0-9]{20}\.jpg$/, 'a random name, never the uploaded one')
  const stored = join(s.projectDir(), `${ASSET}.notes`, picture)
  const meta = await sharp(readFileSync(stored)).metadata()
  t.same([meta.format, meta.width, meta.height], ['jpeg', 1600, 800], 'kept as a JPEG of at most 1600 px, not cropped')

  const fake = await up(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'cat.png', 'image/png')
  t.equal(fake.statusCode, 400, 'an SVG named .png is no picture')
  t.equal(fake.json().code, 'RFAM_NOT_A_PICTURE')
  const cut = await up(png.subarray(0, 2000), 'cut.png', 'image/png')
  t.equal(cut.statusCode, 400, 'a picture cut short is refused, not a server error')
  const big = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: '#fff' } }).png({ compressionLevel: 0 }).toBuffer()
  const tooBig = await up(big, 'big.png', 'image/png')
  t.equal(tooBig.statusCode, 413, 'larger than maxUploadBytes')
  t.match(tooBig.json().message, /too big/)
  t.equal(readdirSync(dirname(stored)).length, 1, 'refused pictures left nothing behind')
  t.equal((await up(png, 'x.png', 'image/png', 'props/nothing.blend')).statusCode, 404, 'no picture for an asset that is not there')

  const note = await mia.api('POST', notes, { text: '', picture })
  t.equal(note.status, 201, 'a note may be a picture alone')
  t.equal(note.body.picture, picture)
  const unknown = await mia.api('POST', notes, { text: 'look', picture: 'aaaaaaaaaaaaaaaaaaaa.jpg' })
  t.equal(unknown.status, 400, 'a picture that was never uploaded')
  t.equal(unknown.body.code, 'RFAM_NO_PICTURE')
  const traversal = await mia.api('POST', notes, { text: 'look', picture: '../../../users/mia.json' })
  t.equal(traversal.status, 400, 'a name that leaves the folder is refused by the contract')

  const served = await s.app.inject({ url: `/api/projects/demo/note-pictures/${ASSET}?picture=${picture}`, headers: { cookie: mia.cookie } })
  t.equal(served.statusCode, 200)
  t.equal(served.headers['content-type'], 'image/jpeg')
  t.equal(served.headers['x-content-type-options'], 'nosniff')
  t.equal((await s.app.inject({ url: `/api/projects/demo/note-pictures/${ASSET}?picture=${picture}` })).statusCode, 401, 'only for people logged in')
  t.equal((await s.app.inject({ url: `/api/projects/demo/note-pictures/${ASSET}?picture=..%2Fcake.blend.json`, headers: { cookie: mia.cookie } })).statusCode, 400)
})

t.test('a frame of a render: refused until it is on disk, "gone" once deleted', async (t) => {
  const s = await startTestServer(t)
  const alex = await logIn(s, 'alex')
  const shot = 'shots/shot_010_intro.blend'
  const job = await alex.api('POST', '/api/projects/demo/jobs', { file: shot, frameStart: 1, frameEnd: 3, name: 'Intro test' })
  t.equal(job.status, 201, JSON.stringify(job.body))
  const shotNotes = `/api/projects/demo/notes/${shot}`
  const notYet = await alex.api('POST', shotNotes, { text: 'the lamp flickers', frame: { job: job.body.id, frame: 2 } })
  t.equal(notYet.status, 400, 'the frame is not rendered yet')
  t.equal(notYet.body.code, 'RFAM_NO_FRAME')
  t.match(notYet.body.message, /Frame 2 of "Intro test" is not on the disk/)
  t.equal((await alex.api('POST', shotNotes, { text: 'x', frame: { job: '00000000-0000-4000-8000-000000000000', frame: 2 } })).status, 404, 'a render that is not there')

  const frameFile = join(s.projectDir(), 'renders/shots/shot_010_intro/0002.png')
  mkdirSync(dirname(frameFile), { recursive: true })
  writeFileSync(frameFile, await sharp({ create: { width: 64, height: 36, channels: 3, background: '#884400' } }).png().toBuffer())
  const note = await alex.api('POST', shotNotes, { text: 'the lamp flickers', frame: { job: job.body.id, frame: 2 } })
  t.equal(note.status, 201, JSON.stringify(note.body))
  t.same(note.body.frame, { job: job.body.id, frame: 2, render: 'Intro test', file: 'renders/shots/shot_010_intro/0002.png' })
  const frameUrl = `/api/projects/demo/note-frames/${shot}?note=${note.body.id}`
  const picture = await s.app.inject({ url: frameUrl, headers: { cookie: alex.cookie } })
  t.equal(picture.statusCode, 200)
  t.equal(picture.headers['content-type'], 'image/jpeg')

  const timeline = (await alex.api('GET', `/api/projects/demo/history/${shot}`)).body
  t.notOk(timeline.events[0].frame.gone, 'the frame is there')
  t.match(timeline.events.find((e: { kind: string }) => e.kind === 'render'), { by: 'alex', to: 'queued', render: { job: job.body.id, name: 'Intro test', frameStart: 1, frameEnd: 3 } }, 'the render is in the timeline')

  rmSync(frameFile)
  const later = (await alex.api('GET', `/api/projects/demo/history/${shot}`)).body
  t.equal(later.events[0].frame.gone, true, 'deleted since: "gone"')
  const gone = await s.app.inject({ url: frameUrl, headers: { cookie: alex.cookie } })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().code, 'RFAM_FRAME_GONE')
  t.match(gone.json().message, /no longer there/)

  // A render that ends is in the timeline too (the farm records it as it happens).
  t.equal((await alex.api('PATCH', `/api/projects/demo/jobs/${job.body.id}`, { action: 'cancel' })).status, 200)
  await until('the cancelled render in the timeline', async () =>
    (await alex.api('GET', `/api/projects/demo/history/${shot}`)).body.events.some((e: { kind: string, to: string }) => e.kind === 'render' && e.to === 'cancelled'))
  const ended = (await alex.api('GET', `/api/projects/demo/history/${shot}`)).body.events.find((e: { to: string }) => e.to === 'cancelled')
  t.match(ended, { by: 'farm', render: { job: job.body.id, name: 'Intro test' } })
})

t.test('every change of an asset is in its timeline with who and when; "today" has them all', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  const leo = await logIn(s, 'leo')
  // (The demo may have been made within the last second, by this test run: its making is not counted.)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const since = new Date().toISOString()
  const patch = (who: typeof mia, body: object) => who.api('PATCH', `/api/projects/demo/assets/${ASSET}`, body)
  t.equal((await patch(mia, { owner: 'leo', priority: 3 })).status, 200)
  t.equal((await patch(leo, { support: ['sam'], description: 'Round, with cherries.' })).status, 200)
  t.equal((await patch(leo, { rating: 4 })).status, 200, 'a field nobody follows: no event')
  t.equal((await leo.api('POST', `/api/projects/demo/checkpoints/${ASSET}`)).status, 201)
  await mia.api('POST', notes, { text: 'nice' })
  const { events } = (await mia.api('GET', history)).body
  const recent = events.filter((e: { at: string }) => e.at >= since).map((e: { kind: string, by: string }) => `${e.kind} by ${e.by}`)
  // Changes made by one edit share their time: the later line of the file comes first.
  t.same(recent, ['note by mia', 'checkpoint by leo', 'helpers by leo', 'description by leo', 'priority by mia', 'owner by mia'])
  const of = (kind: string) => events.find((e: { kind: string }) => e.kind === kind)
  t.match(of('helpers'), { from: [], to: ['sam'] }, 'lists travel as lists')
  t.match(of('priority'), { to: 3 }, 'numbers as numbers')
  t.match(of('owner'), { to: 'leo' })
  t.equal(of('description').to, 'Round, with cherries.')
  t.match(of('checkpoint').checkpoint, /^props\/old\/cake\..*Z\.blend$/, 'where the copy is')
  const today = (await mia.api('GET', `/api/projects/demo/today?since=${encodeURIComponent(since)}`)).body
  t.same(today.events.map((e: { path: string, name: string, event: { kind: string } }) => `${e.name}: ${e.event.kind}`),
    ['Cake: note', 'Cake: checkpoint', 'Cake: helpers', 'Cake: description', 'Cake: priority', 'Cake: owner'])
  const whole = (await mia.api('GET', '/api/projects/demo/today')).body
  t.ok(whole.events.length >= 6, "today's by default: since midnight (the demo's own making included)")
  const old = (await mia.api('GET', '/api/projects/demo/today?since=2020-01-01T00:00:00Z')).body
  t.ok(Date.parse(old.since) >= Date.now() - 2 * 24 * 3600 * 1000 - 5000, 'never more than two days back')
  t.equal((await mia.api('GET', '/api/projects/demo/today?since=yesterday')).status, 400)
})

t.test('open pages hear of a new note at once, and of lines another server appended', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const mia = await logIn(s, 'mia')
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const res = await fetch(`${s.url}/api/projects/demo/events`, { headers: { cookie: mia.cookie }, signal: controller.signal })
  const reader = res.body!.getReader()
  let seen = ''
  void (async () => { for (;;) { const { value, done } = await reader.read(); if (done) return; seen += new TextDecoder().decode(value) } })().catch(() => {})
  await mia.api('POST', notes, { text: 'hello' })
  await until('a history change', () => seen.includes('"kind":"history","path":"props/cake.blend"'))
  seen = ''
  // Another server (or a sync tool) appends a line to the file.
  appendFileSync(join(s.projectDir(), ASSET + '.history.jsonl'), JSON.stringify({ id: 'otherServer01', at: new Date().toISOString(), by: 'leo', kind: 'note', text: 'from afar' }) + '\n')
  await until('the change on disk is heard', () => seen.includes('"kind":"history","path":"props/cake.blend"'))
  t.equal((await mia.api('GET', history)).body.events[0].text, 'from afar')
})

t.test('a history file edited into garbage: the asset works, bad lines listed, notes still land', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  const file = join(s.projectDir(), ASSET + '.history.jsonl')
  writeFileSync(file, readFileSync(file, 'utf8') + '\u0000\u0001 garbage\n{"id":"x"}\nnot even a line end')
  t.equal((await mia.api('GET', `/api/projects/demo/assets/${ASSET}`)).status, 200, 'the asset itself is fine')
  t.equal((await mia.api('PATCH', `/api/projects/demo/assets/${ASSET}`, { priority: 2 })).status, 200, 'and can be changed')
  const posted = await mia.api('POST', notes, { text: 'still works' })
  t.equal(posted.status, 201)
  const got = (await mia.api('GET', history)).body
  t.equal(got.events[0].text, 'still works')
  t.same(got.unreadable.map((u: { line: number }) => u.line), [2, 3, 4], 'the three bad lines, by number')
  t.match(readFileSync(file, 'utf8'), /garbage\n\{"id":"x"\}\nnot even a line end\n\{/, 'kept as they were; the new lines after them')
})

t.test('a change whose history line cannot be written is still saved (and answered so); the log says what was lost', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  const file = join(s.projectDir(), ASSET + '.history.jsonl')
  rmSync(file)
  mkdirSync(file) // a folder where the file should be: nothing can be appended to it
  const logged: Array<[object, string]> = []
  const warn = s.app.log.warn
  s.app.log.warn = ((fields: object, msg: string) => { logged.push([fields, msg]) }) as typeof warn
  t.teardown(() => { s.app.log.warn = warn })
  const res = await mia.api('PATCH', `/api/projects/demo/assets/${ASSET}`, { priority: 7 })
  t.equal(res.status, 200, 'the change is saved: the answer says so')
  t.equal(JSON.parse(readFileSync(join(s.projectDir(), ASSET + '.json'), 'utf8')).priority, 7, 'and it is on disk')
  t.match(logged.find(([, msg]) => /could not be written into the asset's history/.test(msg)), [{ project: 'demo', path: ASSET, kinds: ['priority'] }])
  const note = await mia.api('POST', notes, { text: 'hello' })
  t.equal(note.status, 500, 'a note, which is nothing but its line, fails clearly')
  t.match(note.body.message, /nothing was changed/)
})
