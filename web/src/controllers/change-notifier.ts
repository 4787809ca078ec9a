// Shared stores that components follow (the language, the logged-in session's state): a store extends
// ChangeNotifier and calls changed(); a component adds a RerenderOnChange for it and re-renders after
// each change for as long as it is on the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

type Listener = () => void

export class ChangeNotifier {
  private readonly listeners = new Set<Listener>()

  /** Calls `listener` after each change; returns what stops it. */
  subscribe (listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  protected changed (): void {
    for (const listener of this.listeners) listener()
  }
}

/** Re-renders its host whenever `store` changes, while the host is connected. */
export class RerenderOnChange implements ReactiveController {
  private unsubscribe?: () => void

  constructor (private readonly host: ReactiveControllerHost, private readonly store: ChangeNotifier) {
    host.addController(this)
  }

  hostConnected (): void {
    this.unsubscribe = this.store.subscribe(() => this.host.requestUpdate())
  }

  hostDisconnected (): void {
    this.unsubscribe?.()
  }
}
