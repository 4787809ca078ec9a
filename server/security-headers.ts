// Security headers on every answer, set on the raw response as the request arrives so that errors,
// static files and the live-update stream (which writes its own head) carry them too; a route's own
// header of the same name (the avatar SVG's stricter policy) takes precedence.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

/**
 * The web UI loads only its own files and talks only to its own server. Inline styles stay allowed:
 * Lit templates set `style` attributes (progress bars, face sizes); no inline script is needed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
}

export const securityHeaders = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value)
    done()
  })
}, { name: 'rfam-security-headers' })
