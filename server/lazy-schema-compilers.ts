// Fastify compiles the request and response schemas of every route as the route is registered: for
// RFAM's routes that was half a second of start-up (Ajv, fast-json-stringify, and an Ajv holding every
// shared schema), mostly for routes nobody calls in the first minute. These factories hand Fastify its
// own compilers, but each route's validator or serializer is compiled the first time it is used.
// compileAll() compiles whatever is still waiting, so a test still fails on a bad route schema.
// Fastify counts these as custom compilers, which only means it does not lower-case the keys of
// `headers` schemas for them: write header names in lower case (RFAM's routes have none).
import { AjvCompiler } from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type ValidatorFactory = NonNullable<Factories['buildValidator']>
type SerializerFactory = NonNullable<Factories['buildSerializer']>
type Validate = ((data: unknown) => unknown) & { errors?: unknown }

export interface LazySchemaCompilers {
  compilersFactory: { buildValidator: ValidatorFactory, buildSerializer: SerializerFactory }
  /** Compiles every validator and serializer not compiled yet; throws on the first bad schema. */
  compileAll: () => void
}

export function lazySchemaCompilers (): LazySchemaCompilers {
  const defaultValidators = AjvCompiler()
  const defaultSerializers = SerializerSelector()
  const waiting = new Set<() => unknown>()

  /** A function that compiles itself (once) on its first call. */
  function later<F extends (...args: never[]) => unknown> (compile: () => F): { get: () => F } {
    let compiled: F | undefined
    const get = (): F => {
      if (!compiled) {
        compiled = compile()
        waiting.delete(get)
      }
      return compiled
    }
    waiting.add(get)
    return { get }
  }

  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    // The Ajv holding every shared schema is made only when the first route needs it.
    const compiler = later(() => defaultValidators(externalSchemas, options))
    return (route) => {
      const fn = later(() => compiler.get()(route) as unknown as Validate)
      // Fastify reads the errors from the validator it called.
      const validate: Validate = (data) => {
        const real = fn.get()
        const ok = real(data)
        validate.errors = real.errors
        return ok
      }
      return validate as never
    }
  }

  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compiler = later(() => defaultSerializers(externalSchemas, options))
    return (route) => {
      const fn = later(() => compiler.get()(route) as (data: unknown) => string)
      return (data: unknown) => fn.get()(data)
    }
  }

  return {
    compilersFactory: { buildValidator, buildSerializer },
    compileAll: () => { for (const get of [...waiting]) get() },
  }
}
