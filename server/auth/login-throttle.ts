// Slows down guessing: wrong passwords and PINs are counted per account and per client address.
// After `free` wrong tries each further wrong try makes the next one wait, 1 s, 2 s, 4 s … up to
// `maxWaitMs`. Counts are forgotten an hour after the last wrong try, and staff can unlock an account.
//
// Tries running at the same moment cannot slip past the count: while a key has used up its free tries,
// only one try at a time is checked; before that, only as many as it has free tries left (+1).
// Kept in memory: a restart forgets the counts (an attacker cannot restart the server).
import { addressKey } from './client-address.ts'

export interface ThrottleSettings {
  freeTries: number
  freeTriesPerAddress: number
  maxWaitMs: number
  now: () => number
}

const FORGET_AFTER_MS = 3600_000
/** Keys kept at most (addresses are chosen by the caller); the least recently seen go first. */
const MAX_KEYS = 50_000
/** Addresses remembered per account, so unlocking the account frees them too (one classroom's). */
const ADDRESSES_PER_ACCOUNT = 16

interface Count {
  failures: number
  /** Tries being checked right now. */
  running: number
  waitUntil: number
  lastFailure: number
  addresses?: Set<string>
}

/** A try allowed to go ahead: say how it went, exactly once. */
export interface Attempt {
  wrong: () => void
  right: () => void
  /** It was never checked (the server was too busy). */
  cancel: () => void
}

class Counter {
  private readonly counts = new Map<string, Count>()
  constructor (private readonly free: number, private readonly settings: ThrottleSettings) {}

  /** Milliseconds the next try of this key must wait; 0 when it may go ahead. */
  waitMs (key: string): number {
    const count = this.current(key)
    if (!count) return 0
    const now = this.settings.now()
    if (now < count.waitUntil) return count.waitUntil - now
    return count.running >= Math.max(1, this.free + 1 - count.failures) ? 1000 : 0
  }

  get (key: string): Count | undefined { return this.current(key) }

  start (key: string): Count {
    const count = this.current(key) ?? { failures: 0, running: 0, waitUntil: 0, lastFailure: 0 }
    count.running++
    this.counts.delete(key) // re-inserted last: the map stays ordered by last use
    this.counts.set(key, count)
    if (this.counts.size > MAX_KEYS) this.forgetOldest()
    return count
  }

  failed (count: Count): void {
    const now = this.settings.now()
    count.failures++
    count.lastFailure = now
    const over = count.failures - this.free
    if (over > 0) count.waitUntil = now + Math.min(this.settings.maxWaitMs, 1000 * 2 ** Math.min(over - 1, 30))
  }

  /** Forgets a key (only if it still holds `count`, when given). */
  delete (key: string, count?: Count): void {
    if (count === undefined || this.counts.get(key) === count) this.counts.delete(key)
  }

  /** The count of a key, or undefined once it has been forgotten. */
  private current (key: string): Count | undefined {
    const count = this.counts.get(key)
    if (count && count.running === 0 && this.settings.now() - count.lastFailure >= FORGET_AFTER_MS && this.settings.now() >= count.waitUntil) {
      this.counts.delete(key)
      return undefined
    }
    return count
  }

  private forgetOldest (): void {
    for (const [key, count] of this.counts) {
      if (this.counts.size <= MAX_KEYS) return
      if (count.running === 0) this.counts.delete(key)
    }
  }
}

export class LoginThrottle {
  private readonly accounts: Counter
  private readonly addresses: Counter

  constructor (settings: ThrottleSettings) {
    this.accounts = new Counter(settings.freeTries, settings)
    this.addresses = new Counter(settings.freeTriesPerAddress, settings)
  }

  /** Whole seconds a try for `account` from `ip` must wait; 0 when it may go ahead. */
  waitSeconds (account: string, ip: string): number {
    return Math.ceil(Math.max(this.accounts.waitMs(account), this.addresses.waitMs(addressKey(ip))) / 1000)
  }

  /** Counts a try that may go ahead (call waitSeconds first). */
  start (account: string, ip: string): Attempt {
    const address = addressKey(ip)
    const forAccount = this.accounts.start(account)
    const forAddress = this.addresses.start(address)
    let done = false
    const finish = (how: 'wrong' | 'right' | 'cancel') => {
      if (done) return
      done = true
      forAccount.running--
      forAddress.running--
      if (how === 'wrong') {
        this.accounts.failed(forAccount)
        this.addresses.failed(forAddress)
        forAccount.addresses ??= new Set()
        forAccount.addresses.delete(address)
        forAccount.addresses.add(address)
        if (forAccount.addresses.size > ADDRESSES_PER_ACCOUNT) forAccount.addresses.delete(forAccount.addresses.values().next().value!)
      }
      // The right secret clears the account's count; the address keeps its own (it may be guessing others).
      if (how === 'right') {
        forAccount.failures = 0
        forAccount.waitUntil = 0
        if (forAccount.running === 0) this.accounts.delete(account, forAccount)
      }
    }
    return { wrong: () => finish('wrong'), right: () => finish('right'), cancel: () => finish('cancel') }
  }

  /** What staff see of an account. */
  state (account: string): { failedTries: number, waitSeconds: number } {
    const count = this.accounts.get(account)
    return { failedTries: count?.failures ?? 0, waitSeconds: Math.ceil(this.accounts.waitMs(account) / 1000) }
  }

  /** Staff: the account may try again at once, and so may the addresses its wrong tries came from. */
  unlock (account: string): void {
    for (const address of this.accounts.get(account)?.addresses ?? []) this.addresses.delete(address)
    this.accounts.delete(account)
  }
}
