// One Blender process: started with a pipe on stdin (commands for a session; closing it makes
// Blender exit, see node/blender/session.py), its stdout and stderr read line by line, written frames
// reported as they come. kill() ends it at once (SIGKILL: a cancelled frame is thrown away anyway).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { BlenderCommand } from './blender-args.ts'
import { BlenderOutput, type WrittenFrame } from './blender-output.ts'

export interface BlenderExit {
  exitCode: number | null
  signal: string | null
  /** Ended by kill() (a cancel or the node stopping). */
  killed: boolean
  seconds: number
}

export class BlenderProcess {
  readonly output = new BlenderOutput()
  readonly exited: Promise<BlenderExit>
  private readonly child: ChildProcess
  private killed = false
  private readonly started = performance.now()

  constructor (command: BlenderCommand, onFrame: (frame: WrittenFrame) => void, onLine?: (line: string) => void) {
    this.child = spawn(command.command, command.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } })
    const read = (stream: NodeJS.ReadableStream) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity })
      lines.on('line', (text) => {
        onLine?.(text)
        const written = this.output.line(text)
        // Only a file that is really there counts as written.
        if (written && existsSync(written.file)) onFrame(written)
      })
    }
    read(this.child.stdout!)
    read(this.child.stderr!)
    this.child.stdin!.on('error', () => {})
    this.exited = new Promise((resolve) => {
      let spawnError: Error | null = null
      this.child.once('error', (err) => {
        spawnError = err
        this.output.line(`Error: cannot start Blender (${command.command}): ${err.message}`)
      })
      this.child.once('close', (code, signal) => {
        resolve({
          exitCode: spawnError ? 127 : code,
          signal: spawnError ? null : signal,
          killed: this.killed,
          seconds: (performance.now() - this.started) / 1000,
        })
      })
    })
  }

  get pid (): number | undefined { return this.child.pid }

  get running (): boolean { return this.child.exitCode === null && this.child.signalCode === null }

  /** Writes a command line to Blender's stdin. */
  send (line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** Closes stdin: a Blender session then exits by itself. */
  close (): void {
    this.child.stdin!.end()
  }

  kill (): void {
    if (!this.running) return
    this.killed = true
    this.child.kill('SIGKILL')
  }
}
