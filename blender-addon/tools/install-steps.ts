// Makes the three pictures of the page "Use RFAM in Blender" (web/public/addon/step-*.png, shown on
// Home and the profile page, and in docs/addon.md): a real Blender window under Xvfb installs the
// add-on as GET /api/addon/zip serves it (for a made-up server address), switches it on and opens
// its preferences with a code typed in (install_steps_ui.py). Each picture is the Preferences window,
// cut to one size, with a ring around what to click. Needs blender and xvfb-run
// (scripts/install-system-deps.sh). Blender 3.4's layout at factory settings puts the rings where
// they are below; check the pictures after a Blender update.
// Usage: npm run addon:steps [-- out-folder]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { addonArchive } from '../../server/addon/addon-archive.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { ADDRESS_FILE } from '../../server/routes/api/addon-zip.ts'

const outDir = resolve(process.argv[2] ?? join(repoRoot, 'web', 'public', 'addon'))
for (const tool of ['blender', 'xvfb-run']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is missing: run scripts/install-system-deps.sh`)
    process.exit(1)
  }
}

/** Each picture: the capture it is cut from, and its rings (x, y, width, height in the window's pixels). */
const pictures = [
  { file: 'step-1-install.png', from: 'install.png', rings: [{ x: 6, y: 176, width: 154, height: 29 }, { x: 479, y: 6, width: 100, height: 25 }] },
  { file: 'step-2-enable.png', from: 'enable.png', rings: [{ x: 178, y: 63, width: 125, height: 24 }] },
  { file: 'step-3-connect.png', from: 'connect.png', rings: [{ x: 174, y: 306, width: 504, height: 48 }] },
]
/** The part of the Preferences window kept: the Add-ons tab, the buttons and the add-on's settings. */
const CUT = { left: 0, top: 0, width: 687, height: 420 }

// A fixed folder: the add-on's path shows in the third picture, the same on every run.
const work = join(tmpdir(), 'rfam-install-steps')
rmSync(work, { recursive: true, force: true })
mkdirSync(work)
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const zip = join(work, 'rfam-addon.zip')
const address = JSON.stringify({ server: 'http://192.168.1.10:8080' })
writeFileSync(zip, addonArchive(schemaDir, { [ADDRESS_FILE]: Buffer.from(address) }).archive)

const args = { zip, code: 'K7PM-Q2XD', out: work }
const blender = spawn('xvfb-run', ['-a', '-s', '-screen 0 1600x1000x24', 'blender', '--factory-startup', '-p', '0', '0', '1600', '1000',
  '--python', join(repoRoot, 'blender-addon', 'tools', 'install_steps_ui.py'), '--', JSON.stringify(args)], {
  env: { ...process.env, BLENDER_USER_SCRIPTS: join(work, 'blender', 'scripts'), BLENDER_USER_CONFIG: join(work, 'blender', 'config') },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const code = await new Promise<number | null>((resolve) => blender.once('exit', resolve))
if (code !== 0) {
  console.error(`Blender exited with ${code}`)
  process.exit(1)
}

mkdirSync(outDir, { recursive: true })
for (const { file, from, rings } of pictures) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${CUT.width}" height="${CUT.height}">${rings.map((r) =>
    `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="7" fill="none" stroke="#ff9d1a" stroke-width="4"/>`).join('')}</svg>`
  const picture = await sharp(join(work, from)).extract(CUT)
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .png({ compressionLevel: 9, palette: true }).toBuffer()
  writeFileSync(join(outDir, file), picture)
  console.log(`wrote ${join(outDir, file)} (${(picture.length / 1024).toFixed(0)} kB)`)
}
