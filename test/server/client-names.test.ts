// How a log-in's client and address are named: the program as people read it, and the unit wrong
// tries are counted per (IPv4 address, IPv6 /64 network).
import t from 'tap'
import { clientName } from '../../server/auth/client-name.ts'
import { addressKey } from '../../server/auth/client-address.ts'

t.test('user agents as people read them', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge on Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1', 'Chrome on iOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36', 'Chrome on Android'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', 'Chrome on ChromeOS'],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Linux'],
    ['rfam-blender-addon', 'Blender add-on'],
    ['curl/8.5.0', 'curl/8.5.0'],
    ['', 'Unknown program'],
    [undefined, 'Unknown program'],
  ]
  for (const [ua, name] of cases) t.equal(clientName(ua), name, ua ?? '(none)')
})

t.test('addresses: IPv4 as they are, IPv6 per /64 network', async (t) => {
  t.equal(addressKey('192.0.2.7'), '192.0.2.7')
  t.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7', 'an IPv4 client on a dual-stack socket')
  t.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64')
  t.equal(addressKey('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64')
  t.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  t.equal(addressKey('64:ff9b::192.0.2.7'), '64:ff9b:0:0::/64', 'an embedded IPv4 address')
})
