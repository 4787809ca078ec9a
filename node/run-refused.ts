// A run the node will not or cannot do (its files cannot be fetched, a path leads out of the
// project, the disk is full…), with the sentence that says why as a key of the language files, so
// the student reads it in their own language on the Rendering page; the message is its English text.
import type { Said } from '../common/sentences.ts'

export class RunRefused extends Error {
  constructor (readonly said: Said) {
    super(said.text)
  }
}
