// The Blender command lines: headless, factory settings, the file's own Python scripts only when
// the node allows them (-y, else -Y). A frames job goes to a Blender session (the file loaded once,
// frames rendered on request: sessionScript); a video job is one run of the whole range (output
// path and frame range first, then the render: the whole movie is one process). Before any frame,
// Blender checks that the file's paths stay inside its project (outsidePathsCheck), and on a node
// with a sandbox it runs inside it (sandbox.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask } from '../schemas/generated/types.ts'
import { repoRoot } from '../server/config/load-config.ts'
import type { JobPlace, Sandbox } from './sandbox.ts'

export interface BlenderOptions { blender: string, threads: number, scripting: boolean, nice: number, sandbox?: Sandbox | null }

/** A run's files on this node (job-place.ts): the .blend, the output pattern, its folder, the project. */
export interface RunPaths extends JobPlace {
  file: string
  output: string
  /** The output folder as the student knows it ('renders/shot/'), for the check's sentence. */
  outputShown: string
}

/**
 * The add-on's outside_paths.py, which its preflight runs too, so a student sees before submitting
 * what a node refuses. Read once, when first needed.
 */
let outsidePathsSource: string | null = null
function outsidePaths (): string {
  outsidePathsSource ??= readFileSync(join(repoRoot, 'blender-addon', 'rfam', 'outside_paths.py'), 'utf8')
  return outsidePathsSource
}

/**
 * Python defining _rfam_check(project, output folder, output folder shown): when the loaded file has
 * File Output nodes writing outside the output folder, or external files that are absolute or
 * outside the project (outside_paths.py, run in a namespace of its own), prints `RFAM_REFUSED
 * <one sentence listing them and how to fix it>` and ends Blender with exit code 1, before any
 * frame is rendered.
 */
function outsidePathsCheck (): string[] {
  return [
    '_rfam_paths = {}',
    // A JSON string is a valid Python string literal.
    `exec(compile(${JSON.stringify(outsidePaths())}, 'outside_paths.py', 'exec'), _rfam_paths)`,
    'def _rfam_check(project, folder, shown):',
    '    if project is None or not bpy.data.filepath: return',
    '    try:',
    "        found = _rfam_paths['find'](project, folder)",
    '        if not found: return',
    "        text = _rfam_paths['sentence'](found, shown)",
    '    except Exception as e:',
    // A check that cannot run lets nothing through.
    "        text = 'The farm could not check the paths this file uses (%s), so it does not render it; tell staff.' % e",
    "    print('RFAM_REFUSED ' + text, flush=True)",
    '    sys.stdout.flush(); sys.stderr.flush()',
    '    os._exit(1)',
  ]
}

/**
 * Settings made after the file loads. They turn nothing off that the file needs; they only make a
 * run safe to repeat: overwrite existing frames (a frame half-written by a node that died is
 * rendered again whole), no placeholders, file extensions on; a frames job of a file set to a
 * movie format writes PNG images instead (one movie per frame is useless), a video job keeps it.
 */
function renderSettings (frames: boolean): string[] {
  return [
    'r = bpy.context.scene.render',
    'r.use_overwrite = True',
    'r.use_placeholder = False',
    'r.use_file_extension = True',
    ...(frames ? ["if r.is_movie_format: r.image_settings.file_format = 'PNG'"] : []),
  ]
}

/**
 * Python set up before a one-shot run (a video job: the movie is one process). Besides the
 * settings above, each written frame is printed as `RFAM_WRITTEN <frame> <seconds> <path>`, timed
 * inside Blender from the end of the previous frame (or the start of the first), since output
 * lines reach the node in bursts; for a movie, at most every 3 s, the frame just written is saved
 * first as `.rfam-preview.png` beside it, from the Render Result (a movie frame cannot be read
 * back) through the scene's own view transform, as in the movie (saving the Render Result through
 * another scene finds no pixels; a movie format saves as PNG), and `RFAM_PREVIEW <path>` printed;
 * and Blender exits if the node that started it dies (its stdin closes), so no orphan keeps
 * rendering. The frames are rendered by animationScript, after the frame range.
 */
