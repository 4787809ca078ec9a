// Styles every component adopts: form controls with big touch targets, buttons, cards, focus rings and a
// visually-hidden helper. Colours come from the tokens in global.css.
import { css } from 'lit'

export const sharedStyles = css`
  :host { font-family: var(--rfam-font); color: var(--rfam-text); }
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }

  :focus-visible { outline: 3px solid var(--rfam-focus); outline-offset: 2px; }

  a { color: var(--rfam-accent); text-underline-offset: 3px; }
  a:hover { text-decoration-thickness: 2px; }

  h1, h2, h3 { line-height: 1.2; margin: 0 0 0.5em; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.25rem; }
  h3 { font-size: 1.05rem; }
  p { margin: 0 0 0.75em; }

  button, .button {
    font: inherit;
    min-height: var(--rfam-touch);
    padding: 0 16px;
    border-radius: var(--rfam-radius-small);
    border: 2px solid var(--rfam-accent);
    background: var(--rfam-surface);
    color: var(--rfam-accent);
    font-weight: 600;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    text-decoration: none;
  }
  button:hover, .button:hover { background: var(--rfam-accent-soft); }
  button.primary, .button.primary { background: var(--rfam-accent); color: var(--rfam-on-accent); }
  button.primary:hover, .button.primary:hover { filter: brightness(1.15); }
  button.danger { border-color: var(--rfam-error); color: var(--rfam-error); }
  button.danger:hover { background: var(--rfam-error-soft); }
  button.quiet { border-color: transparent; background: transparent; }
  button.quiet:hover { background: var(--rfam-surface-2); }
  button:disabled { opacity: 0.5; cursor: not-allowed; }

  input, select, textarea {
    font: inherit;
    color: var(--rfam-text);
    background: var(--rfam-surface);
    border: 2px solid var(--rfam-border);
    border-radius: var(--rfam-radius-small);
    min-height: var(--rfam-touch);
    padding: 6px 10px;
    max-width: 100%;
  }
  input[type='checkbox'], input[type='radio'] { min-height: 0; width: 22px; height: 22px; accent-color: var(--rfam-accent); }
  input:hover, select:hover, textarea:hover { border-color: var(--rfam-muted); }
  textarea { width: 100%; min-height: 6em; resize: vertical; line-height: 1.4; }

  label { font-weight: 600; }
  .field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 14px; }
  .field > .hint { font-weight: 400; color: var(--rfam-muted); font-size: 0.9rem; }
  .check { display: inline-flex; align-items: center; gap: 8px; min-height: var(--rfam-touch); font-weight: 500; }

  .card {
    background: var(--rfam-surface);
    border-radius: var(--rfam-radius);
    box-shadow: var(--rfam-shadow);
    padding: 16px;
  }
  .muted { color: var(--rfam-muted); }
  .row { display: flex; flex-wrap: wrap; gap: var(--rfam-gap); align-items: center; }
  .spacer { flex: 1; }
  .mono { font-family: var(--rfam-mono); font-size: 0.92em; overflow-wrap: anywhere; }
  /* A link standing on its own (a name, a path), not inside a sentence: big enough for a finger. */
  a.tap { display: inline-flex; align-items: center; min-height: var(--rfam-touch); }

  .visually-hidden {
    position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
  }
`

/** Page layout: a centred column with breathing room, narrower padding on phones. */
export const pageStyles = css`
  :host { display: block; max-width: var(--rfam-page-width); margin: 0 auto; padding: 20px 16px 48px; }
  @media (max-width: 480px) { :host { padding: 12px 10px 40px; } }
  .page-head { display: flex; flex-wrap: wrap; align-items: center; gap: var(--rfam-gap); margin-bottom: 16px; }
  .page-head h1 { margin: 0; }
  rfam-inline-text, rfam-inline-select, rfam-priority-select { margin-bottom: 14px; }
  h3 { margin-top: 1em; }
`
