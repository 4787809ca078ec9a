// The unit wrong log-ins are counted per: an IPv4 address, or an IPv6 /64 network (one machine
// easily has a whole /64 of addresses to hop between).
import { isIPv4, isIPv6 } from 'node:net'

export function addressKey (ip: string): string {
  const address = ip.split('%', 1)[0]!.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)
  if (mapped) return mapped[1]!
  if (isIPv4(address) || !isIPv6(address)) return address
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address, '::' filled in, as short hex. */
function ipv6Groups (address: string): string[] {
  const [head = '', tail] = address.split('::')
  const part = (text: string) => text === '' ? [] : text.split(':').flatMap((g) => g.includes('.') ? ipv4Groups(g) : [g])
  const front = part(head)
  const back = tail === undefined ? [] : part(tail)
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
  return groups.map((g) => parseInt(g, 16).toString(16))
}

function ipv4Groups (dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number)
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
}
