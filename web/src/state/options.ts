// Choices offered by the selects of an asset: its owner (nobody or a member) and its state (the states its
// type goes through).
import type { Asset } from '../../../schemas/generated/types.ts'
import type { SelectOption } from '../components/inline-select.ts'
import { t } from '../controllers/i18n.ts'
import { appState } from './app-state.ts'

export function ownerOptions (): SelectOption[] {
  return [{ value: '', label: t('user:nobody') }, ...appState.members.map((m) => ({ value: m.ident, label: m.name }))]
}

export function stateOptions (meta: Asset): SelectOption[] {
  const states: string[] = appState.type(meta.type)?.states ?? []
  const list = states.includes(meta.state) ? states : [...states, meta.state]
  return list.map((ident) => ({ value: ident, label: appState.stateName(ident) }))
}

export function typeOptions (): SelectOption[] {
  return (appState.defaults?.types ?? []).map((type) => ({ value: type.ident, label: appState.typeName(type.ident) }))
}
