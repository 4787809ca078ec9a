// The Blender add-on for real: a real RFAM server (demo project) listens, real Blender opens a
// .blend of the project headless, installs the add-on from the built zip and runs
// blender-addon/tests/test_addon.py (log-in, the asset in the panel, editing, registering,
// preflight, a dead server, an expired log-in, logging out). This side then checks what landed on disk.
import t from 'tap'
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { startNode } from '../node/harness.ts'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { deadPort, noBlender, runTestScript } from './in-blender.ts'
import { until } from '../helpers/until.ts'
import { thumbnailBlock, withThumbnail } from '../helpers/tiny-blend.ts'

interface Teardown { teardown: (fn: () => unknown) => void }

/** Listens on a free local port until the test ends (then drops every connection); returns its URL. */
async function listening (t: Teardown, server: Server | HttpServer): Promise<string> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(resolve)
  }))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

/** A web server that is not RFAM: a page for everything, and a version from another contract. */
function notRfam (): HttpServer {
  return createHttpServer((req, res) => {
    if (req.url === '/api/version') {
      res.setHeader('content-type', 'application/json')
      return res.end(JSON.stringify({ version: '9.9.9', schemas: '0'.repeat(64) }))
    }
    res.setHeader('content-type', 'text/html')
    res.end('<html><body>It works!</body></html>')
  })
}

/** Accepts connections and never answers. */
const silent = (): Server => createServer(() => {})

const ONE_PIXEL_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex')

