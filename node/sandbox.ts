// Blender in a bubblewrap sandbox (Linux), built as an allow-list of what it may see: the system
// folders it needs to run, read-only (/usr, the /bin, /lib … links or folders beside it, the few
// /etc entries the dynamic linker, fonts, alternatives, Python and GPU drivers read, and Blender's
// own folder when it is installed outside /usr); the job's project folder, read-only; the job's
// output folder, read-write; a private /tmp (tmpfs, also HOME and TMPDIR); a fresh /dev (plus the
// GPUs), a /proc showing only its own processes, and the parts of /sys that CPU and GPU discovery
// read; and RFAM's own Python that Blender runs (blender-scripts.ts), read-only. Everything else is
// read-only, or not there at all. No network, no shared IPC, PID, UTS or cgroup namespace, a session of its own (no terminal
// to type into), no capabilities, only the environment variables it needs, and, when the node runs
// as root, an ordinary user inside (a user namespace). Nothing else exists in there: not the
// server's data and secrets (the local node runs on the server's machine), not the node's own
// settings with its farm credential, not $HOME, not other projects. It dies with the node.
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs'
import { delimiter, dirname, isAbsolute, join } from 'node:path'
import { scriptMounts } from './blender-scripts.ts'

/** Where one job's Blender may look: its project (read-only) and its output folder (read-write), both real paths. */
export interface JobPlace {
  project: string
  outputDir: string
  /** On a node without the share: the project's folder on the server, where the project is mounted too, so paths the .blend stores absolutely resolve. */
  alias?: string
}

export interface SandboxOptions {
  /** The bubblewrap executable. */
  bwrap: string
  /** Blender's executable (resolved: Blender runs by its real path inside). */
  blender: string
  /** Map the node's user to an ordinary one in a user namespace (the node runs as root and namespaces work). */
  userNamespace: boolean
}

/** /etc entries programs read to start and draw (missing ones are skipped). */
const ETC = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'fonts', 'localtime', 'timezone', 'OpenCL', 'glvnd', 'vulkan', 'nvidia', 'drirc']
/** Folders that are links into /usr on merged-/usr systems, or folders of their own on others. */
const TOP = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']
/** What CPU and GPU discovery read in /sys (not /sys/firmware and the like). */
const SYS = ['/sys/block', '/sys/bus', '/sys/class', '/sys/dev', '/sys/devices']
/** The variables passed in; everything else is dropped (the node's environment may hold anything). */
const KEEP_ENV = /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|CUDA_VISIBLE_DEVICES|HIP_VISIBLE_DEVICES|ONEAPI_DEVICE_SELECTOR|OMP_NUM_THREADS)$/
/** The user a root node's Blender runs as inside (an ordinary one; files it writes are still the node's). */
const INSIDE_ID = '1000'

/** The absolute real path of an executable, as the shell would find it; null if there is none. */
export function findExecutable (command: string): string | null {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command))
  for (const candidate of candidates) {
    try {
      return realpathSync(candidate)
    } catch { /* not here */ }
  }
  return null
}

/** The system part of the sandbox: the same for every job, worked out once. */
function systemArgs (): string[] {
  const args = ['--ro-bind', '/usr', '/usr']
  for (const top of TOP) {
    let st
    try { st = lstatSync(top) } catch { continue }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top)
    else if (st.isDirectory()) args.push('--ro-bind', top, top)
  }
  for (const name of ETC) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`)
  // Blender's Python reads /etc/python3.x (Debian's sitecustomize).
  for (const name of safeList('/etc').filter((n) => /^python3(\.\d+)?$/.test(n))) args.push('--ro-bind', `/etc/${name}`, `/etc/${name}`)
  args.push('--dev', '/dev')
  for (const name of safeList('/dev').filter((n) => /^(nvidia.*|dri|kfd)$/.test(n))) args.push('--dev-bind-try', `/dev/${name}`, `/dev/${name}`)
  args.push('--proc', '/proc')
  for (const dir of SYS) args.push('--ro-bind-try', dir, dir)
  return args
}

function safeList (dir: string): string[] {
  try { return readdirSync(dir) } catch { return [] }
}

export class Sandbox {
  private readonly system: string[]
  private readonly env: string[]

  constructor (readonly options: SandboxOptions) {
    if (!isAbsolute(options.blender)) throw new Error(`the sandbox needs Blender's absolute path, not "${options.blender}"`)
    this.system = systemArgs()
    this.env = ['--clearenv', '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'HOME', '/tmp', '--setenv', 'TMPDIR', '/tmp', '--setenv', 'PYTHONUNBUFFERED', '1']
    for (const [name, value] of Object.entries(process.env)) if (KEEP_ENV.test(name) && value !== undefined) this.env.push('--setenv', name, value)
  }

  /**
   * The command line running Blender (its arguments after the executable) in this job's sandbox;
   * `blender` another of the node's Blenders than the one it was made for (blenders in its configuration).
   */
  command (blenderArgs: string[], place: JobPlace, blender?: string): string[] {
    if (!existsSync(place.outputDir)) throw new Error(`the output folder ${place.outputDir} must exist before the sandbox starts`)
    const exe = blender === undefined ? this.options.blender : (findExecutable(blender) ?? blender)
    return [
      this.options.bwrap,
      '--unshare-all',
      ...(this.options.userNamespace ? ['--unshare-user', '--uid', INSIDE_ID, '--gid', INSIDE_ID] : []),
      '--die-with-parent',
      '--new-session',
      '--cap-drop', 'ALL',
      ...this.system,
      // /tmp first: the project may live under the machine's /tmp, and is mounted over the private one.
      '--tmpfs', '/tmp',
      // A Blender unpacked elsewhere (/opt/blender-4.2 …, or a wrapper script): its own folder, nothing beside it.
      ...(exe.startsWith('/usr/') ? [] : ['--ro-bind', dirname(exe), dirname(exe)]),
      '--ro-bind', place.project, place.project,
      ...(place.alias && place.alias !== place.project && isAbsolute(place.alias) ? ['--ro-bind', place.project, place.alias] : []),
      '--bind', place.outputDir, place.outputDir,
      // The session and video scripts, the path check: Blender runs them by path.
      ...scriptMounts.flatMap((path) => ['--ro-bind', path, path]),
      // The sandbox's own root (where the mounts hang) read-only too: a write anywhere else fails
      // at once instead of filling memory.
      '--remount-ro', '/',
      '--chdir', place.project,
      ...this.env,
      '--',
      exe,
      ...blenderArgs,
    ]
  }
}
