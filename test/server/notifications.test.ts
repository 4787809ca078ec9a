// Notifications on a real server with real files: who is told (the starter of a render that ended,
// the person mentioned, the helper someone else added, the people whose asset needs one that became
// usable) and who is not (whoever caused it, people outside the project, a cancelled render), marking
// read, a restart that keeps them, a broken line that leaves the rest listed, a file kept short, and
// the live stream that carries each one to its own person only.
import t from 'tap'
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { logIn, type Session } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'
import { KEEP, MAX_LINES, notificationFile } from '../../server/notify/notification-file.ts'
import type { Job, Notification } from '../../schemas/generated/types.ts'

const LIST = '/api/projects/demo/notifications'
const note = (who: Session, path: string, text: string) => who.api('POST', `/api/projects/demo/notes/${path}`, { text })
const patch = (who: Session, path: string, body: object) => who.api('PATCH', `/api/projects/demo/assets/${path}`, body)

async function listOf (s: TestServer, who: Session, query = ''): Promise<{ notifications: Notification[], unread: number, more: boolean }> {
  await s.app.rfam.notifier.idle()
  const got = await who.api('GET', LIST + query)
  if (got.status !== 200) throw new Error(JSON.stringify(got.body))
  return got.body
}

t.test('who is told of a note, a helper and an asset become usable, and who is not', async (t) => {
  const s = await startTestServer(t)
  const [mia, zoe, leo, alex, sam] = await Promise.all(['mia', 'zoe', 'leo', 'alex', 'sam'].map((u) => logIn(s, u)))

  t.equal((await note(mia, 'props/cake.blend', 'Looks great @zoe, ask @nobody and @mia')).status, 201)
  const z = await listOf(s, zoe)
  t.equal(z.unread, 1, 'the person mentioned is told')
  t.match(z.notifications[0], { kind: 'mentioned', path: 'props/cake.blend', by: 'mia', read: false, message: 'Mia Chen mentioned you in a note on Cake.', sentence: { key: 'notify:mentioned', params: { who: 'Mia Chen', asset: 'Cake' } } })
  t.equal((await listOf(s, mia)).notifications.length, 0, 'mentioning oneself tells nobody')
  t.equal((await listOf(s, leo)).notifications.length, 0, 'nor anyone not mentioned')

  t.equal((await patch(mia, 'props/cake.blend', { support: ['leo', 'mia'] })).status, 200)
  const l = await listOf(s, leo)
  t.match(l.notifications, [{ kind: 'asked-to-help', path: 'props/cake.blend', by: 'mia', message: 'Mia Chen asked you to help on Cake.' }], 'a helper added by someone else is told')
  t.equal((await listOf(s, mia)).notifications.length, 0, 'adding oneself as a helper tells nobody')
  await patch(mia, 'props/cake.blend', { support: ['leo', 'mia'], description: 'now with icing' })
  t.equal((await listOf(s, leo)).notifications.length, 1, 'a helper already there is not told again')

  // Chef Bun (Alex's, being modelled) is needed by Shot 020 (Zoë's, Alex helps on it).
  t.equal((await patch(alex, 'characters/chef_bun.blend', { state: 'rig' })).status, 200)
  t.equal((await listOf(s, zoe)).notifications.length, 1, 'from one state others wait for to another: nobody is told')
  t.equal((await patch(alex, 'characters/chef_bun.blend', { state: 'po' })).status, 200)
  const z2 = await listOf(s, zoe)
  t.match(z2.notifications[0], { kind: 'needed-asset-usable', path: 'characters/chef_bun.blend', need: 'shots/shot_020_heist.blend', by: 'alex', message: 'Chef Bun is Polished now: Shot 020 Heist can use it.' }, 'the owner of the asset that needs it is told')
  t.equal((await listOf(s, alex)).notifications.length, 0, 'whoever made it usable is not told, though they help on the shot')
  t.equal((await listOf(s, sam)).notifications.length, 0, 'people whose assets do not need it are not told')
  // The cake (usable already) is needed by Shot 010, Leo's.
  t.equal((await patch(mia, 'props/cake.blend', { state: 'po' })).status, 200)
  t.equal((await listOf(s, leo)).notifications.length, 1, 'from usable to polished is no news')
  await patch(sam, 'sets/kitchen.blend', { state: 'us' })
  t.same((await listOf(s, alex)).notifications.map((n) => [n.kind, n.need]), [['needed-asset-usable', 'shots/shot_020_heist.blend']], 'a helper of the asset that needs it is told too')

  // Someone outside the project, named in a note, hears nothing.
  await s.app.rfam.workspace.users.update('sam', (u) => ({ ...u, projects: [] }))
  await note(mia, 'props/cake.blend', '@sam please look')
  t.equal((await s.app.rfam.notifier.list('sam', 'demo')).notifications.length, 0, 'a person outside the project is never told')

  t.equal((await zoe.api('GET', `${LIST}?asset=shots/shot_020_heist.blend`)).body.notifications.length, 2, 'asked for one asset: those about it and about what it needs')
  t.equal((await zoe.api('GET', `${LIST}?limit=1`)).body.more, true)
  t.equal((await zoe.api('GET', `${LIST}?limit=0`)).status, 400, 'a limit of nothing is refused')
})

