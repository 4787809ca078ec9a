// The block `npm start` prints at a terminal (server/start-banner.ts): every state of the local
// render node says what it means and what to do, and the log-in line fits the data.
import t from 'tap'
import { startBanner, type LocalNodeState } from '../../server/start-banner.ts'

const base = { url: 'http://127.0.0.1:8080/', demo: true, seeded: false, staff: true, logLevel: 'warn' }

t.test('the address comes first, as tests and the screenshot tool read it', async (t) => {
  t.match(startBanner({ ...base, localNode: 'running' }), /^\nRFAM is running: open http:\/\/127\.0\.0\.1:8080\/\n/)
})

t.test('each render node state in words, with what to do', async (t) => {
  const said = (localNode: LocalNodeState) => /Render node: +(.*)/.exec(startBanner({ ...base, localNode }))![1]
  t.match(said('running'), /runs on this computer/)
  t.match(said('off'), /"localNode" is off.*docs\/deployment\.md/)
  t.match(said('no blender'), /Blender is not installed.*apt-get install blender bubblewrap/)
  t.match(said('failed'), /could not start/)
  t.notMatch(startBanner({ ...base, localNode: 'running' }), /start a render node/i, 'no advice that contradicts a running node')
})

t.test('log-in: the demo teacher and PIN with the demo, where people come from without', async (t) => {
  t.match(startBanner({ ...base, localNode: 'off', seeded: true }), /The demo team was just created: the teacher is "Teacher", PIN 1234\./)
  t.match(startBanner({ ...base, localNode: 'off' }), /The demo team: the teacher/)
  const own = startBanner({ ...base, demo: false, localNode: 'off' })
  t.notMatch(own, /PIN 1234/)
  t.match(own, /staff add people: docs\/getting-started\.md/)
  const empty = startBanner({ ...base, demo: false, staff: false, localNode: 'off' })
  t.match(empty, /nobody can yet: there is no teacher/)
  t.match(empty, /\n {15}npm run project -- add red --name "Red Team"\n {15}npm run user -- add novak --name "Ms Novak" --staff --project red\n/, 'the two commands, each on its own line')
})

t.test('says that only problems follow when the terminal is quiet, and not when it is not', async (t) => {
  t.match(startBanner({ ...base, localNode: 'off' }), /Only problems are shown below/)
  t.notMatch(startBanner({ ...base, localNode: 'off', logLevel: 'info' }), /Only problems/)
})
