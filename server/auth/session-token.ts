// Stateless session tokens: 'payload.signature', HMAC-SHA256 with a key kept in the secrets
// folder. The same token works as the browser's cookie and as the add-on's bearer token.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SessionClaims { user: string, project: string, exp: number }

export function loadOrCreateKey (secretsDir: string): Buffer {
  const file = join(secretsDir, 'session.key')
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
}

export class SessionTokens {
  constructor (private readonly key: Buffer) {}

  private sign (payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }

  issue (claims: SessionClaims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
    return `${payload}.${this.sign(payload)}`
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify (token: string, now = Date.now()): SessionClaims | null {
    const [payload, sig] = token.split('.')
    if (!payload || !sig) return null
    const expected = Buffer.from(this.sign(payload))
    const given = Buffer.from(sig)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims
      if (typeof claims.user !== 'string' || typeof claims.project !== 'string' || typeof claims.exp !== 'number') return null
      return claims.exp > now ? claims : null
    } catch {
      return null
    }
  }
}
