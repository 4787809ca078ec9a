// What logged in, as a person reads it ("Firefox on Windows", "Blender add-on"), from the User-Agent
// header: enough to recognise one's own devices in a list of log-ins, nothing more is kept.

const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/Chrom(e|ium)\/|\bCriOS\//, 'Chrome'], // HeadlessChrome too
  [/\bSafari\//, 'Safari'],
]

const SYSTEMS: Array<[RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone|iPad|iPod\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
]

/** What the Blender add-on's log-ins are called (its User-Agent starts with rfam-blender-addon). */
export const ADDON_CLIENT = 'Blender add-on'

export function clientName (userAgent: string | undefined): string {
  const ua = (userAgent ?? '').trim()
  if (ua === '') return 'Unknown program'
  if (ua.startsWith('rfam-blender-addon')) return ADDON_CLIENT
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1]
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1]
  if (browser) return system ? `${browser} on ${system}` : browser
  // A script or tool (curl/8.5.0, python-requests/2.31): its own first word says it best.
  return ua.split(/[\s(]/, 1)[0]!.slice(0, 60)
}
