// Makes docs/screenshots/addon-panel.png: a throw-away demo server (with its render node on this
// machine) and a real Blender window under Xvfb, driven by screenshot_ui.py through log-in, a
// render on the farm and the RFAM sidebar tab. Needs blender, xvfb-run and xdotool
// (scripts/install-system-deps.sh).
// Usage: npm run addon:screenshot [-- out.png] [--size 1600x900] [--language de] [--whole-window]
//   --size: the window (default 1600x1200, the viewport alone); --whole-window: Blender's own layout
//   kept (outliner, properties, timeline), as a student sees it; --language: the person's RFAM language.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { writeTestConfig } from '../../scripts/test-server-config.ts'

const options = process.argv.slice(2)
const option = (name: string) => { const i = options.indexOf(name); return i >= 0 ? options.splice(i, 2)[1] : undefined }
const [width, height] = (option('--size') ?? '1600x1200').split('x').map(Number) as [number, number]
const language = option('--language') ?? ''
const wholeWindow = options.includes('--whole-window') ? options.splice(options.indexOf('--whole-window'), 1).length > 0 : false
const out = resolve(options[0] ?? join(repoRoot, 'docs', 'screenshots', 'addon-panel.png'))
for (const tool of ['blender', 'xvfb-run', 'xdotool']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is missing: run scripts/install-system-deps.sh`)
    process.exit(1)
  }
}

const work = mkdtempSync(join(tmpdir(), 'rfam-screenshot-'))
const config = writeTestConfig(work, { demo: true, localNode: true, logLevel: 'warn', farmSettings: { heartbeatSeconds: 1 } })
const zip = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir }).file

const server = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'server', 'main.ts')], {
  cwd: repoRoot, env: { ...process.env, RFAM_CONFIG: config }, stdio: ['ignore', 'pipe', 'inherit'],
})
const cleanUp = () => {
  if (server.exitCode === null) server.kill('SIGTERM')
  rmSync(work, { recursive: true, force: true })
}
process.on('exit', cleanUp)

const url = await new Promise<string>((resolve, reject) => {
  let seen = ''
  server.stdout!.on('data', (chunk: Buffer) => {
    seen += chunk.toString()
    const m = /RFAM is running: open (\S+?)\/?\s/.exec(seen)
    if (m) resolve(m[1]!)
  })
  server.once('exit', (code) => reject(new Error(`the server stopped (${code}):\n${seen}`)))
})
console.log(`server at ${url}`)

const shot = join(work, 'data', 'demo', 'shots', 'shot_010_intro.blend')
if (language) {
  // The person's own choice on RFAM, as the web pages' profile sets it.
  const session = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user: 'leo' }) })
  const token = session.headers.get('x-rfam-token') ?? ''
  await fetch(`${url}/api/users/leo`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ language }) })
}
const args = { zip, server: url, project: 'demo', user: 'leo', out, wholeWindow }
const blender = spawn('xvfb-run', ['-a', '-s', `-screen 0 ${width}x${height}x24`, 'blender', shot, '-p', '0', '0', String(width), String(height),
  '--python', join(repoRoot, 'blender-addon', 'tools', 'screenshot_ui.py'), '--', JSON.stringify(args)], {
  env: { ...process.env, BLENDER_USER_SCRIPTS: join(work, 'blender', 'scripts'), BLENDER_USER_CONFIG: join(work, 'blender', 'config') },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const code = await new Promise<number | null>((resolve) => blender.once('exit', resolve))
server.kill('SIGTERM')
await new Promise((resolve) => server.once('exit', resolve))
if (code !== 0) {
  console.error(`Blender exited with ${code}`)
  process.exit(1)
}
// The right part of the window: the sidebar readable at page width, with some viewport for context.
const window = sharp(readFileSync(out))
const size = await window.metadata()
const shown = { width: size.width ?? width, height: size.height ?? height }
writeFileSync(out, wholeWindow
  ? await window.png({ compressionLevel: 9, palette: true }).toBuffer()
  : await window.extract({ left: shown.width - 900, top: 0, width: 900, height: shown.height }).png({ compressionLevel: 9, palette: true }).toBuffer())
console.log(`wrote ${out}`)
