import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RenderSettings } from '../../schemas/generated/types.ts'

/** Debian's Blender; the tests that need it are skipped, with this reason, where it is missing. */
export const BLENDER = '/usr/bin/blender'
export const noBlender: string | false = existsSync(BLENDER) ? false : `Blender is not installed at ${BLENDER}`

const SCRIPT = fileURLToPath(new URL('./make-blend-fixtures.py', import.meta.url))

export interface BlenderLibraryView {
  filepath: string;
  /** The library that links this one, null when the file links it directly. */
  parent: string | null;
}

export interface BlendFixtures {
  /** Blender's own version string, e.g. '3.4.1'. */
  version: string;
  /** For each file saved (relative to the output folder): bpy.data.libraries after reopening it. */
  files: Record<string, BlenderLibraryView[]>;
  /** With ['settings']: for each file saved, what its scene renders as Blender reports it after reopening it. */
  render: Record<string, RenderSettings>;
}

/**
 * Runs make-blend-fixtures.py in a headless Blender to save test files into outDir:
 * with no extra arguments the linking fixtures, with ['big', n] a mesh of a few MB, with ['settings']
 * scenes of different render settings.
 */
export function makeBlendFixtures (outDir: string, extra: string[] = []): Promise<BlendFixtures> {
  const args = ['-b', '--factory-startup', '--python-exit-code', '1', '--python', SCRIPT, '--', outDir, ...extra]
  return new Promise((resolve, reject) => {
    execFile(BLENDER, args, { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`Blender failed making fixtures: ${err.message}\n${stdout}\n${stderr}`))
      const line = stdout.split('\n').find((l) => l.startsWith('BLEND_FIXTURES_JSON='))
      if (!line) return reject(new Error(`Blender printed no BLEND_FIXTURES_JSON line:\n${stdout}\n${stderr}`))
      resolve(JSON.parse(line.slice('BLEND_FIXTURES_JSON='.length)) as BlendFixtures)
    })
  })
}
