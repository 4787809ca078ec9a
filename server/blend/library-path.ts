import path from 'node:path'

/**
 * Turns a library path as Blender stores it into an absolute path on this machine.
 * - '//lib/chair.blend' is relative to the folder of the .blend that links it ('//' is Blender's
 *   prefix for relative paths), also when written on Windows ('//..\lib\chair.blend').
 * - '/abs/chair.blend' stays as it is (normalised).
 * - Windows paths ('C:\proj\chair.blend', '\\server\share\chair.blend') keep their drive or host,
 *   with forward slashes; this server cannot open them, but they stay recognisable.
 * - A bare relative path ('lib/chair.blend', which Blender would resolve against its working
 *   directory) is taken relative to the linking file's folder, the only folder that means anything here.
 */
export function resolveLibraryPath (blendPath: string, libPath: string): string {
  const folder = path.dirname(path.resolve(blendPath))
  if (libPath.startsWith('//')) return path.resolve(folder, slashes(libPath.slice(2)))
  if (libPath.startsWith('\\\\')) return '//' + path.posix.normalize(slashes(libPath.slice(2)))
  const forward = slashes(libPath)
  if (/^[A-Za-z]:\//.test(forward)) return forward.slice(0, 2) + path.posix.normalize(forward.slice(2))
  if (forward.startsWith('/')) return path.posix.normalize(forward)
  return path.resolve(folder, forward)
}

function slashes (p: string): string {
  return p.replace(/\\/g, '/')
}
