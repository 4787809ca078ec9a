// The server's file store for nodes without the share keeps what the farm's jobs need: removing a
// job removes the stored files no other job's closure lists, also after a restart (the closures on
// disk are the truth), and keeps a file another job still needs.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Job } from '../../schemas/generated/types.ts'
import { Closures } from '../../server/farm/closures.ts'
import { FileStore } from '../../server/farm/file-store.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
// Bytes after the block that ends a .blend are never read: files of different content.
const blend = () => Buffer.concat([Buffer.from(TINY_BLEND, 'latin1'), randomBytes(1000)])

t.test('a removed job takes the files only it needed with it', async (t) => {
  const dir = t.testdir()
  const project = join(dir, 'data', 'demo')
  mkdirSync(join(project, 'shots'), { recursive: true })
  const [a, b] = [blend(), blend()]
  writeFileSync(join(project, 'shots', 'a.blend'), a)
  writeFileSync(join(project, 'shots', 'b.blend'), b)
  writeFileSync(join(project, 'shots', 'a-again.blend'), a) // the same content under another name
  const store = new FileStore(join(dir, 'farm', 'files'))
  const open = () => new Closures({ dir: join(dir, 'farm', 'closures'), store, resolve: (named) => join(dir, 'data', named.replace(/^data::/, '')), projectDir: () => 'data::demo' })
  const job = (id: string, file: string) => ({ id, project: 'demo', name: id, file: `data::demo/shots/${file}` }) as Job
  const stored = (bytes: Uint8Array) => existsSync(store.blobPath(sha(bytes)))

  let closures = open()
  await closures.closure(job('ja', 'a.blend'))
  await closures.closure(job('jb', 'b.blend'))
  await closures.closure(job('jc', 'a-again.blend'))
  t.ok(stored(a) && stored(b), 'both contents stored, a once')

  await closures.forget('jb')
  t.notOk(stored(b), 'b.blend\'s content went with the only job that needed it')
  t.ok(stored(a))

  closures = open() // a restart: nothing in memory, the closures on disk say what is needed
  await closures.forget('ja')
  t.ok(stored(a), 'a stays: job jc still needs the same content')
  await closures.forget('jc')
  t.notOk(stored(a), 'gone with the last job that needed it')
  t.same(await store.all(), [], 'the store is empty')
})

t.test('a closure file that cannot be read keeps every stored file', async (t) => {
  const dir = t.testdir()
  const project = join(dir, 'data', 'demo')
  mkdirSync(join(project, 'shots'), { recursive: true })
  const a = blend()
  writeFileSync(join(project, 'shots', 'a.blend'), a)
  const store = new FileStore(join(dir, 'farm', 'files'))
  const closures = new Closures({ dir: join(dir, 'farm', 'closures'), store, resolve: (named) => join(dir, 'data', named.replace(/^data::/, '')), projectDir: () => 'data::demo' })
  await closures.closure({ id: 'ja', project: 'demo', name: 'ja', file: 'data::demo/shots/a.blend' } as Job)
  writeFileSync(join(dir, 'farm', 'closures', 'broken.json'), '{ "job": ')
  await closures.forget('ja')
  t.ok(existsSync(store.blobPath(sha(a))), 'nothing is removed on a guess')
})
