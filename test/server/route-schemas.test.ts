// Route schemas are compiled on first use (server/lazy-schema-compilers.ts); compileAllSchemas compiles
// every one still waiting, so a bad $ref or keyword in any route fails this test rather than a request.
import t from 'tap'
import { compileAllSchemas } from '../../server/server.ts'
import { startTestServer } from '../helpers/server.ts'

t.test('every route schema of the app compiles', async (t) => {
  const { app } = await startTestServer(t, { demo: false })
  t.doesNotThrow(() => compileAllSchemas(app))
})

t.test('a bad route schema is found by compileAllSchemas; its route answers 500, the others work', async (t) => {
  const { app } = await startTestServer(t, {
    beforeReady: (app) => app.post('/test/bad', { config: { public: true }, schema: { body: { $ref: 'no-such.schema.json#' } } }, async () => ({ ok: true })),
  })
  const bad = await app.inject({ method: 'POST', url: '/test/bad', payload: {} })
  t.equal(bad.statusCode, 500)
  const version = await app.inject({ method: 'GET', url: '/api/version' })
  t.equal(version.statusCode, 200)
  t.throws(() => compileAllSchemas(app), /no-such\.schema\.json/)
})