t.test('renders: the starter hears of done and failed, never of a cancel; marks read survive a restart', async (t) => {
  const s = await startTestServer(t)
  const [alex, zoe] = await Promise.all([logIn(s, 'alex'), logIn(s, 'zoe')])
  writeFileSync(join(s.projectDir(), 'y.blend'), TINY_BLEND)
  const credential = await s.app.farm.credentials.create('test')
  const node = (url: string, payload: object) => s.app.inject({ method: 'POST', url: `/api/farm/${url}`, payload, headers: { authorization: `Bearer ${credential}` } })
  const welcome = (await node('hello', { name: 'pc-a', version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })).json()
  const job = (await alex.api('POST', '/api/projects/demo/jobs', { file: 'y.blend', frameStart: 1, frameEnd: 1, name: 'Test y' })).body
  const run = (await node('work', { node: 'pc-a', session: welcome.session, free: 1, running: [], wait: false })).json().runs[0]
  mkdirSync(join(s.projectDir(), 'renders', 'y'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'renders', 'y', '0001.png'), 'PNG')
  await node('done', { node: 'pc-a', session: welcome.session, job: job.id, tasks: run.tasks, frames: [{ frame: 1, seconds: 1, file: '0001.png' }], seconds: 1 })
  const a = await until('the render-done notification', async () => (await listOf(s, alex)).notifications[0])
  t.match(a, { kind: 'render-done', job: job.id, path: 'y.blend', by: 'farm', message: "Your render 'Test y' of Test y is finished." })
  t.equal((await listOf(s, zoe)).notifications.length, 0, 'only the one who started it')

  const cancelled = (await alex.api('POST', '/api/projects/demo/jobs', { file: 'y.blend', frameStart: 1, frameEnd: 1 })).body
  t.equal((await alex.api('PATCH', `/api/projects/demo/jobs/${cancelled.id}`, { action: 'cancel' })).status, 200)
  t.equal((await listOf(s, alex)).notifications.length, 1, 'a cancelled render tells nobody')

  const failed = { ...job, id: '00000000-0000-4000-8000-000000000001', status: 'failed', name: 'Shot', asset: 'props/cake.blend' } as Job
  s.app.rfam.notifier.jobEnded(failed)
  s.app.rfam.notifier.jobEnded({ ...failed, id: '00000000-0000-4000-8000-000000000002', auto: true })
  const list = await listOf(s, alex)
  t.match(list.notifications.map((n) => [n.kind, n.path, n.message]), [['render-failed', 'props/cake.blend', "Your render 'Shot' of Cake failed: open it to see why."], ['render-done']], 'a failed render too (not an automatic one)')
  t.equal(list.unread, 2)

  const one = await alex.api('POST', `${LIST}/read`, { ids: [list.notifications[1]!.id] })
  t.equal(one.body.unread, 1, 'one marked read')
  t.same(one.body.notifications.map((n: Notification) => n.read), [false, true])
  t.equal((await alex.api('POST', `${LIST}/read`, {})).status, 400, 'nothing to mark is refused')
  t.equal((await alex.api('POST', `${LIST}/read`, { ids: ['not an id!'] })).status, 400)
  const others = await zoe.api('POST', `${LIST}/read`, { ids: [list.notifications[0]!.id] })
  t.equal(others.body.notifications.length, 0, 'someone else\'s id marks nothing of theirs…')
  t.equal((await listOf(s, alex)).unread, 1, '…nor of its owner')

  await s.restart()
  const alex2 = await logIn(s, 'alex')
  const after = await listOf(s, alex2)
  t.same(after.notifications.map((n) => [n.kind, n.read]), [['render-failed', false], ['render-done', true]], 'a restart keeps them and what was read')
  t.equal((await alex2.api('POST', `${LIST}/read`, { all: true })).body.unread, 0, 'mark all read')
})

