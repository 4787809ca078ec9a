// The render nodes the farm knows: their records on disk (<farm>/nodes/<name>.json, rewritten at
// hello, on pause and resume, and every ten minutes while a node is alive), their secret
// sessions, when each was last heard from, and which jobs they could take (cached counts the
// scheduler uses to size runs and to know whether a failed task can go to another node).
// A node name belongs to the farm credential that first said hello with it, until staff remove
// its record (npm run farm -- forget-node <name>), which the running server notices.
// A node is gone when it is silent for the node timeout, or sooner when its held work request
// was closed from its end (its process died: the kernel closes its connections) and it sent
// nothing since for a short grace: a node that gave a poll up itself asks again at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import type { FarmHello, FarmNode } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import { noWorkReason } from './sandbox-policy.ts'
import { canShip, type NodeCaps } from './scheduler.ts'
import { NameFiles } from './name-files.ts'
import { fitNodeOf, fitOfKey, nodeFits } from './node-fit.ts'

export interface NodeState {
  record: FarmNode
  caps: NodeCaps
  /** When a request from it last arrived (ms). */
  lastSeen: number
  online: boolean
  /** Its held work request, if any. */
  waiter: { cancel: () => void, free: number } | null
  persistedSeen: number
  /** The session id that last matched the record's hash. */
  sessionChecked: string | null
  /** Its work requests (polls), counted: tells whether another came after a given one. */
  polls: number
  /** When its held work request closed from its end with no request from it since (ms), else null. */
  closedAt: number | null
  /** A single-use node: the jobs it took runs of (what it may leave behind when it goes). */
  jobsTaken?: Set<string>
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export class NodeRegistry {
  readonly nodes = new Map<string, NodeState>()
  private eligibleCache = new Map<string, { nodes: number, slots: number, known: number }>()
  private readonly files: NameFiles<FarmNode>

  /** allowUnsandboxed: farmSettings.allowUnsandboxedNodes (sandbox-policy.ts). */
  constructor (farmDir: string, private readonly now: () => number, private readonly log: { warn: (fields: object, msg: string) => void, error: (fields: object, msg: string) => void }, private readonly allowUnsandboxed = false) {
    this.files = new NameFiles(join(farmDir, 'nodes'), 'node.schema.json', 'node', log)
  }

  async load (): Promise<void> {
    for (const record of await this.files.load()) {
      this.nodes.set(record.name, { record, caps: capsOf(record, this.allowUnsandboxed), lastSeen: Date.parse(record.lastSeen), online: false, waiter: null, persistedSeen: Date.parse(record.lastSeen), sessionChecked: null, polls: 0, closedAt: null })
    }
  }

  /** After a restart: a node that had work gets a full timeout to come back before it is given up. */
  expectBack (name: string): void {
    const state = this.nodes.get(name)
    if (!state || state.online) return
    state.online = true
    state.lastSeen = this.now()
    this.changed()
  }

  /**
   * Registers (or re-registers) a node; returns its new secret session id, and whether the name
   * changed credential (staff freed it: nothing of the old node's carries over).
   */
  async hello (msg: FarmHello, credential: string): Promise<{ state: NodeState, session: string, rebound: boolean }> {
    const session = randomBytes(32).toString('hex')
    const old = this.nodes.get(msg.name)
    const bound = old?.record.credential
    const rebound = bound !== undefined && bound !== credential
    if (rebound && await this.files.onDisk(msg.name)) {
      throw new HttpError(403, 'RFAM_NODE_NAME_BOUND', `The node name "${msg.name}" belongs to another farm credential; give this node its own name ("name" in its configuration), or ask staff to free the name (npm run farm -- forget-node ${msg.name}).`)
    }
    // A node of that name holding a work request open is alive and connected: this is another
    // machine using the same name, not that node restarting (a dead process's request is gone).
    if (old?.waiter && old.online && !rebound) {
      throw new HttpError(409, 'RFAM_NODE_NAME_TAKEN', `A render node called "${msg.name}" is connected already; give each node its own name ("name" in its configuration).`)
    }
    const record: FarmNode = {
      name: msg.name,
      version: msg.version,
      provides: [...msg.provides],
      shares: [...msg.shares],
      processes: msg.processes,
      paused: old?.record.paused ?? false,
      lastSeen: new Date(this.now()).toISOString(),
      singleUse: msg.singleUse ?? false,
      sharedCores: msg.sharedCores ?? false,
      credential,
      session: sha256(session),
    }
    if (msg.blenderVersion !== undefined) record.blenderVersion = msg.blenderVersion
    if (msg.sandbox !== undefined) record.sandbox = msg.sandbox
    if (msg.denoise !== undefined) record.denoise = msg.denoise
    if (msg.blenders !== undefined) record.blenders = msg.blenders
    if (msg.devices !== undefined) record.devices = msg.devices
    if (msg.noShare) record.noShare = true
    const state: NodeState = old ?? { record, caps: capsOf(record, this.allowUnsandboxed), lastSeen: 0, online: false, waiter: null, persistedSeen: 0, sessionChecked: null, polls: 0, closedAt: null }
    state.record = record
    state.sessionChecked = null
    state.caps = capsOf(record, this.allowUnsandboxed)
    state.lastSeen = this.now()
    state.online = true
    state.polls++ // a new session: no earlier poll's close counts
    state.closedAt = null
    state.persistedSeen = state.lastSeen
    state.waiter?.cancel()
    this.nodes.set(record.name, state)
    this.changed()
    await this.persist(state)
    return { state, session, rebound }
  }

  /** The node a message comes from, if its session is right; otherwise 401 (the node says hello again). */
  authenticate (name: string, session: string): NodeState {
    const state = this.nodes.get(name)
    // The session id checked last time is kept, so most messages need no hashing.
    if (state && state.sessionChecked !== null && sameSecret(state.sessionChecked, session)) return state
    const want = state?.record.session
    const got = sha256(session)
    if (!state || !want || !timingSafeEqual(Buffer.from(want), Buffer.from(got))) {
      throw new HttpError(401, 'RFAM_NODE_SESSION', `Node "${name}" has no session with that id on this server; it must say hello (POST /api/farm/hello) first.`)
    }
    state.sessionChecked = session
    return state
  }

  /**
   * The node a message comes from: its session must be right (401) and its credential the one it
   * said hello with (403). It was heard from (touch).
   */
  heardFrom (name: string, session: string, credential: string): NodeState {
    const state = this.authenticate(name, session)
    if (state.record.credential !== credential) {
      throw new HttpError(403, 'RFAM_NODE_CREDENTIAL', `Node "${name}" said hello with another farm credential; use the same one for every message.`)
    }
    this.touch(state)
    return state
  }

  /** A request arrived from the node. */
  touch (state: NodeState): void {
    const now = this.now()
    state.lastSeen = now
    state.closedAt = null
    if (!state.online) {
      state.online = true
      this.changed()
    }
    // The file's lastSeen only matters for nodes that are gone: refreshed every ten minutes.
    if (now - state.persistedSeen > 600_000) {
      state.persistedSeen = now
      state.record.lastSeen = new Date(now).toISOString()
      void this.persist(state).catch(() => {})
    }
  }

  async setPaused (name: string, paused: boolean): Promise<NodeState> {
    const state = this.nodes.get(name)
    if (!state) throw new HttpError(404, 'RFAM_NO_NODE', `There is no render node called "${name}".`)
    if (state.record.paused !== paused) {
      state.record.paused = paused
      this.changed()
      await this.persist(state)
    }
    return state
  }

  /** A work request came from it (after touch): its number, for pollClosed. */
  polled (state: NodeState): number {
    return ++state.polls
  }

  /**
   * Its `poll`-th work request closed from its end without an answer. Only a hint, and only if no
   * newer poll came meanwhile (one may overtake the close): the node is gone unless it is heard
   * from again soon (closedGone). Reports sent before the close prove nothing: a killed busy node
   * sent them too.
   */
  pollClosed (state: NodeState, poll: number): void {
    if (state.online && state.polls === poll) state.closedAt = this.now()
  }

  /**
   * Requests were refused unheard for a while (the farm was read-only): every node's silence counts
   * from now, so none is given up for a silence the farm imposed (a node whose held request had
   * closed gets its full grace, the others the full node timeout).
   */
  restartSilence (): void {
    const now = this.now()
    for (const state of this.nodes.values()) {
      if (!state.online) continue
      state.lastSeen = Math.max(state.lastSeen, now)
      if (state.closedAt !== null) state.closedAt = now
    }
  }

  /** Nodes silent for longer than the timeout: marked offline and returned. */
  timedOut (timeoutMs: number): NodeState[] {
    const limit = this.now() - timeoutMs
    return this.goneWhere((state) => state.lastSeen < limit)
  }

  /** Nodes whose held request closed from their end and that sent nothing since for `graceMs`: marked offline and returned. */
  closedGone (graceMs: number): NodeState[] {
    const limit = this.now() - graceMs
    return this.goneWhere((state) => state.closedAt !== null && state.closedAt <= limit)
  }

  private goneWhere (test: (state: NodeState) => boolean): NodeState[] {
    const gone: NodeState[] = []
    for (const state of this.nodes.values()) {
      if (state.online && test(state)) {
        state.online = false
        state.closedAt = null
        gone.push(state)
      }
    }
    if (gone.length) this.changed()
    return gone
  }

  /** Signs a node off (single-use nodes when they exit, nodes stopping cleanly). */
  offline (state: NodeState): void {
    state.online = false
    state.closedAt = null
    state.waiter?.cancel()
    this.changed()
  }

  /** A single-use node went away for good: when, kept on disk with the frames it wrote (the nodes table's arrays). */
  async finished (state: NodeState): Promise<void> {
    state.record.finished = new Date(this.now()).toISOString()
    state.record.lastSeen = new Date(state.lastSeen).toISOString()
    await this.persist(state)
  }

  /** Forgets nodes that are gone for good (finished single-use nodes, node-arrays.ts): record and file. */
  async drop (names: string[]): Promise<void> {
    for (const name of names) {
      const state = this.nodes.get(name)
      if (!state || state.online) continue
      this.nodes.delete(name)
      try {
        await this.files.remove(name)
      } catch (err) {
        this.log.error({ node: name, err }, 'cannot remove node file')
      }
    }
    this.changed()
  }

  /**
   * For a group (share + required tags): online unpaused nodes and their process slots, and
   * every node known that could take it (online or not).
   */
  eligible (group: string): { nodes: number, slots: number, known: number } {
    let hit = this.eligibleCache.get(group)
    if (!hit) {
      const [share, tags, fit] = group.split('|') as [string, string, string?]
      const required = tags ? tags.split(',') : []
      const needs = fitOfKey(fit)
      hit = { nodes: 0, slots: 0, known: 0 }
      for (const s of this.nodes.values()) {
        if (!canShip(s.caps, share) || !required.every((t) => s.caps.provides.has(t)) || !nodeFits(needs, s.caps)) continue
        hit.known++
        if (s.online && !s.record.paused) {
          hit.nodes++
          hit.slots += s.record.processes
        }
      }
      this.eligibleCache.set(group, hit)
    }
    return hit
  }

  /** Names of every known node that could take a group. */
  knownFor (group: string): string[] {
    const [share, tags, fit] = group.split('|') as [string, string, string?]
    const required = tags ? tags.split(',') : []
    const needs = fitOfKey(fit)
    return [...this.nodes.values()].filter((s) => canShip(s.caps, share) && required.every((t) => s.caps.provides.has(t)) && nodeFits(needs, s.caps)).map((s) => s.record.name)
  }

  private changed (): void { this.eligibleCache.clear() }

  private async persist (state: NodeState): Promise<void> {
    try {
      await this.files.write(state.record.name, state.record)
    } catch (err) {
      this.log.error({ node: state.record.name, err }, 'cannot write node file')
    }
  }
}

/** Compares two secrets in time that does not depend on where they differ (no Buffers: every request does this). */
function sameSecret (a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

function capsOf (record: FarmNode, allowUnsandboxed: boolean): NodeCaps {
  // A node the farm gives no work (no sandbox, not allowed) can reach no share as far as the
  // scheduler goes: it takes no job and counts for none (run sizes, retries, a job left without nodes).
  const works = noWorkReason(record, allowUnsandboxed) === undefined
  return { name: record.name, shares: new Set(works ? record.shares : []), noShare: works && record.noShare === true, provides: new Set(record.provides), processes: record.processes, singleUse: record.singleUse ?? false, sharedCores: record.sharedCores ?? false, ...fitNodeOf(record) }
}
