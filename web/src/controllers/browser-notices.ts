// The browser's own notifications, opt-in: asked for only when the person switches "Tell me in the
// browser" on (Notification.requestPermission on that click, never before), remembered per person in
// this browser (localStorage), and shown while a tab of RFAM is open, in front or in the background.
import type { Notification as RfamNotification } from '../../../schemas/generated/types.ts'

const key = (user: string) => `rfam:browser-notices:${user}`

export type NoticeState = 'on' | 'off' | 'denied' | 'unsupported'

function supported (): boolean { return typeof window.Notification === 'function' }

/** Whether this person switched it on in this browser, and the browser still allows it. */
export function noticeState (user: string): NoticeState {
  if (!supported()) return 'unsupported'
  if (window.Notification.permission === 'denied') return 'denied'
  return localStorage.getItem(key(user)) === 'on' && window.Notification.permission === 'granted' ? 'on' : 'off'
}

/** Switches it on (asking the browser now, on the person's click) or off. */
export async function switchNotices (user: string, on: boolean): Promise<NoticeState> {
  if (!on) {
    localStorage.removeItem(key(user))
    return noticeState(user)
  }
  if (!supported()) return 'unsupported'
  // Asked on this click every time (the browser answers at once when it was decided before).
  const permission = await window.Notification.requestPermission()
  if (permission === 'granted') localStorage.setItem(key(user), 'on')
  return permission === 'denied' ? 'denied' : noticeState(user)
}

/** Shows one notification from the browser; a click brings the tab forward and opens `href`. */
export function showNotice (user: string, notification: RfamNotification, text: string, open: (href: string) => void, href: string): void {
  if (noticeState(user) !== 'on') return
  try {
    const notice = new window.Notification('RFAM', { body: text, tag: notification.id })
    notice.onclick = () => { window.focus(); open(href); notice.close() }
  } catch {
    // Some browsers (Chrome on Android) only show them through a service worker: the bell still counts.
  }
}
