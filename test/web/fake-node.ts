// A render node played over HTTP for the browser tests: the real farm protocol with a real farm
// credential, no Blender. `farmSender` sends one message and fails on a refusal; `fakeNode` says hello
// and offers the usual moves (take work, write frames and report them, end a run).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestServer } from '../helpers/server.ts'

export interface Run { job: string, tasks: string[], frames: number[] }

export async function farmSender (server: TestServer, credentialName: string) {
  const credential = await server.app.farm.credentials.create(credentialName)
  return async (message: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${server.url}/api/farm/${message}`, {
      method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
    const json = await res.json() as Record<string, unknown>
    if (res.status >= 400) throw new Error(`${message}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
}

export async function fakeNode (server: TestServer, name: string) {
  const send = await farmSender(server, `${name}-credential`)
  const welcome = await send('hello', { name, version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  const session = welcome.session as string
  return {
    work: async () => ((await send('work', { node: name, session, free: 1, running: [], wait: false })).runs as Run[])[0]!,
    /**
     * Writes the frames' files under renders/<folder>/ and reports them written: 'PNG' (no picture)
     * unless `picture` gives a frame's bytes, named .png unless `extension` says otherwise.
     */
    write: async (run: Run, frames: number[], folder: string, picture?: (frame: number) => Buffer, extension = 'png') => {
      const renders = join(server.projectDir(), 'renders', folder)
      mkdirSync(renders, { recursive: true })
      const file = (frame: number) => `${String(frame).padStart(4, '0')}.${extension}`
      for (const frame of frames) writeFileSync(join(renders, file(frame)), picture ? picture(frame) : 'PNG')
      await send('report', { node: name, session, job: run.job, tasks: run.tasks, frames: frames.map((frame) => ({ frame, seconds: 2, memoryMB: 100, file: file(frame) })) })
    },
    done: (run: Run) => send('done', { node: name, session, job: run.job, tasks: run.tasks, frames: [], seconds: 10, free: 0 }),
  }
}
