// Password and PIN checks, a few at a time. scrypt runs in libuv's thread pool (4 threads), which
// file reads and folder walks share: a flood of log-ins queued dozens of hashes there, and every
// other request touching the disk waited seconds behind them. At most `atOnce` checks run and a few
// more wait their turn; beyond that a log-in is refused at once as busy (503), costing nothing.
import { HttpError } from '../errors.ts'

export class ServerBusy extends HttpError {
  constructor () {
    super(503, 'RFAM_LOGIN_BUSY', 'The server is busy checking other log-ins. Try again in a moment.')
  }
}

export class SecretChecks {
  private running = 0
  private readonly waiting: Array<() => void> = []
  /** Most checks seen running at once, and checks started (for tests and benchmarks). */
  peakRunning = 0
  started = 0

  constructor (private readonly atOnce = 2, private readonly maxWaiting = 8) {}

  /** Runs a check when a slot is free; throws ServerBusy at once when too many are waiting. */
  async run<T> (check: () => Promise<T>): Promise<T> {
    if (this.running < this.atOnce) this.running++
    else if (this.waiting.length < this.maxWaiting) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else throw new ServerBusy()
    // A slot is ours here: taken above, or handed over by the check that finished.
    this.peakRunning = Math.max(this.peakRunning, this.running)
    this.started++
    try {
      return await check()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
