// The frames viewer's keys: Space play/pause, ←/→ one frame, Home/End the first/last frame (of the
// loop range), I/O in and out points, L loop on/off, F full screen, +/− zoom, 0 fit.

export interface KeyTarget {
  readonly frameCount: number
  toggle: () => void
  step: (by: number) => void
  pause: () => void
  seek: (i: number) => void
  setIn: () => void
  setOut: () => void
  toggleLoop: () => void
  zoomBy: (factor: number) => void
  fullScreen: () => Promise<void>
}

/** Does what the key says; false for a key the player leaves alone. */
export function playerKeys (p: KeyTarget, key: string): boolean {
  switch (key) {
    case ' ': case 'k': case 'K': p.toggle(); return true
    case 'ArrowLeft': p.step(-1); return true
    case 'ArrowRight': p.step(1); return true
    case 'Home': p.pause(); p.seek(0); return true
    case 'End': p.pause(); p.seek(p.frameCount - 1); return true
    case 'i': case 'I': p.setIn(); return true
    case 'o': case 'O': p.setOut(); return true
    case 'l': case 'L': p.toggleLoop(); return true
    case 'f': case 'F': void p.fullScreen(); return true
    case '+': case '=': p.zoomBy(1.5); return true
    case '-': case '_': p.zoomBy(1 / 1.5); return true
    case '0': p.zoomBy(0); return true
    default: return false
  }
}
