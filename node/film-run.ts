// A film run (a farm task with `film`, server/farm/film-job.ts): ffmpeg, not Blender, puts the
// project's shots together into one movie (H.264, yuv420p, even size) at the film's frame rate,
// with a title card for each shot not rendered yet and the project's sound file if it has one. The
// node lays the pictures out as one numbered sequence of links in a work folder inside the output
// folder (renders/film/.film-<job>/), and a small shell script runs ffmpeg there, in the job's
// sandbox when the node has one (it reads the project, writes only the output folder). Progress
// comes as RFAM_WRITTEN lines (one per frame encoded, naming the movie), so the film's frames count
// like any job's; a failure ends with an RFAM_REFUSED sentence and ffmpeg's last lines.
import { execFileSync } from 'node:child_process'
import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { FarmTask, FilmPlan } from '../schemas/generated/types.ts'
import { isInside } from '../common/named-paths.ts'
import type { WrittenFrame } from './blender-output.ts'
import { BlenderProcess } from './blender-process.ts'
import type { RunPlace } from './job-place.ts'
import { findExecutable, Sandbox } from './sandbox.ts'

/** The tag a node with ffmpeg provides (server/farm/film-job.ts requires it). */
export const FFMPEG_TAG = 'ffmpeg'
const FALLBACK = { width: 1280, height: 720 }

/** The node's provides with 'ffmpeg' added when ffmpeg and ffprobe run here. */
export function withFfmpeg (provides: readonly string[]): string[] {
  const ok = ['ffmpeg', 'ffprobe'].every((tool) => {
    try {
      execFileSync(tool, ['-version'], { stdio: 'ignore', timeout: 10_000 })
      return true
    } catch { return false }
  })
  return ok ? [...new Set([...provides, FFMPEG_TAG])] : [...provides]
}

/** A file of the plan (inside the project), by its real path; refused when it leads out of the project. */
function realInside (project: string, rel: string): string {
  const real = realpathSync(join(project, rel))
  if (!isInside(project, real)) throw new Error(`${rel} leads out of the project`)
  return real
}

