// The width a chart has on the page, so it draws in real pixels: its text stays the page's size on a
// phone and on a wide screen instead of shrinking and growing with the picture.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Width used before the first measurement (and where nothing is measured, like a print preview). */
const DEFAULT_WIDTH = 640
const MIN_WIDTH = 280

export class ChartWidth implements ReactiveController {
  private observer?: ResizeObserver
  width = DEFAULT_WIDTH

  constructor (private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
  }

  hostConnected (): void {
    this.observer = new ResizeObserver((entries) => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0)
      const width = Math.max(MIN_WIDTH, measured)
      // Small changes (a scroll bar coming and going) are not worth drawing again.
      if (measured > 0 && Math.abs(width - this.width) >= 8) {
        this.width = width
        this.host.requestUpdate()
      }
    })
    this.observer.observe(this.host)
  }

  hostDisconnected (): void {
    this.observer?.disconnect()
  }
}
