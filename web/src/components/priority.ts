// Priority options from a defaults set's priority scheme. Named levels are evenly spaced from low to
// high; a value between levels is shown and kept exactly as it is (the original snapped 80 to 75 as soon
// as the control was touched). Without names the priority is a plain number field.
import { html, type TemplateResult } from 'lit'
import type { PriorityScheme } from '../../../schemas/generated/types.ts'
import { format, t, tOptional } from '../controllers/i18n.ts'

export interface PriorityLevel { value: number, name: string }

export function priorityLevels (scheme: PriorityScheme): PriorityLevel[] {
  const names = scheme.names ?? []
  if (names.length === 0) return []
  if (names.length === 1) return [{ value: scheme.low, name: tOptional(`priority:${names[0]}`, names[0]) }]
  return names.map((name, i) => ({
    value: Math.round((scheme.low + ((scheme.high - scheme.low) * i) / (names.length - 1)) * 100) / 100,
    name: tOptional(`priority:${name}`, name),
  }))
}

/** A value's name: the level's name when it sits on one, otherwise the number and the levels around it. */
export function priorityLabel (scheme: PriorityScheme | undefined, value: number): string {
  if (!scheme) return format.number(value, 2)
  const levels = priorityLevels(scheme)
  const exact = levels.find((level) => level.value === value)
  if (exact) return exact.name
  if (levels.length === 0) return format.number(value, 2)
  const below = [...levels].reverse().find((level) => level.value < value)
  const above = levels.find((level) => level.value > value)
  if (below && above) return t('priority:between', { value: format.number(value, 2), lower: below.name })
  return t('priority:custom', { value: format.number(value, 2) })
}

/**
 * The choices of a priority <select>, highest first: every level, plus the current value as its own
 * choice when it sits between levels, so showing (or tabbing through) the control never changes it.
 */
export function priorityEntries (scheme: PriorityScheme, value: number): Array<{ value: string, label: string }> {
  const levels = priorityLevels(scheme)
  const options = levels.map((level) => ({ value: level.value, label: level.name }))
  if (!levels.some((level) => level.value === value)) {
    options.push({ value, label: priorityLabel(scheme, value) })
    options.sort((a, b) => a.value - b.value)
  }
  return options.reverse().map((option) => ({ value: String(option.value), label: option.label }))
}

/** The same choices as <option> elements for a Lit template. */
export function priorityOptions (scheme: PriorityScheme, value: number): TemplateResult[] {
  return priorityEntries(scheme, value).map((option) =>
    html`<option value=${option.value} ?selected=${option.value === String(value)}>${option.label}</option>`)
}
