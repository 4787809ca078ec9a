// Connect codes: how the Blender add-on logs in without anyone typing an address, a project or a
// user name. A logged-in person asks for a code on the web page "Use RFAM in Blender" and types it
// into the add-on's preferences; the add-on then gets a log-in of its own (server/auth/session-store.ts),
// as that person, to the project of the web log-in that made the code.
//
// A code is 8 characters from 31 (no 0/O, 1/I/L look-alikes): 8.5·10^11 codes, of which a class has a
// few dozen alive at once. It works once, for CODE_MINUTES, and only while the web log-in that made it
// is valid: logging out, "Log out everywhere", a changed password or PIN or a removed user ends it
// with that log-in. A person has one code at a time (a new one replaces the last). Wrong codes are
// counted per client address, as wrong passwords are (server/auth/login-throttle.ts).
//
// Kept in memory only, like the counts of wrong tries: a restart forgets them (the page makes a new
// one). Only a hash of each code is kept.
import { createHash, randomInt } from 'node:crypto'
import type { LoadedConfig } from '../config/load-config.ts'
import { HttpError } from '../errors.ts'
import { addressKey } from './client-address.ts'
import { LoginThrottle } from './login-throttle.ts'
import { waitSentence } from './login-guard.ts'

/** How long a code works. */
export const CODE_MINUTES = 10
/** Easy to read aloud and to type: no 0, O, 1, I or L. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
const CODE_LENGTH = 8

export const wrongCode = () => new HttpError(401, 'RFAM_CODE_WRONG',
  'That code does not work: it may be mistyped, used already or too old (codes work for 10 minutes, once). ' +
  'Get a new one on RFAM\'s website: your profile, "Use RFAM in Blender".')

interface Pending {
  /** The web log-in that made the code (its session id): the code works only while it does. */
  sessionId: string
  user: string
  expires: number
}

/** The code as shown: 'K7PM-Q2XD'. */
function shown (raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4)}`
}

/** The code as typed ('k7pm q2xd', 'K7PM-Q2XD') in the form codes are kept by; '' when it cannot be one. */
export function normalCode (typed: string): string {
  const raw = typed.toUpperCase().replace(/[\s-]/g, '')
  return raw.length === CODE_LENGTH && [...raw].every((c) => CODE_ALPHABET.includes(c)) ? raw : ''
}

const hashOf = (raw: string) => createHash('sha256').update(`rfam-connect\0${raw}`).digest('hex')

export class ConnectCodes {
  /** By the hash of the code. */
  private readonly pending = new Map<string, Pending>()
  /** Each person's current code (its hash). */
  private readonly byUser = new Map<string, string>()
  private readonly throttle: LoginThrottle

  constructor (settings: LoadedConfig['loginThrottle'], private readonly now: () => number) {
    const perAddress = settings.freeTriesPerAddress
    this.throttle = new LoginThrottle({ freeTries: perAddress, freeTriesPerAddress: perAddress, maxWaitMs: settings.maxWaitMinutes * 60_000, now })
  }

  /** A new code for the person of a web log-in; their previous code stops working. */
  create (user: string, sessionId: string): { code: string, expires: number } {
    this.sweep()
    let raw: string
    do {
      raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('')
    } while (this.pending.has(hashOf(raw)))
    const old = this.byUser.get(user)
    if (old) this.pending.delete(old)
    const expires = this.now() + CODE_MINUTES * 60_000
    this.pending.set(hashOf(raw), { sessionId, user, expires })
    this.byUser.set(user, hashOf(raw))
    return { code: shown(raw), expires }
  }

  /**
   * Takes a code (it works once): the web log-in that made it, when the code is right and alive.
   * `stillValid` says whether that log-in still is. Throws 429 while the address must wait after
   * wrong codes, 401 for a wrong one (which counts).
   */
  take<T> (typed: string, ip: string, stillValid: (sessionId: string) => T | null, reply: { header: (name: string, value: string) => unknown }): T {
    const key = addressKey(ip)
    const wait = this.throttle.waitSeconds(key, ip)
    if (wait > 0) {
      reply.header('retry-after', String(wait))
      throw new HttpError(429, 'RFAM_LOGIN_WAIT', waitSentence(wait))
    }
    const attempt = this.throttle.start(key, ip)
    const raw = normalCode(typed)
    const hash = raw ? hashOf(raw) : ''
    const found = raw ? this.pending.get(hash) : undefined
    if (found) this.drop(hash, found)
    const session = found && this.now() < found.expires ? stillValid(found.sessionId) : null
    if (session === null) {
      attempt.wrong()
      throw wrongCode()
    }
    attempt.right()
    return session
  }

  /** How many codes are alive (for tests). */
  get size (): number {
    this.sweep()
    return this.pending.size
  }

  private drop (hash: string, pending: Pending): void {
    this.pending.delete(hash)
    if (this.byUser.get(pending.user) === hash) this.byUser.delete(pending.user)
  }

  private sweep (): void {
    const now = this.now()
    for (const [hash, pending] of this.pending) if (now >= pending.expires) this.drop(hash, pending)
  }
}
