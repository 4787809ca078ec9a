// Where a run's files are on this node, checked before Blender starts: the project folder, the
// .blend and the output folder, each resolved through links to its real place. A file or output
// that leads out of the project (a shots/ or renders/ link into another project) is refused with a
// sentence, since Blender would read or write the other project there. Only then is the output
// folder made, by the node: the sandbox mounts it, and Blender gets the real paths, so what it
// sees is what was checked.
import { existsSync, mkdirSync, realpathSync } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import type { FarmTask } from '../schemas/generated/types.ts'
import { isInside, type Shares } from '../common/named-paths.ts'
import type { JobPlace } from './sandbox.ts'
import { RunRefused } from './run-refused.ts'
import { say } from '../common/sentences.ts'

/** A run the node refuses before Blender starts; its sentence is for the student. */
export class PlaceRefused extends RunRefused {}

export interface RunPlace extends JobPlace {
  /** The .blend (real path). */
  file: string
  /** The output pattern inside outputDir. */
  output: string
  /** outputDir as the student knows it, relative to the project ('renders/shot/'). */
  outputShown: string
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realOfExisting (p: string): string {
  const rest: string[] = []
  let current = p
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse())
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      const parent = dirname(current)
      if (parent === current) return p
      rest.push(basename(current))
      current = parent
    }
  }
}

/** The project of a run from an older server, which does not say: the nearest folder above the file holding project.json, inside its share. */
function projectFromFile (task: FarmTask, shares: Shares): string | null {
  const share = task.file.slice(0, task.file.indexOf('::'))
  const root = shares.root(share)
  let folder = dirname(shares.resolve(task.file))
  while (isInside(root, folder)) {
    if (existsSync(join(folder, 'project.json'))) return folder
    const parent = dirname(folder)
    if (parent === folder) break
    folder = parent
  }
  return null
}

const shown = (project: string, p: string) => relative(project, p).split(sep).join('/')
/** Whether a path leaves the project through a link (its name is inside), rather than by its name. */
const byLink = (project: string, named: string) => isInside(project, named)

export function placeOfRun (task: FarmTask, shares: Shares): RunPlace {
  const projectPath = task.projectDir ? shares.resolve(task.projectDir) : projectFromFile(task, shares)
  if (!projectPath) throw new PlaceRefused(say('noderun:no-project', { file: task.file }))
  let project: string
  try {
    project = realpathSync(projectPath)
  } catch {
    throw new PlaceRefused(say('noderun:no-project-folder', { folder: task.projectDir ?? projectPath }))
  }
  const fileNamed = shares.resolve(task.file)
  const file = realOfExisting(fileNamed)
  if (!isInside(project, file)) {
    const values = { file: shown(projectPath, fileNamed), target: file }
    throw new PlaceRefused(byLink(projectPath, fileNamed) ? say('noderun:file-linked-out', values) : say('noderun:file-outside', values))
  }
  const outputNamed = shares.resolve(task.output)
  const outputDirNamed = dirname(outputNamed)
  const check = (): string => {
    const real = realOfExisting(outputDirNamed)
    if (!isInside(project, real)) {
      const values = { folder: shown(projectPath, outputDirNamed), target: real }
      throw new PlaceRefused(byLink(projectPath, outputDirNamed) ? say('noderun:output-linked-out', values) : say('noderun:output-outside', values))
    }
    return real
  }
  check()
  mkdirSync(outputDirNamed, { recursive: true })
  // Made through the same path: checked again, now that every part of it exists.
  const outputDir = check()
  return { project, file, outputDir, output: join(outputDir, basename(outputNamed)), outputShown: `${shown(project, outputDir)}/` }
}
