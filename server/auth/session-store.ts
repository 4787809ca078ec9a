// Log-ins the server can end. A session token is 256 random bits and says nothing by itself; the
// server keeps a record of each (keyed by the token's SHA-256, never the token) in memory, checked on
// every request, and on disk so that a restart keeps everyone logged in.
//
// A log-in ends when it has not been used for `idleMs` (each use renews it: sliding expiry), at the
// latest `maxMs` after it was made, when its owner logs out, when staff log them out everywhere, when
// their user file is removed, and when their password or PIN changes (the record keeps a fingerprint
// of the hash; the users folder is followed, so a change made by `npm run user` counts too).
import { createHash, randomBytes } from 'node:crypto'
import type { SessionRecord, User } from '../../schemas/generated/types.ts'
import { SessionFiles } from './session-files.ts'

/** "Last used" reaches the disk at most this often: a restart may cost an idle log-in this much. */
const PERSIST_EVERY_MS = 5 * 60_000
/** Expired records leave the disk this often (they are refused at once anyway). */
const SWEEP_EVERY_MS = 10 * 60_000
/** Log-ins one person may have at once; a new one ends the least recently used. */
export const MAX_SESSIONS_PER_USER = 20

export interface SessionSettings {
  dir: string
  idleMs: number
  maxMs: number
  now: () => number
  /** Where damaged or unwritable session records are told: fields, then a short message. */
  log: (fields: object, msg: string) => void
}

export interface SessionPeople {
  /** The user as the users folder has them now. */
  get: (ident: string) => User | undefined
  /** True while the user's file exists but cannot be read: their log-ins wait rather than end. */
  broken: (ident: string) => boolean
}

/** A log-in as the store keeps it. */
export interface Session {
  id: string
  record: SessionRecord
  created: number
  lastUsed: number
  /** The absolute end (sessionMaxDays after it was made). */
  ends: number
  persistedLastUsed: number
}

export interface ValidSession { id: string, user: User, project: string, expires: number }

