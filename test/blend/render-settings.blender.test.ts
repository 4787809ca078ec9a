// The server's reader against Blender itself: scenes saved by real Blender with different frame
// ranges, steps, rates (NTSC 23.976), resolutions and percentages, engines, output formats (a movie,
// OpenEXR), cameras (one scene has none), denoising, two scenes (the one open when saved counts), zstd
// and gzip: what readBlendInfo finds must be what Blender reports after reopening each file.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { readBlendInfo } from '../../server/blend/read-blend-links.ts'
import { validator } from '../../schemas/validator.ts'
import { makeBlendFixtures, noBlender } from './blender-fixtures.ts'

t.test('render settings read without Blender are those Blender reports', { skip: noBlender }, async (t) => {
  const dir = t.testdir()
  const made = await makeBlendFixtures(dir, ['settings'])
  const files = Object.keys(made.render)
  t.equal(files.length, 5, `Blender ${made.version} saved five scenes`)
  for (const rel of files) {
    const info = await readBlendInfo(path.join(dir, rel))
    t.same(info.render, made.render[rel], `${rel}: as Blender reports it`)
    t.equal(validator().check('render-settings.schema.json', info.render), null, `${rel}: valid against the contract`)
  }
  t.match(made.render['settings/shot_96.blend'], { frameStart: 1, frameEnd: 96, fps: 24, resolution: [1920, 1080], engine: 'CYCLES', camera: 'ShotCam' }, 'the fixtures are what they claim')
  t.match(made.render['settings/nocam.blend'], { camera: null, engine: 'BLENDER_WORKBENCH' })
  t.match(made.render['settings/ntsc_movie.blend'], { fps: 23.976, movie: true, fileFormat: 'FFMPEG', frameStep: 2, resolutionPercentage: 50 })
  t.match(made.render['settings/two_scenes_zstd.blend'], { scene: 'Shot B', denoising: true, frameStart: 5 })
  t.equal((await readBlendInfo(path.join(dir, 'settings/two_scenes_zstd.blend'))).compression, 'zstd')

  // Blender before 3.0 compressed with gzip: the same file gzipped reads the same.
  const gz = path.join(dir, 'settings', 'shot_96_gzip.blend')
  writeFileSync(gz, gzipSync(readFileSync(path.join(dir, 'settings/shot_96.blend'))))
  const gzipped = await readBlendInfo(gz)
  t.equal(gzipped.compression, 'gzip')
  t.same(gzipped.render, made.render['settings/shot_96.blend'], 'gzip: the same settings')
})
