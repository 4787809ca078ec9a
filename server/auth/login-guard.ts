// Checks a password or PIN at log-in: first whether this account or address must wait (no hashing
// at all then), then the check itself through the bounded queue, then the count of wrong tries.
import type { FastifyReply } from 'fastify'
import type { User } from '../../schemas/generated/types.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import { HttpError } from '../errors.ts'
import { say, type Said } from '../../common/sentences.ts'
import { verifySecret } from './passwords.ts'
import { LoginThrottle } from './login-throttle.ts'
import { SecretChecks, ServerBusy } from './secret-checks.ts'

/** "Wait 30 seconds" / "Wait 15 minutes": whole units a person can count. */
export function waitSentence (seconds: number): Said {
  if (seconds === 1) return say('login:wait-second')
  return seconds < 120 ? say('login:wait-seconds', { seconds }) : say('login:wait-minutes', { minutes: Math.ceil(seconds / 60) })
}

export class LoginGuard {
  readonly throttle: LoginThrottle
  readonly checks = new SecretChecks()

  constructor (settings: LoadedConfig['loginThrottle'], now: () => number) {
    this.throttle = new LoginThrottle({ ...settings, maxWaitMs: settings.maxWaitMinutes * 60_000, now })
  }

  /** Resolves when `secret` is the user's; throws 429 (wait), 503 (busy) or 401 (wrong) otherwise. */
  async check (user: User & { secret: string }, secret: string, ip: string, reply: FastifyReply): Promise<void> {
    const wait = this.throttle.waitSeconds(user.ident, ip)
    if (wait > 0) {
      reply.header('retry-after', String(wait))
      throw new HttpError(429, 'RFAM_LOGIN_WAIT', waitSentence(wait))
    }
    const attempt = this.throttle.start(user.ident, ip)
    let right: boolean
    try {
      right = await this.checks.run(() => verifySecret(secret, user.secret))
    } catch (err) {
      attempt.cancel()
      if (err instanceof ServerBusy) reply.header('retry-after', '1')
      throw err
    }
    if (!right) {
      attempt.wrong()
      throw new HttpError(401, 'RFAM_LOGIN_FAILED', say('error:login-wrong'))
    }
    attempt.right()
  }
}