export function sessionId (token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const stamps = new WeakMap<User, string>()

/** A fingerprint of the user's password hash; another hash (or none) gives another one. */
export function secretStamp (user: User): string {
  let stamp = stamps.get(user)
  if (stamp === undefined) {
    stamp = createHash('sha256').update(`rfam-secret\0${user.secret ?? ''}`).digest('hex').slice(0, 16)
    stamps.set(user, stamp)
  }
  return stamp
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>()
  private readonly files: SessionFiles
  private sweepTimer?: NodeJS.Timeout

  constructor (private readonly settings: SessionSettings, private readonly people: SessionPeople) {
    this.files = new SessionFiles(settings.dir, settings.log)
  }

  /** Reads the records on disk and ends those that ended while the server was stopped. */
  async load (): Promise<void> {
    for (const [id, record] of await this.files.readAll()) {
      const lastUsed = Date.parse(record.lastUsed)
      this.sessions.set(id, { id, record, created: Date.parse(record.created), lastUsed, ends: Date.parse(record.expires), persistedLastUsed: lastUsed })
    }
    await this.sweep()
    this.sweepTimer = setInterval(() => { void this.sweep() }, SWEEP_EVERY_MS)
    this.sweepTimer.unref()
  }

  async create (user: User, project: string, about: { client: string, address: string }): Promise<{ token: string, session: Session }> {
    const now = this.settings.now()
    const token = randomBytes(32).toString('base64url')
    const id = sessionId(token)
    const record: SessionRecord = {
      user: user.ident,
      project,
      created: new Date(now).toISOString(),
      lastUsed: new Date(now).toISOString(),
      expires: new Date(now + this.settings.maxMs).toISOString(),
      secretStamp: secretStamp(user),
      client: about.client.slice(0, 100),
      address: about.address.slice(0, 64),
    }
    const session: Session = { id, record, created: now, lastUsed: now, ends: now + this.settings.maxMs, persistedLastUsed: now }
    await this.files.write(id, record)
    this.sessions.set(id, session)
    const mine = this.forUser(user.ident)
    for (const old of mine.slice(MAX_SESSIONS_PER_USER)) await this.drop(old.id)
    return { token, session }
  }

  /** When a log-in ends unless it is used again. */
  expires (session: Session): number {
    return Math.min(session.lastUsed + this.settings.idleMs, session.ends)
  }

  /**
   * The log-in a token stands for, renewed by this use; null when there is none (or it has ended,
   * which removes it). Runs on every request: memory only, the disk is written later and seldom.
   */
  verify (token: string): ValidSession | null {
    if (token.length > 100) return null
    const session = this.sessions.get(sessionId(token))
    if (!session) return null
    const now = this.settings.now()
    const user = this.check(session, now)
    if (user === 'end') this.drop(session.id).catch(() => {}) // logged by SessionFiles
    if (typeof user === 'string') return null
    if (now > session.lastUsed) session.lastUsed = now
    if (session.lastUsed - session.persistedLastUsed >= PERSIST_EVERY_MS) this.persist(session)
    return { id: session.id, user, project: session.record.project, expires: this.expires(session) }
  }

  /** Moves a log-in to another project (the caller checked they may be there); false when it has ended. */
  async moveTo (token: string, project: string): Promise<boolean> {
    const session = this.sessions.get(sessionId(token))
    if (!session) return false
    session.record = { ...session.record, project }
    await this.files.write(session.id, session.record)
    return true
  }

  /** The log-in with this id while it is valid, not renewed by asking (a connect code asks for the log-in that made it). */
  byId (id: string): ValidSession | null {
    const session = this.sessions.get(id)
    if (!session) return null
    const user = this.check(session, this.settings.now())
    return typeof user === 'string' ? null : { id, user, project: session.record.project, expires: this.expires(session) }
  }

  /** Ends the log-in of a token (logging out); false when there was none. */
  async end (token: string): Promise<boolean> {
    const id = sessionId(token)
    if (!this.sessions.has(id)) return false
    await this.drop(id)
    return true
  }

  /** Ends every log-in of a person; returns how many there were. */
  async endAllOf (user: string): Promise<number> {
    const mine = this.forUser(user)
    await Promise.all(mine.map((s) => this.drop(s.id)))
    return mine.length
  }

  /** A person's log-ins that are still valid, most recently used first. */
  forUser (user: string): Session[] {
    const now = this.settings.now()
    return [...this.sessions.values()]
      .filter((s) => s.record.user === user && now < this.expires(s))
      .sort((a, b) => b.lastUsed - a.lastUsed)
  }

  /** Ends every log-in that has run out, whose user is gone or whose password changed. */
  async sweep (): Promise<void> {
    const now = this.settings.now()
    const ended = [...this.sessions.values()].filter((s) => this.check(s, now) === 'end')
    await Promise.all(ended.map((s) => this.drop(s.id).catch(() => {})))
  }

  /** Writes what is left to write (the last uses) and stops. */
  async close (): Promise<void> {
    clearInterval(this.sweepTimer)
    for (const session of this.sessions.values()) {
      if (session.lastUsed > session.persistedLastUsed) this.persist(session)
    }
    await this.files.settled()
  }

  /**
   * The session's user while it is valid; 'end' when it has ended (run out, user file removed,
   * password changed); 'refuse' while the user file cannot be read (someone is editing it).
   */
  private check (session: Session, now: number): User | 'end' | 'refuse' {
    if (now >= this.expires(session)) return 'end'
    const user = this.people.get(session.record.user)
    if (user) return secretStamp(user) === session.record.secretStamp ? user : 'end'
    return this.people.broken(session.record.user) ? 'refuse' : 'end'
  }

  private persist (session: Session): void {
    session.persistedLastUsed = session.lastUsed
    session.record = { ...session.record, lastUsed: new Date(session.lastUsed).toISOString() }
    this.files.write(session.id, session.record).catch(() => {}) // logged by SessionFiles; memory stays right
  }

  private drop (id: string): Promise<void> {
    this.sessions.delete(id)
    return this.files.remove(id)
  }
}