t.test('a broken line leaves the rest listed; a long file is kept short', async (t) => {
  const s = await startTestServer(t)
  const [mia, zoe] = await Promise.all([logIn(s, 'mia'), logIn(s, 'zoe')])
  await note(mia, 'props/cake.blend', 'one @zoe')
  await s.app.rfam.notifier.idle()
  const file = notificationFile(s.config.usersDir, 'zoe', 'demo')
  t.equal(statSync(file).mode & 0o777, 0o600, 'only the server reads a person\'s notifications')
  appendFileSync(file, '{"id": "cut sho\n{"kind":"mentioned"}\nnot json at all\n')
  await note(mia, 'props/cake.blend', 'two @zoe')
  const list = await listOf(s, zoe)
  t.same(list.notifications.map((n) => n.message), ['Mia Chen mentioned you in a note on Cake.', 'Mia Chen mentioned you in a note on Cake.'], 'both notes listed, the broken lines left out')
  t.equal(list.unread, 2)

  const at = Date.now()
  const lines = Array.from({ length: MAX_LINES }, (_, i) => JSON.stringify({ id: `filler${String(i).padStart(4, '0')}`, kind: 'mentioned', project: 'demo', path: 'props/cake.blend', by: 'mia', at: new Date(at - 1e9 + i).toISOString(), message: `old ${i}`, sentence: { key: 'notify:mentioned' } }))
  appendFileSync(file, lines.join('\n') + '\n')
  await note(mia, 'props/cake.blend', 'three @zoe')
  await s.app.rfam.notifier.idle()
  const kept = readFileSync(file, 'utf8').trim().split('\n')
  t.equal(kept.length, KEEP, 'rewritten with the newest only')
  const after = await listOf(s, zoe, '?limit=200')
  t.equal(after.notifications[0]!.message, 'Mia Chen mentioned you in a note on Cake.', 'the newest first')
  t.notOk(after.notifications.some((n) => n.message === 'old 0'), 'the oldest went')
})

/** Reads one page's server-sent events, gathering every 'notification' event's data. */
function listen (url: string, cookie: string): { got: Notification[], stop: () => void, opened: Promise<void> } {
  const controller = new AbortController()
  const got: Notification[] = []
  const opened = fetch(url, { headers: { cookie }, signal: controller.signal }).then((res) => {
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const pump = async (): Promise<void> => {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      const blocks = buffer.split('\n\n')
      buffer = blocks.pop()!
      for (const block of blocks) {
        if (!/^event: notification$/m.test(block)) continue
        got.push(JSON.parse(/^data: (.*)$/m.exec(block)![1]!))
      }
      return pump()
    }
    pump().catch(() => {})
  })
  return { got, opened, stop: () => controller.abort() }
}

t.test('the live stream carries a notification to its person only', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const [mia, zoe, leo] = await Promise.all([logIn(s, 'mia'), logIn(s, 'zoe'), logIn(s, 'leo')])
  const events = `${s.url}/api/projects/demo/events`
  const zoePage = listen(events, zoe.cookie)
  const leoPage = listen(events, leo.cookie)
  const miaPage = listen(events, mia.cookie)
  t.teardown(() => { zoePage.stop(); leoPage.stop(); miaPage.stop() })
  await Promise.all([zoePage.opened, leoPage.opened, miaPage.opened])
  await until('the pages are open', () => s.app.rfam.workspace.listenerCount('change') > 0)
  await note(mia, 'props/cake.blend', 'hello @zoe')
  const got = await until('zoe\'s page hears of it', () => zoePage.got[0])
  t.match(got, { kind: 'mentioned', by: 'mia', path: 'props/cake.blend', read: false })
  await note(zoe, 'props/cake.blend', 'back to you @leo')
  await until('leo\'s page hears of his', () => leoPage.got[0])
  t.equal(zoePage.got.length, 1, 'zoe never gets leo\'s')
  t.equal(leoPage.got.length, 1, 'leo never got zoe\'s')
  t.equal(miaPage.got.length, 0, 'mia, who wrote both, gets none')
})
