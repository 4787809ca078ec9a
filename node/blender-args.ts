// The Blender command lines: headless, factory settings, the file's own Python scripts only when
// the node allows them (-y, else -Y). A frames job goes to a Blender session (the file loaded once,
// frames rendered on request: node/blender/session.py); a video job is one run of the whole range
// (video_setup.py, the output path and frame range, then video_render.py: the whole movie is one
// process). The scripts are Python files run by path, their parameters one JSON argument after
// `--` (blender-scripts.ts). Before any frame, Blender checks that the file's paths stay inside its
// project (the add-on's outside_paths.py), and on a node with a sandbox it runs inside it (sandbox.ts).
import type { FarmTask } from '../schemas/generated/types.ts'
import { blenderScript, outsidePathsFile } from './blender-scripts.ts'
import type { JobPlace, Sandbox } from './sandbox.ts'

/** `device`: what Cycles renders on ('CPU', 'OPTIX' …: run-blender.ts); null or missing: as the file says. */
export interface BlenderOptions { blender: string, threads: number, scripting: boolean, nice: number, sandbox?: Sandbox | null, device?: string | null }

/** A run's files on this node (job-place.ts): the .blend, the output pattern, its folder, the project. */
export interface RunPaths extends JobPlace {
  file: string
  output: string
  /** The output folder as the student knows it ('renders/shot/'), for the check's sentence. */
  outputShown: string
}

/** On a node without the share: the project's folder on the server, whose absolute paths rfam_remap.py points into the job folder. */
export function serverProject (place: Pick<RunPaths, 'alias'> | null): { serverProject?: string } {
  return place?.alias ? { serverProject: place.alias } : {}
}

/** The parameters of node/blender/video_setup.py (see its header). */
export function videoArgs (frames: boolean, place: Omit<RunPaths, 'file' | 'output'>, device: string | null = null): Record<string, unknown> {
  return { frames, project: place.project, outputDir: place.outputDir, outputShown: place.outputShown, ...serverProject(place), outsidePaths: outsidePathsFile, ...(device ? { device } : {}) }
}

/**
 * The parameters of node/blender/session.py (see its header): the output and place of its file,
 * or none (a Blender started ahead of work, sent its file later with LOAD), and whether a file
 * loaded again runs its own scripts.
 */
export function sessionArgs (paths: Omit<RunPaths, 'file'> | null, scripting: boolean, device: string | null = null): Record<string, unknown> {
  return {
    ...(device ? { device } : {}),
    output: paths?.output ?? null,
    project: paths?.project ?? null,
    outputDir: paths?.outputDir ?? null,
    outputShown: paths?.outputShown ?? null,
    ...serverProject(paths),
    scripting,
    outsidePaths: outsidePathsFile,
  }
}

export interface BlenderCommand { command: string, args: string[] }

export function blenderCommand (run: FarmTask, paths: RunPaths, options: BlenderOptions): BlenderCommand {
  const first = run.frames[0]
  const last = run.frames[run.frames.length - 1]
  const blender = [
    '--factory-startup',
    options.scripting ? '-y' : '-Y',
    '-b', paths.file,
    '--python', blenderScript('video_setup.py'),
    '-o', paths.output,
    ...(options.threads > 0 ? ['-t', String(options.threads)] : []),
    '-s', String(first), '-e', String(last), '-j', String(run.frameStep),
    '--python', blenderScript('video_render.py'),
    // Blender reads nothing after '--': the scripts' parameters.
    '--', JSON.stringify(videoArgs(!run.video, paths, options.device ?? null)),
  ]
  return niced(inPlace(blender, options, paths), options.nice)
}

/**
 * A Blender that loads the file and waits for frames to render (session.py); without a file, a
 * Blender started ahead of work, waiting to be sent one (LOAD) of the place it was started for
 * (its sandbox is fixed when it starts).
 */
export function sessionCommand (paths: RunPaths | null, options: BlenderOptions, place: JobPlace | null = paths): BlenderCommand {
  const blender = [
    '--factory-startup',
    options.scripting ? '-y' : '-Y',
    '-b', ...(paths ? [paths.file] : []),
    // Options are applied in order, and the session script never returns: threads come first.
    // (The output path is in the script: it is set again each time a file is loaded.)
    ...(options.threads > 0 ? ['-t', String(options.threads)] : []),
    '--python', blenderScript('session.py'),
    '--', JSON.stringify(sessionArgs(paths, options.scripting, options.device ?? null)),
  ]
  return niced(inPlace(blender, options, place), options.nice)
}

/** Blender's command line: in the job's sandbox on a node that has one, else Blender itself. */
function inPlace (args: string[], options: BlenderOptions, place: JobPlace | null): string[] {
  if (!options.sandbox) return [options.blender, ...args]
  if (!place) throw new Error('a sandboxed Blender needs its project and output folder')
  return options.sandbox.command(args, place, options.blender)
}

/** Runs Blender under `nice` when the node asks for it, so a desktop stays usable. */
function niced (argv: string[], nice: number): BlenderCommand {
  if (nice > 0 && process.platform !== 'win32') return { command: 'nice', args: ['-n', String(nice), ...argv] }
  return { command: argv[0]!, args: argv.slice(1) }
}
