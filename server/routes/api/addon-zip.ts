// The Blender add-on as GET /api/addon/zip serves it: the zip `npm run addon:build` makes (the same
// files, this server's contract), plus rfam/server_address.json naming the address the add-on
// connects to, so nobody types it. Made once per address and kept while the server runs.
import type { FastifyRequest } from 'fastify'
import { addonArchive, addonVersion } from '../../addon/addon-archive.ts'
import { schemaDir } from '../../../schemas/load.ts'
import { badRequest } from '../../errors.ts'

/** The file in the add-on's package that holds the address (read by blender-addon/rfam/preferences.py). */
export const ADDRESS_FILE = 'server_address.json'
/** Addresses whose zips are kept (a server is reached by a handful: its name, its IP, localhost). */
const KEPT = 8

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/

/**
 * The address the add-on should use: `publicUrl` when the server has one, else the one the browser
 * reached this server at (its Host header; https when a proxy says so, as for the session cookie).
 */
export function addressSeen (request: FastifyRequest, publicUrl?: string): string {
  if (publicUrl) return new URL(publicUrl).origin
  const host = request.headers.host ?? ''
  if (!HOST.test(host) || host.length > 260) {
    throw badRequest('RFAM_BAD_HOST', 'Open RFAM by its address (for example http://192.168.1.10:8080), then try again.')
  }
  const https = request.headers['x-forwarded-proto'] === 'https' || request.protocol === 'https'
  return `${https ? 'https' : 'http'}://${host.toLowerCase()}`
}

export class ServedAddon {
  private readonly zips = new Map<string, Buffer>()
  private knownVersion?: string

  /** RFAM's version, which the add-on shares (bl_info, the manifest and package.json agree, or this throws). */
  get version (): string {
    this.knownVersion ??= addonVersion()
    return this.knownVersion
  }

  /** The zip for an address (made at the first ask, then kept; the least recently asked goes first). */
  zipFor (server: string): Buffer {
    let zip = this.zips.get(server)
    if (zip) {
      this.zips.delete(server)
    } else {
      const address = JSON.stringify({ server, note: 'Written by the RFAM server this add-on was downloaded from: the add-on connects there.' }, null, 2)
      zip = addonArchive(schemaDir, { [ADDRESS_FILE]: Buffer.from(`${address}\n`) }).archive
      if (this.zips.size >= KEPT) this.zips.delete(this.zips.keys().next().value!)
    }
    this.zips.set(server, zip)
    return zip
  }
}
