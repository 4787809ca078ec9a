// The Python a node's Blender runs, as files run by path (`--python <file> … -- <json>`): the
// session, the video run's set-up and render (node/blender/, each file's header says how it is run
// and what it prints), and the add-on's outside_paths.py (the path check, which the add-on's
// preflight runs too, so a student sees before submitting what a node refuses). A sandboxed
// Blender is shown exactly these, read-only (sandbox.ts). Real paths, as Blender sees them there.
import { realpathSync } from 'node:fs'
import { join } from 'node:path'

/** node/blender/: the scripts and the modules they import (rfam_*.py). */
export const scriptsDir = realpathSync(join(import.meta.dirname, 'blender'))

/** The add-on's path check, loaded by the scripts from the path they are given. */
export const outsidePathsFile = realpathSync(join(import.meta.dirname, '..', 'blender-addon', 'rfam', 'outside_paths.py'))

/** One of the scripts, by file name. */
export const blenderScript = (name: 'session.py' | 'video_setup.py' | 'video_render.py'): string => join(scriptsDir, name)

/** What a sandbox mounts read-only for the scripts to run. */
export const scriptMounts: readonly string[] = [scriptsDir, outsidePathsFile]
