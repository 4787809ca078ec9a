// Generated pictures for people and teams without one: initials on a colour picked from the
// name, as SVG. No photos of anyone ship with RFAM.
const PALETTE = ['#e4572e', '#17bebb', '#ffc914', '#76b041', '#2e86ab', '#a23b72', '#f18f01', '#6a4c93', '#1b998b', '#c5283d']

function hash (text: string): number {
  let h = 2166136261
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
  return h >>> 0
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function initials (name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words
  return letters.map((w) => [...w][0]!.toUpperCase()).join('').slice(0, 4) || '?'
}

export function avatarSvg (name: string, seed = name): string {
  const h = hash(seed)
  const bg = PALETTE[h % PALETTE.length]!
  const angle = (h >>> 8) % 360
  return '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">' +
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} .5 .5)"><stop offset="0" stop-color="${bg}"/><stop offset="1" stop-color="${bg}" stop-opacity=".7"/></linearGradient></defs>` +
    '<rect width="256" height="256" rx="48" fill="url(#g)"/>' +
    `<text x="128" y="128" dy=".35em" text-anchor="middle" font-family="DejaVu Sans, Verdana, sans-serif" font-size="104" font-weight="700" fill="#fff">${escapeXml(initials(name))}</text></svg>`
}
