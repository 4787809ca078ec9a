// Asks for a new password or PIN: twice and hidden at a terminal, one line when piped (scripts, tests).
import { Refusal } from './command-errors.ts'
import type { ScriptIo } from './script-io.ts'

export const MIN_SECRET_LENGTH = 4

/** Reads one line typed at the terminal without showing it. */
function askHidden (io: ScriptIo, prompt: string): Promise<string> {
  const stdin = io.stdin
  // Echo goes off before the prompt shows, so nothing typed right after it is echoed.
  stdin.setRawMode!(true)
  io.err(prompt, true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode!(false)
      stdin.pause()
      io.err('')
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') { finish(); resolve(value); return }
        if (ch === '\u0003' || ch === '\u0004') { finish(); reject(new Refusal('cancelled; nothing changed.')); return }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('')
        else if (ch >= ' ') value += ch
      }
    }
    stdin.on('data', onData)
  })
}

async function readStdinLine (io: ScriptIo): Promise<string> {
  let text = ''
  io.stdin.setEncoding('utf8')
  for await (const chunk of io.stdin) text += chunk as string
  return text.split(/\r?\n/, 1)[0] ?? ''
}

/** The secret typed for `name`; "" when none was given. Too short ones are returned for the caller to refuse. */
export async function newSecret (io: ScriptIo, name: string): Promise<string> {
  if (!io.stdin.isTTY) return readStdinLine(io)
  const first = await askHidden(io, `New password or PIN for ${name}: `)
  if ([...first].length < MIN_SECRET_LENGTH) return first // refused below, before asking again
  const again = await askHidden(io, 'Type it again: ')
  if (again !== first) throw new Refusal('the two did not match; nothing changed.')
  return first
}
