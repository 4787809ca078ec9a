// A held poll (a long poll: a node's work request, a prenode's poll) waits on the farm until there is
// something to answer. The client may give it up first (stopped, timed out, its state changed): then
// the signal aborts, so the farm frees its place at once; what was assigned meanwhile is offered again
// on its next poll.
import type { FastifyReply } from 'fastify'

/** Runs `poll` with a signal that aborts when the connection closes before the reply is sent. */
export async function heldPoll<T> (reply: FastifyReply, poll: (gone: AbortSignal) => Promise<T>): Promise<T> {
  const gone = new AbortController()
  const onClose = () => { if (!reply.sent) gone.abort() }
  reply.raw.on('close', onClose)
  try {
    return await poll(gone.signal)
  } finally {
    reply.raw.off('close', onClose)
  }
}
