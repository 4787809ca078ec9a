// Defaults sets (asset types, states, priority scheme, templates), loaded once at start from
// config/defaults/<set>/ and held in memory: the original re-read these small files for every
// asset of every page.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { AssetType, PriorityScheme, State } from '../../schemas/generated/types.ts'
import { ConfigError, readJsonFile } from '../../common/read-json-file.ts'

export interface DefaultsSet {
  name: string
  dir: string
  priority: Required<PriorityScheme>
  states: Map<string, Required<State>>
  types: Map<string, AssetType>
  /** Types sorted by their sort value, then name. */
  typeList: AssetType[]
}

function readFolder<T extends { ident: string }> (dir: string, schemaId: string): Map<string, T> {
  const out = new Map<string, T>()
  if (!existsSync(dir)) throw new ConfigError(`${dir}: folder is missing.`)
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name)
    const item = readJsonFile<T>(file, schemaId)
    if (`${item.ident}.json` !== name) throw new ConfigError(`${file}: /ident "${item.ident}" must match the file name.`)
    out.set(item.ident, item)
  }
  return out
}

export function loadDefaultsSet (dir: string, name: string): DefaultsSet {
  const priority = readJsonFile<Required<PriorityScheme>>(join(dir, 'priority.json'), 'priority-scheme.schema.json')
  if (priority.high <= priority.low) throw new ConfigError(`${join(dir, 'priority.json')}: /high must be above /low.`)
  const states = readFolder<Required<State>>(join(dir, 'states'), 'state.schema.json')
  const types = readFolder<AssetType>(join(dir, 'types'), 'asset-type.schema.json')
  for (const type of types.values()) {
    const file = join(dir, 'types', `${type.ident}.json`)
    for (const s of type.states) if (!states.has(s)) throw new ConfigError(`${file}: /states names "${s}", which is not a state of this set.`)
    if (!type.states.includes(type.state)) throw new ConfigError(`${file}: /state "${type.state}" must be one of /states.`)
    if (type.file && !existsSync(join(dir, 'types', type.file))) throw new ConfigError(`${file}: /file "${type.file}" does not exist beside it.`)
  }
  const typeList = [...types.values()].sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.name.localeCompare(b.name))
  return { name, dir, priority, states, types, typeList }
}

export function loadDefaultsSets (root: string): Map<string, DefaultsSet> {
  const sets = new Map<string, DefaultsSet>()
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name)
    if (statSync(dir).isDirectory() && existsSync(join(dir, 'priority.json'))) sets.set(name, loadDefaultsSet(dir, name))
  }
  if (sets.size === 0) throw new ConfigError(`${root}: no defaults set found (each is a folder with priority.json, states/ and types/).`)
  return sets
}

export function templatePath (set: DefaultsSet, type: AssetType): string | null {
  return type.file ? join(set.dir, 'types', type.file) : null
}

/** The server's defaults sets, checking that the configured default set is one of them. */
export function loadConfiguredDefaultsSets (config: { file: string, defaultsDir: string, defaultSet: string }): Map<string, DefaultsSet> {
  const sets = loadDefaultsSets(config.defaultsDir)
  if (!sets.has(config.defaultSet)) {
    throw new ConfigError(`${config.file}: /defaultSet "${config.defaultSet}" is not one of the defaults sets in ${config.defaultsDir} (${[...sets.keys()].join(', ')}).`)
  }
  return sets
}
