// The render nodes: who is online (or overdue, or gone), whether each keeps Blender in a sandbox
// (one that cannot is flagged in plain words, with whether it still gets work), what each renders
// now, and pause / resume for one node or all of them (for staff: the server refuses it to others,
// so others see no buttons). Single-use nodes of a cluster array that finished are one line each
// array (how many, frames, when the last finished), not a card each.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { FarmNodeList, FarmNodeView } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { BusyController } from '../controllers/busy-controller.ts'
import { farm } from '../state/farm.ts'
import { appState } from '../state/app-state.ts'
import { frameRanges } from './frame-ranges.ts'

@customElement('rfam-node-table')
export class NodeTable extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    ul.nodes { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(260px, 100%), 1fr)); gap: 12px; }
    li.node { border: 2px solid var(--rfam-surface-2); border-radius: var(--rfam-radius-small); padding: 10px 12px; min-width: 0; }
    h3 { margin: 0 0 4px; font-size: 1rem; overflow-wrap: anywhere; }
    .state { font-weight: 700; font-size: 0.85rem; }
    .state.online { color: var(--rfam-ok); }
    .state.overdue { color: var(--rfam-warn); }
    .state.offline, .state.paused { color: var(--rfam-muted); }
    .small { font-size: 0.88rem; color: var(--rfam-muted); margin: 2px 0; overflow-wrap: anywhere; }
    .runs { margin: 6px 0; padding-left: 1.1em; font-size: 0.92rem; overflow-wrap: anywhere; }
    .sandbox { color: var(--rfam-ok); }
    .no-sandbox { color: var(--rfam-warn); font-weight: 700; font-size: 0.92rem; margin: 4px 0; }
    ul.arrays { margin: 12px 0 0; padding-left: 1.1em; }
    .all { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; align-items: center; }
  `]

  @property({ attribute: false }) list?: FarmNodeList
  private readonly i18n = new I18nController(this)
  private readonly action = new BusyController(this)

  private changed (list: FarmNodeList): void {
    this.dispatchEvent(new CustomEvent<FarmNodeList>('nodes-changed', { detail: list, bubbles: true, composed: true }))
  }

  private run (action: () => Promise<FarmNodeList>): Promise<void> {
    return this.action.run(async () => { this.changed(await action()) })
  }

  private sandboxOf (node: FarmNodeView) {
    if (node.sandbox.kind !== 'none') return html`<p class="small sandbox">${t('node:sandbox')}</p>`
    return html`<p class="no-sandbox" role="note">${this.list?.allowUnsandboxedNodes ? t('node:no-sandbox-allowed') : t('node:no-sandbox')}</p>
      ${node.sandbox.reason ? html`<p class="small">${t('node:no-sandbox-why', { reason: node.sandbox.reason })}</p>` : nothing}`
  }

  private stateOf (node: FarmNodeView): { key: string, label: string } {
    if (node.paused) return { key: 'paused', label: t('node:paused') }
    if (!node.online) return { key: 'offline', label: t('node:offline') }
    if (node.overdue) return { key: 'overdue', label: t('node:overdue') }
    return { key: 'online', label: node.runs.length ? t('node:busy') : t('node:idle') }
  }

  private arrays () {
    const arrays = this.list?.arrays ?? []
    if (arrays.length === 0) return nothing
    return html`<h3>${t('node:arrays')}</h3>
      <ul class="arrays">${arrays.map((a) => html`<li>${a.slurmArray
        ? t('node:array-slurm', { array: a.slurmArray, nodes: a.nodes, frames: a.frames, time: format.dateTime(a.finished) })
        : t('node:array', { name: a.name, nodes: a.nodes, frames: a.frames, time: format.dateTime(a.finished) })}</li>`)}</ul>`
  }

  override render () {
    const nodes = this.list?.nodes ?? []
    if (!this.list) return html`<p class="muted">${t('common:loading')}</p>`
    // Pausing nodes is for staff (the server refuses it to others).
    const staff = appState.me?.staff ?? false
    return html`
      <div class="all">
        <span class="muted">${t('node:count', { count: nodes.length, online: nodes.filter((n) => n.online).length })}</span>
        <span class="spacer"></span>
        ${staff
          ? html`<button type="button" ?disabled=${this.action.busy || nodes.length === 0} @click=${() => this.run(() => farm.pauseAll({ paused: true }))}>${t('node:pause-all')}</button>
        <button type="button" ?disabled=${this.action.busy || nodes.length === 0} @click=${() => this.run(() => farm.pauseAll({ paused: false }))}>${t('node:resume-all')}</button>`
          : nothing}
      </div>
      ${nodes.length === 0 ? html`<p>${t('node:none')}</p>` : nothing}
      <ul class="nodes">${nodes.map((node) => {
        const state = this.stateOf(node)
        return html`<li class="node">
          <h3>${node.name}</h3>
          <div class="state ${state.key}">${state.label}</div>
          <p class="small">${t('node:version', { version: node.version, blender: node.blenders.map((b) => b.version).join(', ') || (node.blenderVersion ?? '?') })}</p>
          <p class="small devices">${t('node:devices', { list: node.devices.map((d) => d.count > 1 ? `${d.type} ×${d.count}` : d.type).join(', ') })}</p>
          ${this.sandboxOf(node)}
          <p class="small">${t('node:processes', { count: node.processes })}${node.provides.length ? ` · ${node.provides.join(', ')}` : ''}</p>
          <p class="small">${t('node:last-seen', { time: format.dateTime(node.lastSeen) })}</p>
          ${node.runs.length ? html`<ul class="runs">${node.runs.map((run) => html`<li>${t('node:run', { job: run.jobName, frames: frameRanges(run.frames) })}</li>`)}</ul>` : nothing}
          ${staff
            ? html`<button type="button" ?disabled=${this.action.busy}
            @click=${() => this.run(() => farm.pauseNode(node.name, { paused: !node.paused }))}
            aria-label=${`${node.paused ? t('node:resume') : t('node:pause')}: ${node.name}`}>${node.paused ? t('node:resume') : t('node:pause')}</button>`
            : nothing}
        </li>`
      })}</ul>
      ${this.arrays()}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-node-table': NodeTable }
}
