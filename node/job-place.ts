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

/** A run the node refuses before Blender starts; the message is the sentence for the student. */
export class PlaceRefused extends Error {}

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
/** How a path leaves the project: by its name, or through a link to `real`. */
const how = (project: string, named: string, real: string) => isInside(project, named) ? `leads out of the project through a link (to ${real})` : 'is outside the project'

export function placeOfRun (task: FarmTask, shares: Shares): RunPlace {
  const projectPath = task.projectDir ? shares.resolve(task.projectDir) : projectFromFile(task, shares)
  if (!projectPath) throw new PlaceRefused(`This node cannot tell which project ${task.file} belongs to (the server does not say, and no folder above it holds project.json); update the RFAM server.`)
  let project: string
  try {
    project = realpathSync(projectPath)
  } catch {
    throw new PlaceRefused(`This node cannot find the project folder ${task.projectDir ?? projectPath}.`)
  }
  const fileNamed = shares.resolve(task.file)
  const file = realOfExisting(fileNamed)
  if (!isInside(project, file)) {
    throw new PlaceRefused(`The file ${shown(projectPath, fileNamed)} ${how(projectPath, fileNamed, file)}, so the farm does not render it: keep the .blend itself inside the project folder.`)
  }
  const outputNamed = shares.resolve(task.output)
  const outputDirNamed = dirname(outputNamed)
  const check = (): string => {
    const real = realOfExisting(outputDirNamed)
    if (!isInside(project, real)) {
      throw new PlaceRefused(`The output folder ${shown(projectPath, outputDirNamed)} ${how(projectPath, outputDirNamed, real)}, so Blender may not write there: make it a real folder inside the project, not a link to another one.`)
    }
    return real
  }
  check()
  mkdirSync(outputDirNamed, { recursive: true })
  // Made through the same path: checked again, now that every part of it exists.
  const outputDir = check()
  return { project, file, outputDir, output: join(outputDir, basename(outputNamed)), outputShown: `${shown(project, outputDir)}/` }
}
