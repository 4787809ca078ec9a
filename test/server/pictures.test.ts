import t from 'tap'
import sharp from 'sharp'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { multipart } from '../helpers/multipart.ts'

function upload (data: Buffer, filename: string, type: string, cookie: string) {
  const m = multipart(data, filename, type, 'picture')
  return { headers: { cookie, ...m.headers }, payload: m.payload }
}

t.test('without a picture everyone gets a generated avatar, with the name escaped', async (t) => {
  const s = await startTestServer(t)
  const res = await s.app.inject({ url: '/api/users/zoe/picture' })
  t.equal(res.headers['content-type'], 'image/svg+xml')
  t.match(res.body, />ZH</)
  const { avatarSvg } = await import('../../server/pictures/avatar.ts')
  t.notMatch(avatarSvg('<script>alert(1)</script>'), /<script>/)
})

t.test('upload a picture: resized, stored on the share, served with the right type', async (t) => {
  const s = await startTestServer(t, { config: { maxUploadBytes: 200_000 } })
  const { cookie } = await logIn(s, 'alex')
  const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366cc' } }).png().toBuffer()
  const up = await s.app.inject({ method: 'PUT', url: '/api/users/alex/picture', ...upload(png, 'me.png', 'image/png', cookie) })
  t.equal(up.statusCode, 200, up.body)
  const got = await s.app.inject({ url: up.json().picture })
  t.equal(got.headers['content-type'], 'image/jpeg')
  const meta = await sharp(got.rawPayload).metadata()
  t.same([meta.width, meta.height], [256, 256], 'stored as a 256 px square')

  const bad = await s.app.inject({ method: 'PUT', url: '/api/users/alex/picture', ...upload(Buffer.from('<svg onload=alert(1)>'), 'x.png', 'image/png', cookie) })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /not a picture/)

  const huge = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#fff' } }).png({ compressionLevel: 0 }).toBuffer()
  const tooBig = await s.app.inject({ method: 'PUT', url: '/api/users/alex/picture', ...upload(huge, 'big.png', 'image/png', cookie) })
  t.equal(tooBig.statusCode, 413)

  const other = await s.app.inject({ method: 'PUT', url: '/api/users/mia/picture', ...upload(png, 'me.png', 'image/png', cookie) })
  t.equal(other.statusCode, 403, 'students change only their own picture')
  const staff = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  const team = await s.app.inject({ method: 'PUT', url: '/api/projects/demo/picture', ...upload(png, 'team.png', 'image/png', staff) })
  t.equal(team.statusCode, 204, 'staff upload team pictures')
})
