// Loads one API resource for a component: keeps its value, its error message and whether it is loading,
// and re-renders the host when any of them change. A newer reload cancels an older one still in flight,
// so a slow reply can never overwrite a fresher one.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { errorMessage } from './api-client.ts'

export class ApiController<T> implements ReactiveController {
  value?: T
  error?: string
  loading = false
  private current?: AbortController

  constructor (
    private readonly host: ReactiveControllerHost,
    private readonly load: (signal: AbortSignal) => Promise<T>
  ) {
    host.addController(this)
  }

  hostConnected (): void {
    if (this.value === undefined && !this.loading) void this.reload()
  }

  hostDisconnected (): void {
    this.current?.abort()
    this.current = undefined
    this.loading = false
  }

  /** Fetches again; resolves once the value (or the error) is in place. */
  async reload (): Promise<void> {
    this.current?.abort()
    const controller = new AbortController()
    this.current = controller
    this.loading = true
    this.host.requestUpdate()
    try {
      const value = await this.load(controller.signal)
      if (controller.signal.aborted) return
      this.value = value
      this.error = undefined
    } catch (error) {
      if (controller.signal.aborted) return
      this.error = errorMessage(error)
    } finally {
      if (this.current === controller) {
        this.loading = false
        this.current = undefined
        this.host.requestUpdate()
      }
    }
  }
}
