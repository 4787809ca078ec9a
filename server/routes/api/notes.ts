// Notes and history of assets: an asset's timeline, writing a note (with a picture uploaded first, or
// a frame of a render), the notes' pictures and frames, and the project's "what happened today".
// The history itself is the store's (store/asset-history.ts); this adds what only the server as a
// whole knows: who is in the project (mentions), the farm's renders (frames) and the pictures.
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { HistoryEvent } from '../../../schemas/generated/types.ts'
import { badRequest, notFound } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'
import { writeFileAtomic } from '../../../common/atomic-write.ts'
import { mentionsIn, NOTES_SUFFIX, type NewEvent } from '../../store/asset-history.ts'
import type { ProjectStore } from '../../store/project-store.ts'
import { notePicture, sniffImageType } from '../../pictures/pictures.ts'
import { registerRoutes } from '../register-routes.ts'
import { assetPath } from './assets.ts'
import { uploadedFile } from './uploads.ts'

/** How far back 'today' may reach: the page's own midnight, in any time zone, and yesterday's. */
const TODAY_MAX_MS = 2 * 24 * 3600 * 1000
const FRAME_SIZE = 1280

/** The start of today on this server's clock. */
function startOfToday (now = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime()
}

/** Where an asset's note picture is (for reading: links that stay inside the project are followed). */
const picturePath = (store: ProjectStore, path: string, picture: string) => store.resolve(`${path}${NOTES_SUFFIX}/${picture}`, 'note picture')

const isFile = (abs: string) => lstat(abs).then((s) => s.isFile() && s.size > 0, () => false)

/** Marks frames of notes whose file is gone since (deleted, or never a file of this project). */
async function markGone (store: ProjectStore, events: HistoryEvent[]): Promise<HistoryEvent[]> {
  return Promise.all(events.map(async (event) => {
    if (!event.frame) return event
    let there = false
    try { there = await isFile(store.resolve(event.frame.file, 'frame')) } catch { there = false }
    return there ? event : { ...event, frame: { ...event.frame, gone: true } }
  }))
}

function sendJpeg (reply: FastifyReply, data: Buffer, cache = 'private, max-age=3600'): FastifyReply {
  return reply.type('image/jpeg').header('cache-control', cache).header('x-content-type-options', 'nosniff').send(data)
}

export async function noteRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, config } = app.rfam

  registerRoutes(app, {
    getHistory: async (request) => {
      const store = workspace.store(request.params.project)
      const path = assetPath(request)
      store.get(path)
      const { kind, limit } = request.query
      const timeline = await store.history.timeline(path, { kind, limit: limit === undefined ? undefined : Number(limit) })
      return { path, events: await markGone(store, timeline.events), unreadable: timeline.unreadable, more: timeline.more, total: timeline.total }
    },

    addNote: async (request, reply) => {
      const { project } = request.params
      const store = workspace.store(project)
      const path = assetPath(request)
      store.get(path)
      const { text, picture, frame } = request.body
      if (text.trim() === '' && !picture && !frame) throw badRequest('RFAM_EMPTY_NOTE', say('error:note-empty'))
      if (picture && !await isFile(picturePath(store, path, picture))) throw badRequest('RFAM_NO_PICTURE', say('error:note-no-picture'))
      const members = new Set(workspace.members(project).map((u) => u.ident))
      const mentions = mentionsIn(text, members)
      const note: NewEvent = { by: request.user!.ident, kind: 'note', text }
      if (mentions.length > 0) note.mentions = mentions
      if (picture) note.picture = picture
      if (frame) note.frame = { job: frame.job, frame: frame.frame, ...await app.farm.frameFile(project, frame.job, frame.frame) }
      const [event] = await store.history.record(path, [note])
      return reply.code(201).send(event)
    },

    addNotePicture: async (request, reply) => {
      const store = workspace.store(request.params.project)
      const path = assetPath(request)
      store.get(path)
      const jpeg = await notePicture(await uploadedFile(request, config.maxUploadBytes))
      const picture = `${randomBytes(10).toString('hex')}.jpg`
      const abs = store.resolveForWrite(`${path}${NOTES_SUFFIX}/${picture}`, 'note picture')
      await mkdir(dirname(abs), { recursive: true })
      await writeFileAtomic(abs, jpeg)
      return reply.code(201).send({ picture })
    },

    getNotePicture: async (request, reply) => {
      const store = workspace.store(request.params.project)
      const path = assetPath(request)
      const { picture } = request.query
      let data: Buffer | undefined
      try {
        if (picture) data = await readFile(picturePath(store, path, picture))
      } catch { data = undefined }
      if (!data || sniffImageType(data) !== 'image/jpeg') throw notFound('RFAM_NO_PICTURE', say('error:note-no-picture'))
      // Names are random and never reused: the picture never changes.
      return sendJpeg(reply, data, 'private, max-age=86400, immutable')
    },

    getNoteFrame: async (request, reply) => {
      const store = workspace.store(request.params.project)
      const path = assetPath(request)
      store.get(path)
      const { events } = await store.history.timeline(path, { kind: 'note' })
      const note = events.find((e) => e.id === request.query.note && e.frame)
      if (!note?.frame) throw notFound('RFAM_NO_NOTE', say('error:note-not-found'))
      const gone = () => notFound('RFAM_FRAME_GONE', say('error:note-frame-gone', { frame: note.frame!.frame, render: note.frame!.render ?? '' }))
      let abs: string
      try { abs = store.resolve(note.frame.file, 'frame') } catch { throw gone() }
      if (!await isFile(abs)) throw gone()
      const { default: sharp } = await import('sharp')
      try {
        const data = await sharp(abs, { failOn: 'none', limitInputPixels: 100_000_000 })
          .resize(FRAME_SIZE, FRAME_SIZE, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#202020' }).jpeg({ quality: 82 }).toBuffer()
        return sendJpeg(reply, data)
      } catch {
        throw gone()
      }
    },

    getToday: async (request) => {
      const store = workspace.store(request.params.project)
      const now = Date.now()
      const asked = request.query.since ? Date.parse(request.query.since) : startOfToday()
      const since = Math.min(now, Math.max(asked, now - TODAY_MAX_MS))
      const { items, more } = await store.history.today(since)
      const views = store.views().byPath
      return {
        since: new Date(since).toISOString(),
        events: items.map(({ path, event }) => {
          const name = views.get(path)?.meta?.name
          return name ? { path, name, event } : { path, event }
        }),
        more,
      }
    },
  })
}
