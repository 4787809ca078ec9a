// A submitted <form> read the way every form here reads it: the browser's own submit stopped, each
// field as trimmed text.

/**
 * Stops the browser's own submit and returns the form, with `field(name)`: that field's value as
 * trimmed text ('' when the form has no such field; 'on' for a ticked checkbox).
 */
export function submittedForm (event: SubmitEvent): { form: HTMLFormElement, field: (name: string) => string } {
  event.preventDefault()
  const form = event.target as HTMLFormElement
  const data = new FormData(form)
  return { form, field: (name) => String(data.get(name) ?? '').trim() }
}