export function setupScript (frames: boolean, check: RunPaths | null = null): string {
  return [
    'import bpy, os, sys, threading',
    'def _rfam_watch():',
    '    try:',
    '        while os.read(0, 65536): pass',
    '    except Exception: pass',
    '    os._exit(3)',
    'threading.Thread(target=_rfam_watch, daemon=True).start()',
    ...(check ? [...outsidePathsCheck(), `_rfam_check(${JSON.stringify(check.project)}, ${JSON.stringify(check.outputDir)}, ${JSON.stringify(check.outputShown)})`] : []),
    ...renderSettings(frames),
    'import time',
    '_rfam_t = [None]',
    '_rfam_prev = [-1e9]',
    'def _rfam_pre(scene, *args):',
    '    if _rfam_t[0] is None: _rfam_t[0] = time.perf_counter()',
    'def _rfam_written(scene, *args):',
    '    now = time.perf_counter()',
    '    took = now - (_rfam_t[0] or now)',
    '    _rfam_t[0] = now',
    '    path = scene.render.frame_path(frame=scene.frame_current)',
    ...(frames ? [] : [
      '    if now - _rfam_prev[0] >= 3:',
      '        _rfam_prev[0] = now',
      '        try:',
      "            out = os.path.join(os.path.dirname(path), '.rfam-preview.png')",
      "            tmp = out + '.part.png'",
      "            bpy.data.images['Render Result'].save_render(filepath=tmp)",
      '            os.replace(tmp, out)',
      "            print('RFAM_PREVIEW %s' % out, flush=True)",
      '        except Exception as e:',
      "            print('RFAM_NO_PREVIEW %s' % e, flush=True)",
    ]),
    "    print('RFAM_WRITTEN %d %.4f %s' % (scene.frame_current, took, path), flush=True)",
    'bpy.app.handlers.render_pre.append(_rfam_pre)',
    'bpy.app.handlers.render_write.append(_rfam_written)',
    "print('RFAM_READY', r.image_settings.file_format, flush=True)",
  ].join('\n')
}

/**
 * Python rendering the scene's frame range (as `-a` would, after -s/-e/-j) through the render
 * operator, which keeps the Render Result that the preview is saved from (`-a` keeps none in the
 * background). A failure prints Blender's 'Error:' line and exits 1.
 */
export function animationScript (): string {
  return [
    'import bpy, os, sys',
    'try:',
    '    bpy.ops.render.render(animation=True)',
    ...failAndExit(''),
  ].join('\n')
}

/**
 * Python closing a `try:` at this indent: Blender's error printed as an 'Error:' line (the node
 * reads those for the failure message) and Blender ended with exit code 1.
 */
function failAndExit (indent: string): string[] {
  return [
    'except Exception as e:',
    '    text = str(e).strip()',
    "    if not text.startswith('Error'): print('Error: ' + text, flush=True)",
    '    sys.stdout.flush(); sys.stderr.flush()',
    '    os._exit(1)',
  ].map((line) => indent + line)
}

/** Output formats a browser shows (and the server's picture library reads) as they are. */
const VIEWABLE_FORMATS = ['PNG', 'JPEG', 'WEBP', 'TIFF']

/**
 * Python defining _rfam_preview(frame path), for a session (its _rfam_setup sets _rfam_viewable and
 * forgets the preview scene when a file is loaded): for output a browser cannot show (OpenEXR, HDR, DPX,
 * …), at most every 3 s, the frame just written is saved as `.rfam-preview.jpg` in its folder,
 * through the file's own view transform (a linear EXR looks as it does in Blender), and
 * `RFAM_PREVIEW <path>` printed. (Saving the Render Result through the preview scene finds no pixels,
 * so the written file is loaded back.) A failure only prints `RFAM_NO_PREVIEW`: the frame is what counts.
 */
function previewMaker (): string[] {
  return [
    'def _rfam_preview(path):',
    '    if _rfam_viewable or time.perf_counter() - _rfam_prev[0] < 3: return',
    '    _rfam_prev[0] = time.perf_counter()',
    '    try:',
    '        if _rfam_prev[1] is None:',
    "            p = _rfam_prev[1] = bpy.data.scenes.new('rfam-preview')",
    "            p.render.image_settings.file_format = 'JPEG'",
    '            p.render.image_settings.quality = 80',
    '        p = _rfam_prev[1]',
    '        p.display_settings.display_device = s.display_settings.display_device',
    "        for a in ('view_transform', 'look', 'exposure', 'gamma'): setattr(p.view_settings, a, getattr(s.view_settings, a))",
    "        out = os.path.join(os.path.dirname(path), '.rfam-preview.jpg')",
    "        tmp = out + '.part.jpg'",
    '        img = bpy.data.images.load(path)',
    '        try: img.save_render(filepath=tmp, scene=p)',
    '        finally: bpy.data.images.remove(img)',
    '        os.replace(tmp, out)',
    "        print('RFAM_PREVIEW %s' % out, flush=True)",
    '    except Exception as e:',
    "        print('RFAM_NO_PREVIEW %s' % e, flush=True)",
  ]
}

/**
 * Python for a Blender that stays open with its file loaded and renders frames on request, so a
 * node pays Blender's start-up once per file instead of once per run. It reads commands on stdin:
 * `RENDER <frame> <frame> …` renders each frame (the same frame_set and render as `-a`, written to
 * the frame's own path under `output`), printing `RFAM_WRITTEN <frame> <seconds> <path>` after each
 * (after a preview, for formats a browser cannot show: previewMaker) and `RFAM_RUN_DONE` after the
 * last; `LOAD` reads the file again from disk (a new job: the file, its textures and linked
 * libraries as they are now), `LOAD {"file": …, "output": …}` another file (a Blender started
 * without one, waiting ready: sessionCommand with no file), and prints `RFAM_LOADED`. A failure ends Blender with exit code 1
 * (Blender has printed its 'Error:' line). When stdin closes (the node ends the session, or dies)
 * Blender exits at once, even in the middle of a frame.
 */
