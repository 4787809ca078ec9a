// The saved / saving / failed mark of an inline edit. run() sends one save; change() shows a new value at
// once and saves it, putting the stored value back when that fails. Only the latest save of a control
// decides its mark, so a slow earlier reply cannot hide a later failure. A failure also raises a toast
// with the server's message.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { errorMessage } from './api-client.ts'
import { showToast } from '../components/toast.ts'

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed'

export class SaveController implements ReactiveController {
  status: SaveStatus = 'idle'
  message = ''
  private sequence = 0

  constructor (private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected (): void {}

  /**
   * An inline edit's change: shows `next` in host[key] at once and saves it (when there is a save). If
   * the save fails while `next` is still shown, the stored value comes back, so the control never keeps
   * showing what is not on disk.
   */
  async change<K extends string, T> (host: Record<K, T>, key: K, next: T, save: ((value: T) => Promise<unknown>) | undefined): Promise<void> {
    const previous = host[key]
    host[key] = next
    if (!save) return
    const ok = await this.run(() => save(next))
    if (!ok && host[key] === next) host[key] = previous
  }

  /** Runs one save; resolves true when it was stored. */
  async run (save: () => Promise<unknown>): Promise<boolean> {
    const mine = ++this.sequence
    this.status = 'saving'
    this.message = ''
    this.host.requestUpdate()
    try {
      await save()
      if (mine === this.sequence) this.status = 'saved'
      return true
    } catch (error) {
      const message = errorMessage(error)
      if (mine === this.sequence) {
        this.status = 'failed'
        this.message = message
      }
      showToast(message, 'error')
      return false
    } finally {
      this.host.requestUpdate()
    }
  }
}

/** Several marks in one element (a table row with three inline edits), by field name. */
export class SaveMarks implements ReactiveController {
  private readonly marks = new Map<string, { status: SaveStatus, message: string, sequence: number }>()

  constructor (private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected (): void {}

  get (field: string): { status: SaveStatus, message: string } {
    return this.marks.get(field) ?? { status: 'idle', message: '' }
  }

  async run (field: string, save: () => Promise<unknown>): Promise<boolean> {
    const sequence = (this.marks.get(field)?.sequence ?? 0) + 1
    this.marks.set(field, { status: 'saving', message: '', sequence })
    this.host.requestUpdate()
    try {
      await save()
      if (this.marks.get(field)?.sequence === sequence) this.marks.set(field, { status: 'saved', message: '', sequence })
      return true
    } catch (error) {
      const message = errorMessage(error)
      if (this.marks.get(field)?.sequence === sequence) this.marks.set(field, { status: 'failed', message, sequence })
      showToast(message, 'error')
      return false
    } finally {
      this.host.requestUpdate()
    }
  }
}

/** What SaveOnChange needs of its element: the property `key` holding the stored value, and its save. */
type SavingElement<K extends string, T> = ReactiveControllerHost & { renderRoot: ParentNode, save?: ((value: T) => Promise<unknown>) | undefined } & Record<K, T>

/**
 * The saving of a control that saves each change at once (a checkbox, a select): a change shows and
 * saves what was picked (change() on the element's property `key`, with its `save`), and after every
 * render the control (`selector` in the element) is set to that property again. A control keeps what
 * was picked in it otherwise: a failed save puts the stored value back in the property only, and a
 * select's `selected` attribute stops working once someone has picked.
 */
export class SaveOnChange<K extends string, T> extends SaveController {
  constructor (private readonly element: SavingElement<K, T>, private readonly key: K, private readonly selector: string) {
    super(element)
  }

  /** The control's change event. */
  readonly changed = async (event: Event): Promise<void> => {
    await this.change(this.element, this.key, (event.target as unknown as Record<K, T>)[this.key], this.element.save)
  }

  hostUpdated (): void {
    const control = this.element.renderRoot.querySelector(this.selector) as unknown as Record<K, T> | null
    if (control && control[this.key] !== this.element[this.key]) control[this.key] = this.element[this.key]
  }
}
