// The frames viewer's styles: a dark picture area keeping the render's shape, a scrub bar with the
// frames that have no picture marked on it, and the controls under it.
import { css } from 'lit'

export const framePlayerStyles = css`
  :host { display: block; outline: none; }
  :host(:focus-visible) .area { outline: 3px solid var(--rfam-focus); outline-offset: 2px; }
  :host(:fullscreen) { background: #000; display: flex; flex-direction: column; padding: 8px; }
  :host(:fullscreen) .area { flex: 1; aspect-ratio: auto; max-height: none; }
  .area { position: relative; width: 100%; background: #111; border-radius: 8px; overflow: hidden; max-height: 75vh; touch-action: none; }
  canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
  .area.zoomed { cursor: grab; }
  .area.wiping { cursor: ew-resize; }
  .say { position: absolute; inset: auto 0 0 0; margin: 0; padding: 10px 14px; background: rgb(0 0 0 / 0.72); color: #fff; font-weight: 600; text-align: center; }
  .say.center { inset: 40% 8% auto 8%; border-radius: 8px; }
  .say.card { inset: 0; display: grid; place-items: center; padding: 16px; background: none; font-size: clamp(1rem, 3vw, 1.8rem); font-weight: 700; }
  .label { position: absolute; top: 8px; left: 10px; margin: 0; padding: 2px 8px; border-radius: 6px; background: rgb(0 0 0 / 0.6); color: #fff; font-size: 0.85rem; }
  .label.right { left: auto; right: 10px; }
  .bar { position: relative; height: 26px; margin: 10px 0 6px; background: var(--rfam-ok-soft); border-radius: 6px; cursor: pointer; touch-action: none; }
  .bar:focus-visible { outline: 3px solid var(--rfam-focus); }
  .loaded { position: absolute; bottom: 0; height: 4px; background: var(--rfam-ok); opacity: 0.7; }
  .mark { position: absolute; top: 0; bottom: 0; min-width: 2px; }
  .mark.missing { background: var(--rfam-error); }
  .mark.failed, .mark.cancelled { background: repeating-linear-gradient(45deg, var(--rfam-error) 0 4px, var(--rfam-error-soft) 4px 8px); }
  .mark.rendering { background: var(--rfam-accent); }
  .mark.waiting { background: var(--rfam-surface-2); }
  .range { position: absolute; top: -3px; bottom: -3px; border: 2px solid var(--rfam-text); border-radius: 4px; pointer-events: none; }
  .head { position: absolute; top: -4px; bottom: -4px; width: 3px; margin-left: -1px; background: var(--rfam-text); pointer-events: none; }
  .controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .controls button { padding: 0 10px; }
  .controls .play { min-width: 6em; }
  .controls button[aria-pressed='true'] { background: var(--rfam-accent); color: var(--rfam-on-accent); }
  .where { font-variant-numeric: tabular-nums; font-weight: 600; margin-right: auto; }
  .facts { color: var(--rfam-muted); font-size: 0.85rem; margin: 6px 0 0; }
  .legend { display: inline-flex; gap: 4px; align-items: center; margin-right: 10px; }
  .legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
  input[type='range'] { width: 8em; min-height: auto; }
`