export function sessionScript (paths: Omit<RunPaths, 'file'> | null, scripting: boolean): string {
  const fail = failAndExit('        ')
  const literal = (value: string | undefined) => value === undefined ? 'None' : JSON.stringify(value)
  return [
    'import bpy, os, sys, threading, queue, time, json',
    '_rfam_q = queue.Queue()',
    'def _rfam_read():',
    "    buf = b''",
    '    try:',
    '        while True:',
    '            chunk = os.read(0, 65536)',
    '            if not chunk: break',
    '            buf += chunk',
    "            while b'\\n' in buf:",
    "                line, buf = buf.split(b'\\n', 1)",
    '                _rfam_q.put(line.decode())',
    '    except Exception: pass',
    '    os._exit(0)',
    'threading.Thread(target=_rfam_read, daemon=True).start()',
    // A JSON string is a valid Python string literal.
    `_rfam_output = ${literal(paths?.output)}`,
    `_rfam_project = ${literal(paths?.project)}`,
    `_rfam_folder = ${literal(paths?.outputDir)}`,
    `_rfam_shown = ${literal(paths?.outputShown)}`,
    ...outsidePathsCheck(),
    '_rfam_prev = [-1e9, None]',
    'def _rfam_setup():',
    '    global s, r, _rfam_viewable',
    '    s = bpy.context.scene',
    ...renderSettings(true).map((line) => `    ${line}`),
    '    if _rfam_output is not None: r.filepath = _rfam_output',
    `    _rfam_viewable = r.image_settings.file_format in (${VIEWABLE_FORMATS.map((f) => `'${f}'`).join(', ')})`,
    '    _rfam_prev[1] = None',
    ...previewMaker(),
    '_rfam_setup()',
    '_rfam_check(_rfam_project, _rfam_folder, _rfam_shown)',
    "print('RFAM_READY', r.image_settings.file_format, flush=True)",
    'while True:',
    '    line = _rfam_q.get()',
    '    words = line.split()',
    "    if words[:1] == ['LOAD']:",
    '        try:',
    "            spec = json.loads(line[4:]) if line[4:].strip() else {}",
    "            if 'output' in spec: _rfam_output, _rfam_project, _rfam_folder, _rfam_shown = spec['output'], spec['project'], spec['outputDir'], spec['outputShown']",
    `            bpy.ops.wm.open_mainfile(filepath=spec.get('file') or bpy.data.filepath, load_ui=False, use_scripts=${scripting ? 'True' : 'False'})`,
    '            _rfam_setup()',
    ...fail,
    '        _rfam_check(_rfam_project, _rfam_folder, _rfam_shown)',
    "        print('RFAM_LOADED', flush=True)",
    "    if words[:1] != ['RENDER']: continue",
    '    for f in map(int, words[1:]):',
    '        t = time.perf_counter()',
    '        try:',
    '            s.frame_set(f)',
    '            path = r.frame_path(frame=f)',
    '            r.filepath = path',
    '            bpy.ops.render.render(write_still=True)',
    '            r.filepath = _rfam_output',
    ...fail,
    '        took = time.perf_counter() - t',
    '        _rfam_preview(path)',
    "        print('RFAM_WRITTEN %d %.4f %s' % (f, took, path), flush=True)",
    "    print('RFAM_RUN_DONE', flush=True)",
  ].join('\n')
}

export interface BlenderCommand { command: string, args: string[] }

export function blenderCommand (run: FarmTask, paths: RunPaths, options: BlenderOptions): BlenderCommand {
  const first = run.frames[0]
  const last = run.frames[run.frames.length - 1]
  const blender = [
    '--factory-startup',
    options.scripting ? '-y' : '-Y',
    '-b', paths.file,
    '--python-expr', setupScript(!run.video, paths),
    '-o', paths.output,
    ...(options.threads > 0 ? ['-t', String(options.threads)] : []),
    '-s', String(first), '-e', String(last), '-j', String(run.frameStep),
    '--python-expr', animationScript(),
  ]
  return niced(inPlace(blender, options, paths), options.nice)
}

/**
 * A Blender that loads the file and waits for frames to render (sessionScript); without a file, a
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
    '--python-expr', sessionScript(paths, options.scripting),
  ]
  return niced(inPlace(blender, options, place), options.nice)
}

/** Blender's command line: in the job's sandbox on a node that has one, else Blender itself. */
function inPlace (args: string[], options: BlenderOptions, place: JobPlace | null): string[] {
  if (!options.sandbox) return [options.blender, ...args]
  if (!place) throw new Error('a sandboxed Blender needs its project and output folder')
  return options.sandbox.command(args, place)
}

/** Runs Blender under `nice` when the node asks for it, so a desktop stays usable. */
function niced (argv: string[], nice: number): BlenderCommand {
  if (nice > 0 && process.platform !== 'win32') return { command: 'nice', args: ['-n', String(nice), ...argv] }
  return { command: argv[0]!, args: argv.slice(1) }
}
