// Finished single-use nodes, folded: a cluster array of 16 nodes that came, rendered and went is
// one line of the nodes table ("slurm-1234: 16 nodes, 100 frames, finished 10:42"), not 16 lines
// that stay forever. Nodes of one array share their name but for its last '-part' (the batch
// script names them <prefix>-<array job>-<task>; Kubernetes pods <job>-<random>). A line is kept
// for ARRAY_KEEP_MS after its last node finished; then its nodes' records are dropped.
import type { FarmNodeArray } from '../../schemas/generated/types.ts'
import type { NodeState } from './node-registry.ts'

export const ARRAY_KEEP_MS = 24 * 3600_000

/** A single-use node that went away (it never comes back), with when; null for any other. */
export function finishedAt (state: NodeState): number | null {
  if (!state.record.singleUse || state.online) return null
  // Records from before `finished` existed, or of a node the server lost track of: its last word.
  return Date.parse(state.record.finished ?? state.record.lastSeen)
}

/** The array a node name belongs to: the name without its last '-part' (the whole name when it has none). */
export function arrayOf (name: string): { name: string, slurmArray?: string } {
  const cut = name.lastIndexOf('-')
  const array = cut > 0 ? name.slice(0, cut) : name
  const slurm = /^.+-(\d+)$/.exec(array)
  return slurm && /^\d+$/.test(name.slice(cut + 1)) ? { name: array, slurmArray: slurm[1]! } : { name: array }
}

/** Finished single-use nodes, one entry per array, the latest finished first. */
export function foldArrays (states: Iterable<NodeState>): FarmNodeArray[] {
  const arrays = new Map<string, FarmNodeArray & { last: number }>()
  for (const state of states) {
    const at = finishedAt(state)
    if (at === null) continue
    const { name, slurmArray } = arrayOf(state.record.name)
    let entry = arrays.get(name)
    if (!entry) arrays.set(name, entry = { name, ...(slurmArray ? { slurmArray } : {}), nodes: 0, frames: 0, finished: '', last: -Infinity })
    entry.nodes++
    entry.frames += state.record.framesDone ?? 0
    entry.last = Math.max(entry.last, at)
  }
  return [...arrays.values()].sort((a, b) => b.last - a.last || a.name.localeCompare(b.name)).map(({ last, ...entry }) => ({ ...entry, finished: new Date(last).toISOString() }))
}

/** Names of finished single-use nodes whose array's last node finished more than ARRAY_KEEP_MS ago (none of it live). */
export function expiredNodes (states: Iterable<NodeState>, now: number): string[] {
  const last = new Map<string, number>()
  const members = new Map<string, string[]>()
  for (const state of states) {
    if (!state.record.singleUse) continue
    const { name } = arrayOf(state.record.name)
    const at = finishedAt(state)
    if (at === null) {
      last.set(name, Infinity) // a node of it is still at work
      continue
    }
    last.set(name, Math.max(last.get(name) ?? -Infinity, at))
    members.set(name, [...(members.get(name) ?? []), state.record.name])
  }
  return [...last].filter(([, at]) => now - at > ARRAY_KEEP_MS).flatMap(([name]) => members.get(name)!)
}
