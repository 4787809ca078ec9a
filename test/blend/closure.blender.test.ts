// The server's reader of external files against Blender's own account: a project made by real
// Blender (make-closure.py) whose shot uses a linked library (with its own texture), a library
// cycle (a.blend links b.blend links a.blend), an image, an image sequence, a UDIM image, a sound, a
// font, an OpenVDB volume, a packed image and a picture outside the project. For every file, what
// the reader finds is what bpy.utils.blend_paths says; the closure is every file of them (libraries
// followed, the cycle ended), without the packed one and without the one outside the project.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { join, relative } from 'node:path'
import { readExternalFiles } from '../../server/blend/external-files.ts'
import { resolveLibraryPath } from '../../server/blend/read-blend-links.ts'
import { closurePaths } from '../../server/farm/closure.ts'
import { BLENDER, noBlender } from './blender-fixtures.ts'

function makeClosureProject (project: string, outside: string): Record<string, string[]> {
  const out = execFileSync(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', join(import.meta.dirname, 'make-closure.py'), '--', project, outside], { encoding: 'utf8', timeout: 120_000 })
  const line = out.split('\n').find((l) => l.startsWith('PATHS '))
  if (!line) throw new Error(`make-closure.py said no PATHS:\n${out}`)
  return JSON.parse(line.slice(6)) as Record<string, string[]>
}

t.test('every external file, as Blender reports it, and the closure of the shot', { skip: noBlender }, async (t) => {
  const dir = t.testdir()
  const project = join(dir, 'project')
  const outside = join(dir, 'outside')
  const blender = makeClosureProject(project, outside)

  for (const [rel, paths] of Object.entries(blender)) {
    const file = join(project, rel)
    const ours = (await readExternalFiles(file)).map((f) => resolveLibraryPath(file, f.path)).sort()
    t.same(ours, paths, `${rel}: the reader finds what Blender reports`)
  }

  const closure = await closurePaths(project, join(project, 'shots/shot.blend'))
  const shown = closure.files.map((f) => relative(project, f)).sort()
  t.same(shown, [
    'caches/smoke.vdb', 'fonts/DejaVuSans.ttf', 'props/a.blend', 'props/b.blend', 'props/lib.blend', 'shots/shot.blend', 'sounds/beep.wav',
    'textures/lib_tex.png', 'textures/seq/f_0001.png', 'textures/seq/f_0002.png', 'textures/seq/f_0003.png', 'textures/tile.1001.png', 'textures/tile.1002.png', 'textures/wood.png',
  ], 'the shot, its libraries (the cycle read once each), their textures, every frame of the sequence and every UDIM tile; not the packed image')
  t.equal(closure.files[0], join(project, 'shots/shot.blend'), 'the .blend comes first')
  t.same(closure.outside, [join(outside, 'secret.png')], 'the picture outside the project is never shipped')
  t.same(closure.missing, [])
})
