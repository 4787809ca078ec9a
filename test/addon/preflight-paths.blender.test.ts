// The add-on's preflight in real Blender on the .blend files render nodes refuse
// (test/node/make-hostile.py, the same files test/node/sandbox.blender.test.ts renders): it blocks the
// submission naming what the node names (a File Output node writing outside the job's output
// folder, pictures from another project), and leaves a file whose paths stay inside alone.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { copyScene, hostileScenes } from '../node/harness.ts'
import { testFolder } from '../helpers/folders.ts'

const blender = '/usr/bin/blender'
const ONE_PIXEL_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex')

function preflight (file: string): { blocking: string[], warnings: string[] } {
  const res = spawnSync(blender, ['-b', file, '--factory-startup', '--python-exit-code', '1', '--python', join(repoRoot, 'blender-addon', 'tests', 'preflight_paths.py')], { encoding: 'utf8' })
  const line = /^RFAM_PREFLIGHT (.*)$/m.exec(res.stdout)
  if (res.status !== 0 || !line) throw new Error(`preflight of ${file} failed:\n${res.stdout}\n${res.stderr}`)
  return JSON.parse(line[1]!)
}

t.test('the preflight blocks what a render node refuses', { skip: existsSync(blender) ? false : `${blender} is not installed` }, async (t) => {
  const dir = testFolder(t, 'share')
  const project = join(dir, 'data', 'red')
  const other = join(dir, 'data', 'blue')
  mkdirSync(join(other, 'textures'), { recursive: true })
  mkdirSync(join(project, 'shots'), { recursive: true })
  writeFileSync(join(project, 'project.json'), '{}\n')
  writeFileSync(join(other, 'project.json'), '{}\n')
  const texture = join(other, 'textures', 'secret.png')
  writeFileSync(texture, ONE_PIXEL_PNG)
  const outside = join(dir, 'escaped')
  const made = hostileScenes(t, {
    outside,
    otherTexture: texture,
    otherTextureRelative: `//${relative(join(project, 'shots'), texture)}`,
    probe: { read: [], write: [], host: '127.0.0.1', port: 9 },
  })
  for (const name of ['fileout.blend', 'texture.blend', 'probe.blend']) copyScene(name, join(project, 'shots'), name, made)

  const fileout = preflight(join(project, 'shots', 'fileout.blend'))
  const said = fileout.blocking.find((s) => s.includes('File Output'))
  t.match(said, `File Output node 'Escape' writes to ${outside}/`, 'the File Output node writing outside the share blocks the submission')
  t.match(said, /^The farm does not render this file: it uses paths outside its project \(.*\)\. Keep every file it uses inside the project folder and make the paths relative \(File > External Data > Make Paths Relative\), and set each File Output node's base path to a folder inside renders\/shots\/fileout\/\.$/, 'in the node\'s words, with the job\'s output folder')

  const textures = preflight(join(project, 'shots', 'texture.blend')).blocking.join('\n')
  t.match(textures, /image 'stolen' .*blue\/textures\/secret\.png/, 'the picture from another project by its absolute path')
  t.match(textures, /image 'stolen_relative' .*blue\/textures\/secret\.png/, 'and by a relative path leading out')

  t.same(preflight(join(project, 'shots', 'probe.blend')).blocking, [], 'a file whose paths stay inside: nothing blocks')

  // Inside the project but outside the job's output folder: a node's Blender could not write it there.
  writeFileSync(join(dir, 'passes.py'), [
    'import bpy',
    "node = bpy.context.scene.node_tree.nodes['Escape']",
    "node.base_path = '//passes/'",
    'bpy.ops.wm.save_mainfile()',
  ].join('\n'))
  const res = spawnSync(blender, ['-b', join(project, 'shots', 'fileout.blend'), '--factory-startup', '--python-exit-code', '1', '--python', join(dir, 'passes.py')], { encoding: 'utf8' })
  t.equal(res.status, 0, res.stderr)
  t.match(preflight(join(project, 'shots', 'fileout.blend')).blocking.join('\n'), "File Output node 'Escape' writes to //passes/", 'a File Output node writing inside the project but beside the output folder')
})
