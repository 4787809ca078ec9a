// A request the schemas refuse, as a sentence in the reader's language: the first problem, named by its
// field ("name" cannot be empty, is too long, is not right), with Ajv's English details as a fallback.
import type { ErrorObject } from 'ajv'
import { say, type Said } from '../common/sentences.ts'

export function invalidSentence (errors: ErrorObject[], details: string): Said {
  const first = errors[0]
  const field = first?.instancePath.split('/').filter(Boolean).at(-1)
  if (!first || !field || /^\d+$/.test(field)) return say('error:invalid', { details })
  if (first.keyword === 'minLength' && first.params.limit === 1) return say('error:invalid-empty', { field })
  if (first.keyword === 'maxLength') return say('error:invalid-too-long', { field, max: Number(first.params.limit) })
  if (['type', 'format', 'pattern', 'minimum', 'maximum', 'enum', 'minLength'].includes(first.keyword)) return say('error:invalid-field', { field, details })
  return say('error:invalid', { details })
}