/** The size of the film: the first rendered frame's, made even (a default when none is rendered). */
function filmSize (first: string | undefined): { width: number, height: number } {
  if (!first) return FALLBACK
  try {
    const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0:s=x', first], { encoding: 'utf8', timeout: 20_000 })
    const [w, h] = out.trim().split('x').map(Number)
    if (w && h) return { width: Math.max(2, w - (w % 2)), height: Math.max(2, h - (h % 2)) }
  } catch { /* not a picture ffprobe knows: ffmpeg says so below */ }
  return FALLBACK
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`

/**
 * Lays out the work folder: frames as links 000001.png … (other formats converted per shot by the
 * script), card texts, and the script. Returns the script's path. Throws (a sentence) for a file
 * that is gone or leads out of the project.
 */
export function prepareFilm (plan: FilmPlan, place: RunPlace, work: string): string {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const lines: string[] = []
  const cards: string[] = []
  const converts: string[] = []
  let n = 0
  const at = () => String(n).padStart(6, '0')
  let first: string | undefined
  plan.segments.forEach((segment, i) => {
    if (segment.card) {
      writeFileSync(join(work, `card${i}.txt`), segment.card.text)
      cards.push(`card ${i}`)
      for (let k = 0; k < segment.card.frames; k++) { n++; symlinkSync(`card${i}.png`, join(work, `${at()}.png`)) }
      return
    }
    const files = (segment.files ?? []).map((rel) => {
      try { return realInside(place.project, rel) } catch { throw new Error(`The frame ${rel} of shot "${segment.name}" is not there any more (deleted since the film was sent?): send "Make the film" again.`) }
    })
    first ??= files[0]
    const ext = extname(files[0] ?? '.png').toLowerCase()
    const start = n + 1
    files.forEach((file, k) => {
      n++
      // PNG frames are linked in place; others get linked under their own extension and converted.
      symlinkSync(file, join(work, ext === '.png' ? `${at()}.png` : `s${i}_${String(k + 1).padStart(6, '0')}${ext}`))
    })
    if (ext !== '.png' && files.length > 0) converts.push(`ffmpeg -nostdin -v error -y -start_number 1 -i s${i}_%06d${ext} -start_number ${start} %06d.png 2>>ffmpeg.log || fail ${q(`the frames of shot "${segment.name}" could not be read`)}`)
  })
  const { width, height } = filmSize(first)
  const movie = place.output
  const fit = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,format=yuv420p`
  const sound = plan.sound ? realInside(place.project, plan.sound) : null
  lines.push(
    'set -u',
    `cd ${q(work)}`,
    'fail () { tail -n 8 ffmpeg.log 2>/dev/null; echo "RFAM_REFUSED The film could not be made: $1. ffmpeg\'s last lines are below; fix that and press \\"Make the film\\" again."; exit 1; }',
    'card () {',
    `  ffmpeg -nostdin -v error -y -f lavfi -i color=c=0x202020:s=${width}x${height} -vf "drawtext=textfile=card$1.txt:fontcolor=white:fontsize=${Math.max(12, Math.round(height / 18))}:x=(w-text_w)/2:y=(h-text_h)/2" -frames:v 1 card$1.png 2>>ffmpeg.log ||`,
    `  ffmpeg -nostdin -v error -y -f lavfi -i color=c=0x202020:s=${width}x${height} -frames:v 1 card$1.png 2>>ffmpeg.log || fail "a title card could not be drawn"`,
    '}',
    ...cards,
    ...converts
  )
  if (sound) {
    lines.push(`[ -n "$(ffprobe -v error -select_streams a -show_entries stream=codec_type -of csv=p=0 ${q(sound)} 2>>ffmpeg.log)" ] || fail ${q(`the sound file ${plan.sound} is not a sound ffmpeg can read (choose a .wav, .mp3, .ogg or .flac file on the Project page, or remove it)`)}`)
  }
  const audio = sound ? `-i ${q(sound)} -map 0:v -map 1:a -c:a aac -b:a 192k -af apad -shortest` : ''
  lines.push(
    `{ ffmpeg -nostdin -v error -y -framerate ${plan.fps} -start_number 1 -i %06d.png ${audio} -vf ${q(fit)} -c:v libx264 -pix_fmt yuv420p -r ${plan.fps} -progress pipe:1 ${q(movie)} 2>>ffmpeg.log; echo $? > status; } |`,
    `  awk -F= -v out=${q(movie)} '$1 == "frame" { for (i = last + 1; i <= $2; i++) print "RFAM_WRITTEN " i " 0 " out; last = $2; fflush() }'`,
    '[ "$(cat status)" = 0 ] || fail "ffmpeg stopped with an error"',
    `cd .. && rm -rf ${q(work)}`
  )
  const script = join(work, 'film.sh')
  writeFileSync(script, `${lines.join('\n')}\n`)
  return script
}

/** Starts the film's script (sandboxed like Blender on a node with a sandbox). */
export function startFilm (task: FarmTask, place: RunPlace, sandbox: Sandbox | null, onFrame: (frame: WrittenFrame) => void): BlenderProcess {
  const work = join(place.outputDir, `.film-${task.job}`)
  let script: string
  try {
    script = prepareFilm(task.film!, place, work)
  } catch (err) {
    // The sentence comes back through the run's output, as for a file the node refuses.
    return new BlenderProcess({ command: 'sh', args: ['-c', `echo ${q(`RFAM_REFUSED ${(err as Error).message}`)}; exit 1`] }, onFrame)
  }
  const sh = findExecutable('sh') ?? '/bin/sh'
  const command = sandbox ? new Sandbox({ ...sandbox.options, blender: sh }).command([script], place) : [sh, script]
  return new BlenderProcess({ command: command[0]!, args: command.slice(1) }, onFrame)
}
