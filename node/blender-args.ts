// The Blender command line for a run: headless, factory settings, the file's own Python scripts
// only when the node allows them (-y, else -Y), our small setup script, the output path and the
// frame range before -a, so consecutive frames render in one process.
import type { FarmTask } from '../schemas/generated/types.ts'

/**
 * Python run inside Blender after the file loads. It turns nothing off that the file needs; it
 * only makes the run safe to repeat and observable:
 * - overwrite existing frames (a frame half-written by a node that died is rendered again whole),
 *   no placeholders, file extensions on;
 * - a frames job of a file set to a movie format writes PNG images instead (one movie per frame
 *   is useless); a video job keeps the movie format;
 * - each written frame is printed as `RFAM_WRITTEN <frame> <seconds> <path>`, timed inside Blender
 *   from the end of the previous frame (or the start of the first), since output lines reach the
 *   node in bursts;
 * - Blender exits if the node that started it dies (its stdin closes), so no orphan keeps rendering.
 */
export function setupScript (frames: boolean): string {
  return [
    'import bpy, os, threading',
    'def _rfam_watch():',
    '    try:',
    '        while os.read(0, 65536): pass',
    '    except Exception: pass',
    '    os._exit(3)',
    'threading.Thread(target=_rfam_watch, daemon=True).start()',
    'r = bpy.context.scene.render',
    'r.use_overwrite = True',
    'r.use_placeholder = False',
    'r.use_file_extension = True',
    ...(frames ? ["if r.is_movie_format: r.image_settings.file_format = 'PNG'"] : []),
    'import time',
    '_rfam_t = [None]',
    'def _rfam_pre(scene, *args):',
    '    if _rfam_t[0] is None: _rfam_t[0] = time.perf_counter()',
    'def _rfam_written(scene, *args):',
    '    now = time.perf_counter()',
    '    took = now - (_rfam_t[0] or now)',
    '    _rfam_t[0] = now',
    "    print('RFAM_WRITTEN %d %.4f %s' % (scene.frame_current, took, scene.render.frame_path(frame=scene.frame_current)), flush=True)",
    'bpy.app.handlers.render_pre.append(_rfam_pre)',
    'bpy.app.handlers.render_write.append(_rfam_written)',
    "print('RFAM_READY', r.image_settings.file_format, flush=True)",
  ].join('\n')
}

export interface BlenderCommand { command: string, args: string[] }

export function blenderCommand (run: FarmTask, paths: { file: string, output: string }, options: { blender: string, threads: number, scripting: boolean, nice: number }): BlenderCommand {
  const first = run.frames[0]
  const last = run.frames[run.frames.length - 1]
  const blender = [
    options.blender,
    '--factory-startup',
    options.scripting ? '-y' : '-Y',
    '-b', paths.file,
    '--python-expr', setupScript(!run.video),
    '-o', paths.output,
    ...(options.threads > 0 ? ['-t', String(options.threads)] : []),
    '-s', String(first), '-e', String(last), '-j', String(run.frameStep),
    '-a',
  ]
  if (options.nice > 0 && process.platform !== 'win32') return { command: 'nice', args: ['-n', String(options.nice), ...blender] }
  return { command: blender[0]!, args: blender.slice(1) }
}
