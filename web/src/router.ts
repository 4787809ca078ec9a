// Client-side routes with the History API. Links are ordinary <a href> elements; the app shell catches
// clicks on same-site links (through shadow roots) and calls navigate(), so pages never reload and every
// page has a real URL that can be bookmarked, opened in a new tab or reloaded.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export type RouteName =
  | 'home' | 'assets' | 'asset' | 'new-asset' | 'team' | 'project' | 'shots' | 'film' | 'credits' | 'rendering'
  | 'profile' | 'new-project' | 'add-people' | 'pictures' | 'dashboard' | 'not-found'

export interface Route {
  name: RouteName
  /** The asset's path inside the project (asset page, from ?path=) or a user ident (profile page). */
  param?: string
  query: URLSearchParams
}

const simple: Record<string, RouteName> = {
  '/': 'home',
  '/home': 'home',
  '/assets': 'assets',
  '/new': 'new-asset',
  '/asset': 'asset',
  '/team': 'team',
  '/project': 'project',
  '/shots': 'shots',
  '/film': 'film',
  '/credits': 'credits',
  '/rendering': 'rendering',
  '/profile': 'profile',
  '/projects/new': 'new-project',
  '/people/import': 'add-people',
  '/people/pictures': 'pictures',
  '/dashboard': 'dashboard',
}

function decodeSegments (rest: string): string | undefined {
  try {
    return rest.split('/').map(decodeURIComponent).join('/')
  } catch {
    return undefined
  }
}

export function parseRoute (location: { pathname: string, search: string }): Route {
  const query = new URLSearchParams(location.search)
  const pathname = location.pathname.length > 1 ? location.pathname.replace(/\/+$/, '') : location.pathname
  const name = simple[pathname]
  if (name === 'asset') {
    const path = query.get('path')
    return path ? { name, param: path, query } : { name: 'not-found', query }
  }
  if (name) return { name, query }
  if (pathname.startsWith('/profile/')) {
    const param = decodeSegments(pathname.slice('/profile/'.length))
    if (param) return { name: 'profile', param, query }
  }
  return { name: 'not-found', query }
}

/**
 * The URL of an asset's page. The path goes in the query: asset paths end in a file extension
 * ('.blend'), and the server answers addresses that look like files with the file or a 404, not the app.
 */
export function assetHref (path: string, from?: string): string {
  // '/' may stay as it is in a query, which keeps the address readable.
  const encoded = encodeURIComponent(path).replace(/%2F/g, '/')
  return `/asset?path=${encoded}${from ? `&from=${encodeURIComponent(from)}` : ''}`
}

const navigateEvent = 'rfam-navigate'

export function navigate (url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url)
  else history.pushState(null, '', url)
  window.dispatchEvent(new Event(navigateEvent))
  window.scrollTo({ top: 0 })
}

/** Follows a click on a same-site link inside the app instead of letting the browser reload the page. */
export function interceptLinkClick (event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement)
  if (!anchor || !anchor.href || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return
  const url = new URL(anchor.href)
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return
  event.preventDefault()
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search + url.hash)
}

/** Keeps `route` up to date and re-renders the host on navigation (links, back and forward buttons). */
export class RouterController implements ReactiveController {
  route: Route = parseRoute(location)
  private readonly update = (): void => {
    this.route = parseRoute(location)
    this.host.requestUpdate()
  }

  constructor (private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected (): void {
    window.addEventListener('popstate', this.update)
    window.addEventListener(navigateEvent, this.update)
  }

  hostDisconnected (): void {
    window.removeEventListener('popstate', this.update)
    window.removeEventListener(navigateEvent, this.update)
  }
}
