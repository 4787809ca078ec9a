// Loads the server configuration: validated at start, so a bad file stops the server with the
// file, the field and what was expected, instead of failing later in some request.
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { ServerConfig } from '../../schemas/generated/types.ts'
import { Shares } from '../../common/named-paths.ts'
import { ConfigError, readJsonFile } from '../../common/read-json-file.ts'
import { logFormat } from '../../common/log.ts'

export const repoRoot = resolve(import.meta.dirname, '..', '..')
export const defaultConfigFile = resolve(repoRoot, 'config', 'server.json')

export type FarmSettings = Required<NonNullable<ServerConfig['farmSettings']>>
export type LoginThrottleSettings = Required<NonNullable<ServerConfig['loginThrottle']>>

export interface LoadedConfig {
  file: string
  host: string
  port: number
  publicUrl?: string
  shares: Shares
  usersDir: string
  projectsDir: string
  farmDir: string
  secretsDir: string
  /** What the server keeps only to start faster; made when first written. */
  cacheDir: string
  defaultsDir: string
  languagesDir: string
  defaultSet: string
  language: string
  pictureShare: string
  demo: boolean
  localNode: boolean
  rescanSeconds: number
  /** A log-in unused for this long ends (each use renews it). */
  sessionHours: number
  /** A log-in ends this long after it was made, however much it is used. */
  sessionMaxDays: number
  loginThrottle: LoginThrottleSettings
  /** Proxies whose X-Forwarded-For is believed (none: the connection's address is the client's). */
  trustProxy: string[]
  maxUploadBytes: number
  logLevel: string
  farm: FarmSettings
}

export function loadConfig (file = process.env.RFAM_CONFIG ?? defaultConfigFile): LoadedConfig {
  const abs = resolve(file)
  const raw = readJsonFile<ServerConfig>(abs, 'server-config.schema.json')
  const base = dirname(abs)
  const at = (p: string | undefined) => resolve(base, p!)
  const roots = new Map<string, string>()
  for (const share of raw.shares) {
    if (roots.has(share.ident)) throw new ConfigError(`${abs}: /shares lists "${share.ident}" twice.`)
    roots.set(share.ident, at(share.path))
  }
  const pictureShare = raw.pictureShare ?? 'data'
  if (!roots.has(pictureShare)) throw new ConfigError(`${abs}: /pictureShare "${pictureShare}" is not one of the shares (${[...roots.keys()].join(', ')}).`)
  const config: LoadedConfig = {
    file: abs,
    host: raw.host!,
    port: raw.port!,
    publicUrl: raw.publicUrl,
    shares: new Shares(roots),
    usersDir: at(raw.users),
    projectsDir: at(raw.projects),
    farmDir: at(raw.farm),
    secretsDir: at(raw.secrets),
    cacheDir: raw.cache === undefined ? join(at(raw.farm), 'cache') : at(raw.cache),
    defaultsDir: at(raw.defaults),
    languagesDir: at(raw.languages),
    defaultSet: raw.defaultSet!,
    language: raw.language!,
    pictureShare,
    demo: raw.demo!,
    localNode: raw.localNode!,
    rescanSeconds: raw.rescanSeconds!,
    sessionHours: raw.sessionHours!,
    sessionMaxDays: raw.sessionMaxDays!,
    loginThrottle: raw.loginThrottle as LoginThrottleSettings,
    trustProxy: raw.trustProxy!,
    maxUploadBytes: raw.maxUploadBytes!,
    // At a terminal, a person reads the start block; the journal gets every event.
    logLevel: raw.logLevel ?? (logFormat() === 'pretty' ? 'warn' : 'info'),
    farm: raw.farmSettings as FarmSettings,
  }
  for (const dir of [config.usersDir, config.projectsDir, config.farmDir, ...roots.values()]) mkdirSync(dir, { recursive: true })
  mkdirSync(config.secretsDir, { recursive: true, mode: 0o700 })
  return config
}
