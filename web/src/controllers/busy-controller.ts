// One action at a time from a component's buttons (pause all, give a PIN, log out everywhere): `busy`
// while it runs, so the buttons can be disabled, and a failure shown as a toast with the server's
// message. The component re-renders when busy changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { errorMessage } from './api-client.ts'
import { showToast } from '../components/toast.ts'

export class BusyController implements ReactiveController {
  busy = false

  constructor (private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected (): void {}

  async run (action: () => Promise<unknown>): Promise<void> {
    this.busy = true
    this.host.requestUpdate()
    try {
      await action()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    } finally {
      this.busy = false
      this.host.requestUpdate()
    }
  }
}
