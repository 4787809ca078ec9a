// Which render nodes get work, as far as sandboxes go: a node that cannot keep Blender in a sandbox
// (no bubblewrap, a container without user namespaces, another system) would let a student's .blend
// read other projects and the node's own settings, so it gets work only where staff allow it
// (farmSettings.allowUnsandboxedNodes). A node that does not say is older than sandboxes: it has none.
import type { FarmNode, NodeSandbox } from '../../schemas/generated/types.ts'

const UNSAID: NodeSandbox = { kind: 'none', reason: 'The node does not say whether it keeps Blender in a sandbox (its RFAM is older than sandboxes); update it.' }

export function sandboxOf (record: FarmNode): NodeSandbox {
  return record.sandbox ?? UNSAID
}

/** Why the farm gives this node no work at all (for its log), or undefined when it may take work. */
export function noWorkReason (record: FarmNode, allowUnsandboxed: boolean): string | undefined {
  const sandbox = sandboxOf(record)
  if (sandbox.kind !== 'none' || allowUnsandboxed) return undefined
  return `This node cannot keep Blender in a sandbox (${sandbox.reason ?? 'no reason given'}), and this farm gives work only to nodes that can: install bubblewrap (apt-get install bubblewrap), or ask staff to set farmSettings.allowUnsandboxedNodes.`
}
