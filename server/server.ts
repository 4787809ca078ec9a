// The only place that creates the Fastify instance: logger, limits, validation options, error
// replies and graceful close. app.ts adds everything else.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify'
import { ajvOptions, describeErrors } from '../schemas/validator.ts'
import type { LoadedConfig } from './config/load-config.ts'
import { HttpError } from './errors.ts'
import { invalidSentence } from './invalid-sentence.ts'
import { say } from '../common/sentences.ts'
import { registerApp, type AppOptions } from './app.ts'
import { lazySchemaCompilers } from './lazy-schema-compilers.ts'
import { diskName, isDiskFull } from '../common/disk-full.ts'
import { nameTooLong, PathRefused } from '../common/path-refused.ts'
import { createLogger, type LogLevel } from '../common/log.ts'

/** Compiles every route schema still waiting for its first use (tests: a bad schema fails at once). */
const compileAllOf = new WeakMap<FastifyInstance, () => void>()
export function compileAllSchemas (app: FastifyInstance): void { compileAllOf.get(app)?.() }

export async function buildServer (config: LoadedConfig, options: AppOptions = {}): Promise<FastifyInstance> {
  const compilers = lazySchemaCompilers()
  const app = Fastify({
    // pino: JSON lines, or readable ones at a terminal (common/log.ts); none at all when silent.
    ...(config.logLevel === 'silent' ? {} : { loggerInstance: createLogger({ name: 'server', level: config.logLevel as LogLevel }) as FastifyBaseLogger }),
    // One line per request only when asked for (debug/trace); errors are always logged.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    bodyLimit: 1024 * 1024,
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 72_000,
    forceCloseConnections: true,
    // Behind a reverse proxy, request.ip is the client the proxy names (log-in throttling counts per address).
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    ajv: {
      // Unknown fields are refused (400), not silently dropped: the add-on's validator agrees.
      // validateSchema: test/schemas/fixtures.test.ts checks every schema against draft-07;
      // checking them again at each start only cost start-up time.
      customOptions: { ...ajvOptions, keywords: ['tsType'], validateSchema: false },
      plugins: [],
    },
    // Each route's schemas are compiled on its first request, not all at start.
    schemaController: { compilersFactory: compilers.compilersFactory },
  })
  compileAllOf.set(app, compilers.compileAll)
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The rest of an over-size body is never read: the connection closes after the answer.
    if (error.statusCode === 413) reply.header('connection', 'close')
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ statusCode: error.statusCode, error: httpReason(error.statusCode), code: error.code, message: error.message, ...(error.sentence ? { sentence: error.sentence } : {}) })
    }
    // A path or name the shared code (common/) refuses is the request's fault.
    if (error instanceof PathRefused) {
      const { code, message, sentence } = error as unknown as PathRefused // (a FastifyError too, for TypeScript)
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', code, message, ...(sentence ? { sentence } : {}) })
    }
    if (error.validation) {
      const details = describeErrors(error.validation as never, error.validationContext ?? '')
      const said = invalidSentence(error.validation as never, details)
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', code: 'RFAM_INVALID', message: said.text, sentence: said.sentence })
    }
    // A full disk (or quota): nothing was saved. Say which share, so staff know where to free space.
    if (isDiskFull(error)) {
      const path = (error as { path?: string }).path
      const where = diskName(config, path)
      request.log.error({ path, code: error.code, disk: where }, 'disk full: a write failed and nothing was saved')
      const said = say('error:disk-full', { where })
      return reply.code(507).send({ statusCode: 507, error: 'Insufficient Storage', code: 'RFAM_DISK_FULL', message: said.text, sentence: said.sentence })
    }
    // A file name longer than the file system takes (255 bytes a part) is the request's fault.
    if (error.code === 'ENAMETOOLONG') {
      const { code, message, sentence } = nameTooLong()
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', code, message, sentence })
    }
    const status = error.statusCode ?? 500
    if (status < 500) {
      const message = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `The request body is not valid JSON: ${error.message}`
        : error.message
      return reply.code(status).send({ statusCode: status, error: httpReason(status), code: error.code ?? 'RFAM_BAD_REQUEST', message })
    }
    request.log.error({ err: error }, 'request failed')
    const said = say('error:internal')
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', code: 'RFAM_INTERNAL', message: said.text, sentence: said.sentence })
  })
  await registerApp(app, config, options)
  return app
}

function httpReason (status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 503: 'Service Unavailable', 507: 'Insufficient Storage' } as Record<number, string>)[status] ?? 'Error'
}
