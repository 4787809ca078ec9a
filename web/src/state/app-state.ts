// What every page of a logged-in session shares: who is logged in, to which project, the people the
// caller can see and the project's defaults set (types, states, priority scheme). Components re-render
// through an AppStateController when any of it changes.
import type { ReactiveControllerHost } from 'lit'
import type {
  AssetType, DefaultsSetView, LoginRequest, PublicUser, Session, State,
} from '../../../schemas/generated/types.ts'
import { ApiFailure, prefetch } from '../controllers/api-client.ts'
import { api, urls } from '../api/routes.ts'
import { i18n, tOptional } from '../controllers/i18n.ts'
import { ChangeNotifier, RerenderOnChange } from '../controllers/change-notifier.ts'

class AppState extends ChangeNotifier {
  /** undefined while unknown, null when nobody is logged in. */
  session: Session | null | undefined = undefined
  users: PublicUser[] = []
  defaults?: DefaultsSetView

  get project (): string | undefined {
    return this.session?.project.ident
  }

  get me (): PublicUser | undefined {
    return this.session ? (this.user(this.session.user.ident) ?? this.session.user) : undefined
  }

  private membersCache?: { users: PublicUser[], project: string | undefined, members: PublicUser[] }

  /** Members of the logged-in project, sorted by name (worked out once per change of the people). */
  get members (): PublicUser[] {
    const project = this.project
    const cache = this.membersCache
    if (cache && cache.users === this.users && cache.project === project) return cache.members
    const members = this.users
      .filter((u) => project !== undefined && u.projects.includes(project))
      .sort((a, b) => a.name.localeCompare(b.name))
    this.membersCache = { users: this.users, project, members }
    return members
  }

  user (ident: string | null | undefined): PublicUser | undefined {
    return ident ? this.users.find((u) => u.ident === ident) : undefined
  }

  userName (ident: string | null | undefined): string {
    return this.user(ident)?.name ?? ident ?? ''
  }

  state (ident: string): State | undefined {
    return this.defaults?.states.find((s) => s.ident === ident)
  }

  stateName (ident: string): string {
    return tOptional(`state:${ident}`, this.state(ident)?.name ?? ident)
  }

  type (ident: string): AssetType | undefined {
    return this.defaults?.types.find((type) => type.ident === ident)
  }

  typeName (ident: string): string {
    return tOptional(`type:${ident}`, this.type(ident)?.name ?? ident)
  }

  /**
   * Asks the server who is logged in (a 401 means nobody). `early` names data the first page will want,
   * fetched alongside the people, the defaults set and the language rather than after them.
   */
  async loadSession (early?: (project: string) => string[]): Promise<void> {
    // Before any language is showing, the server's default may be needed: asked for alongside the session.
    if (!i18n.loaded) prefetch(urls.loginOptions())
    try {
      this.session = await api.getSession()
    } catch (error) {
      if (!(error instanceof ApiFailure) || error.status !== 401) throw error
      this.session = null
    }
    if (this.session && early) for (const url of early(this.session.project.ident)) prefetch(url)
    // The language is in place before anything renders, so no page ever shows a bare key.
    await Promise.all([this.session ? this.loadProjectData() : undefined, this.loadLanguage()])
    this.changed()
  }

  /**
   * The person's language; without one, the language already showing (picked on the log-in page), or
   * else the server's.
   */
  private async loadLanguage (): Promise<void> {
    const chosen = this.session?.user.language
    if (chosen) return await i18n.use(chosen)
    if (i18n.loaded) return
    const options = await api.loginOptions()
    await i18n.use(options.language)
  }

  /** Reloads people and the defaults set (after a live change, or a project setting switch). */
  async loadProjectData (): Promise<void> {
    const project = this.project
    if (!project) return
    const [users, defaults] = await Promise.all([
      api.listUsers(),
      api.getDefaults({ project }),
    ])
    this.users = users
    this.defaults = defaults
    this.changed()
  }

  async login (request: LoginRequest): Promise<void> {
    await api.logIn(request)
    await this.loadSession()
  }

  /** Moves the log-in to another project (no log-out) and loads that project's people and settings set. */
  async switchProject (project: string): Promise<void> {
    this.session = await api.switchProject({ project })
    await this.loadProjectData()
  }

  async logout (): Promise<void> {
    await api.logOut()
    this.session = null
    this.users = []
    this.defaults = undefined
    this.changed()
  }

  /** Updates one person as the server returned them (after a picture upload or a language switch). */
  replaceUser (user: PublicUser): void {
    this.users = this.users.map((u) => (u.ident === user.ident ? user : u))
    if (this.session?.user.ident === user.ident) this.session = { ...this.session, user }
    this.changed()
  }
}

export const appState = new AppState()

/** Re-renders its host whenever the shared state changes. */
export class AppStateController extends RerenderOnChange {
  constructor (host: ReactiveControllerHost) {
    super(host, appState)
  }
}