t.test('the add-on in real Blender against a real server', { skip: noBlender }, async (t) => {
  const work = testFolder(t, 'addon')
  // The zip as the build makes it, with schemas/ as it is now (the committed copy is checked by
  // test/schemas/addon-copy.test.ts); tests never rewrite the repository.
  const built = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir })
  t.ok(built.files.includes('blender_manifest.toml') && built.files.includes('schemas/asset.schema.json'), 'the zip holds the manifest and the contract')

  // Quick heartbeats; a failing file fails its job at once (one node, no second chance).
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, blocklistAfter: 1, maxRetries: 1 } } })
  const credential = await s.app.farm.credentials.create('addon-test')
  const node = startNode(t, { server: s.url, credential, name: 'addon-node', shareRoot: s.config.shares.root('data') })
  await node.waitForLog({ msg: 'connected to the server' })
  const { cookie } = await logIn(s, 'mia')
  const defaults = (await s.app.inject({ url: '/api/projects/demo/defaults', headers: { cookie } })).json()
  const cakeFile = join(s.projectDir(), 'props', 'cake.blend')
  const before = JSON.parse(readFileSync(cakeFile + '.json', 'utf8'))
  const prop = defaults.types.find((ty: { ident: string }) => ty.ident === 'prop')
  const newState = prop.states.find((st: string) => st !== before.state)
  const newPriority = before.priority === 60 ? 70 : 60
  // Cake saved with a preview (the template has none): the panel shows the picture the server makes of it.
  const thumbnailSize = [48, 32]
  writeFileSync(cakeFile, withThumbnail(readFileSync(cakeFile), thumbnailBlock(48, 32, (x, y) => [x * 5, 90, y * 7, 255])))
  await until('the server knows Cake has a picture', async () =>
    (await s.app.inject({ url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie } })).json().thumbnail)
  const outsideFile = join(s.dir, 'outside', 'wood.png')
  mkdirSync(join(outsideFile, '..'), { recursive: true })
  writeFileSync(outsideFile, ONE_PIXEL_PNG)

  const args = {
    zip: built.file,
    server: s.url,
    deadServer: `http://127.0.0.1:${await deadPort()}`,
    htmlServer: await listening(t, notRfam()),
    silentServer: await listening(t, silent()),
    project: 'demo',
    user: 'mia',
    newState,
    newPriority,
    outsideFile,
    thumbnailSize,
    farm: true,
  }
  const found = await runTestScript(t, { script: 'test_addon.py', blendFile: cakeFile, work, args, summary: /^\d+ passed, 0 failed, \d+ skipped$/m })
  if (!found) return

  t.test('the edits from the panel are in the sidecar on disk', async (t) => {
    const after = JSON.parse(readFileSync(cakeFile + '.json', 'utf8'))
    t.equal(after.state, newState)
    t.equal(after.priority, newPriority)
    t.equal(after.description, 'Three layers, one cherry, now with sprinkles.')
    t.equal(after.owner, before.owner, 'fields not edited stay as they were')
    t.same(after.support, before.support)
    t.same(found.changed, { state: newState, priority: newPriority, description: after.description })
  })

  t.test('the note written from Blender is in the asset\'s history on disk, and the edits after it', async (t) => {
    const lines = readFileSync(cakeFile + '.history.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string, kind: string, by: string })
    t.match(lines.find((e) => e.id === found.note), { kind: 'note', by: 'mia', text: '<b>Less</b> icing, @leo\nplease', mentions: ['leo'] })
    t.ok(lines.some((e) => e.kind === 'state' && e.by === 'mia'), 'the state changed from the panel, with who')
  })

  t.test('a file saved from Blender was registered where it sits', async (t) => {
    const copy = join(s.projectDir(), 'props', 'cake_copy.blend')
    t.ok(existsSync(copy), 'Blender saved it')
    t.match(JSON.parse(readFileSync(copy + '.json', 'utf8')), { name: 'Cake copy', type: 'prop', creator: 'mia' })
    const view = await s.app.inject({ url: '/api/projects/demo/assets/props/cake_copy.blend', headers: { cookie } })
    t.equal(view.statusCode, 200, 'the server lists it')
  })

  t.test('the render submitted from Blender wrote its frames; the failed and cancelled ones say why', async (t) => {
    const job = found.job as { id: string, output: string }
    t.equal(job.output, 'data::demo/renders/props/cake_copy/####')
    const firstJob = readdirSync(join(s.projectDir(), 'renders', 'props', 'cake_copy')).filter((f) => !/^1\d{3}\.png$/.test(f)).sort()
    t.same(firstJob, ['0001.png', '0002.png', '0003.png'], 'three frames on disk (the cancelled job\'s, from 1001 on, left out)')
    const png = readFileSync(join(s.projectDir(), 'renders', 'props', 'cake_copy', '0002.png'))
    t.equal(png.subarray(1, 4).toString(), 'PNG')
    t.equal(png.readUInt32BE(16), 64, 'rendered at the width set in Blender before saving')
    const meta = JSON.parse(readFileSync(join(s.projectDir(), 'props', 'cake_copy.blend.json'), 'utf8'))
    t.same(Object.keys(meta.renderStats.frames).sort(), ['1', '2', '3'], 'render times in the sidecar')
    t.match(found.failure, /OpenImageDenoise/)
    const cancelled = (await s.app.inject({ url: `/api/projects/demo/jobs/${found.cancelled as string}`, headers: { cookie } })).json()
    t.equal(cancelled.status, 'cancelled', 'the server has the job cancelled')
  })

  t.test('logging out in Blender ended the log-in on the server', async (t) => {
    const token = found.loggedOutToken as string
    t.ok(token, 'Blender logged out')
    t.equal((await s.app.inject({ url: '/api/session', headers: { authorization: `Bearer ${token}` } })).statusCode, 401)
  })

  t.test('the messages a student sees', async (t) => {
    t.match(found.deadServerMessage, `Cannot reach the RFAM server at ${args.deadServer} (nothing answers there).`)
    t.equal(found.loggedInAs, 'Mia Chen')
    t.ok((found.preflight as string[]).some((p) => p.includes("The image 'missing_wood' is missing")), 'preflight found the planted texture')
    t.match(found.garbledMessage, /^"props\/garbled\.blend" is not a \.blend file: it starts with the bytes 07 0a 0d 10 .* \(File > Save As\), then try again\.$/, 'the server\'s sentence, as it sent it')
    t.notOk(existsSync(join(s.projectDir(), 'props', 'garbled.blend.json')), 'no sidecar for the garbled file')
  })
})
