// Counts whole seconds down to zero and re-renders its host each second meanwhile (the log-in page's
// "wait N seconds" after wrong tries).
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export class Countdown implements ReactiveController {
  private until = 0
  private timer?: ReturnType<typeof setInterval>

  constructor (private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  /** Whole seconds left; 0 once it has run out. */
  get remaining (): number {
    return Math.max(0, Math.ceil((this.until - Date.now()) / 1000))
  }

  start (seconds: number): void {
    this.until = Date.now() + seconds * 1000
    this.tick()
    this.host.requestUpdate()
  }

  hostConnected (): void {
    if (this.remaining > 0) this.tick()
  }

  hostDisconnected (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private tick (): void {
    clearInterval(this.timer)
    this.timer = setInterval(() => {
      this.host.requestUpdate()
      if (this.remaining === 0) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }, 1000)
  }
}
