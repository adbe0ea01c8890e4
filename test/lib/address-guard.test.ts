// The address guard against the IANA special-purpose registries and every IPv4 literal spelling the
// WHATWG URL parser accepts: what production refuses, what it lets through (the blocks' public
// neighbours), and that development lifts it.
import { describe, expect, it } from 'vitest'
import {
  AddressError,
  assertPublicUrl,
  classifyHost,
  parseIPv4,
  parseIPv6,
} from '../../src/lib/address-guard'

const production = { development: false }
const development = { development: true }

describe('IPv4 literal forms (WHATWG URL Standard, IPv4 parser)', () => {
  it.each([
    ['dotted decimal', '127.0.0.1'],
    ['one decimal number', '2130706433'],
    ['octal first part', '0177.0.0.1'],
    ['hex parts', '0x7f.0x0.0x0.0x1'],
    ['hex, two parts', '0x7f.1'],
    ['short form', '127.1'],
    ['three parts', '127.0.1'],
    ['one hex number', '0x7f000001'],
    ['one octal number', '017700000001'],
    ['a trailing dot', '127.0.0.1.'],
  ])('reads the %s %s as 127.0.0.1', (_, literal) => {
    expect(parseIPv4(literal)).toBe(0x7f000001n)
  })

  it.each([
    ['five parts', '1.2.3.4.5'],
    ['a part over 255 before the last', '256.1.1.1'],
    ['a last part too large for its bytes', '1.2.70000'],
    ['an invalid octal digit', '08.0.0.1'],
    ['a name', 'example.com'],
    ['an empty part', '1..2.3'],
  ])('does not read %s (%s) as an address', (_, literal) => {
    expect(parseIPv4(literal)).toBeUndefined()
  })

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('agrees with the runtime URL parser, which turns %s into %s', (url, host) => {
    expect(new URL(url).hostname).toBe(host)
    expect(() => assertPublicUrl(url, 'feed', production)).toThrow(AddressError)
  })
})

describe('IPv6 literals', () => {
  it.each([
    ['::1', 1n],
    ['::', 0n],
    ['::ffff:127.0.0.1', 0xffff7f000001n],
    ['0:0:0:0:0:ffff:7f00:1', 0xffff7f000001n],
    ['fe80::1%eth0', (0xfe80n << 112n) | 1n],
  ])('reads %s', (literal, value) => {
    expect(parseIPv6(literal)).toBe(value)
  })

  it.each(['1:2:3:4:5:6:7:8:9', '1::2::3', '::ffff:1.2.3', 'g::1', '::1.2.3.256'])(
    'refuses to read %s',
    (literal) => {
      expect(parseIPv6(literal)).toBeUndefined()
    },
  )
})

describe('in production, refuses hosts that are not on the public Internet', () => {
  it.each([
    ['loopback', 'http://127.0.0.1/'],
    ['loopback, anywhere in 127/8', 'http://127.255.255.254/'],
    ['"this network"', 'http://0.0.0.0/'],
    ['private 10/8', 'http://10.1.2.3/'],
    ['private 172.16/12, low end', 'http://172.16.0.1/'],
    ['private 172.16/12, high end', 'http://172.31.255.255/'],
    ['private 192.168/16', 'http://192.168.1.1/'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['CGNAT 100.64/10, low end', 'http://100.64.0.1/'],
    ['CGNAT 100.64/10, high end', 'http://100.127.255.255/'],
    ['IETF protocol assignments 192.0.0/24', 'http://192.0.0.8/'],
    ['documentation TEST-NET-1', 'http://192.0.2.1/'],
    ['documentation TEST-NET-2', 'http://198.51.100.7/'],
    ['documentation TEST-NET-3', 'http://203.0.113.9/'],
    ['benchmarking 198.18/15, low end', 'http://198.18.0.1/'],
    ['benchmarking 198.18/15, high end', 'http://198.19.255.255/'],
    ['multicast', 'http://224.0.0.1/'],
    ['multicast SSDP', 'http://239.255.255.250/'],
    ['reserved 240/4', 'http://240.0.0.1/'],
    ['limited broadcast', 'http://255.255.255.255/'],
    ['decimal loopback', 'http://2130706433/'],
    ['octal loopback', 'http://0177.0.0.1/'],
    ['hex loopback', 'http://0x7f.1/'],
    ['short loopback', 'http://127.1/'],
    ['decimal metadata address', 'http://2852039166/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped private, hex', 'http://[::ffff:a00:1]/'],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/'],
    ['IPv4-translated loopback', 'http://[::ffff:0:127.0.0.1]/'],
    ['NAT64 of a private address', 'http://[64:ff9b::10.0.0.1]/'],
    ['6to4 of loopback', 'http://[2002:7f00:1::]/'],
    ['unique local fc00::/7', 'http://[fd12:3456::1]/'],
    ['unique local, fc half', 'http://[fc00::1]/'],
    ['link-local fe80::/10', 'http://[fe80::1]/'],
    ['link-local, top of fe80::/10', 'http://[febf::1]/'],
    ['site-local fec0::/10', 'http://[fec0::1]/'],
    ['IPv6 multicast', 'http://[ff02::1]/'],
    ['IPv6 documentation 2001:db8::/32', 'http://[2001:db8::1]/'],
    ['IPv6 documentation 3fff::/20', 'http://[3fff::1]/'],
    ['Teredo, inside 2001::/23', 'http://[2001:0:4136:e378::1]/'],
    ['discard-only 100::/64', 'http://[100::1]/'],
    ['localhost', 'http://localhost/'],
    ['localhost with a trailing dot', 'https://localhost./'],
    ['a name under .localhost', 'https://app.localhost/'],
    ['a name under .localhost, upper case and dot', 'https://APP.LOCALHOST./'],
    ['cloud metadata name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['a name under .internal', 'https://billing.corp.internal/'],
    ['an mDNS name', 'http://printer.local/'],
    ['a home network name', 'http://router.home.arpa/'],
    ['a single-label name', 'http://intranet/'],
  ])('%s: %s', (_, url) => {
    expect(() => assertPublicUrl(url, 'feed', production)).toThrow(AddressError)
    expect(() => assertPublicUrl(url, 'feed', development)).not.toThrow()
  })
})

describe('in production, lets public hosts through, next to the refused blocks', () => {
  it.each([
    ['a public name', 'https://www.example.org/feed'],
    ['a public name with a trailing dot', 'https://www.example.org./feed'],
    ['a name that merely contains "localhost"', 'https://localhost.example.com/'],
    ['a name ending in "local" without a dot', 'https://mylocal.com/'],
    ['a public IPv4 address', 'http://93.184.215.14/'],
    ['just below CGNAT', 'http://100.63.255.255/'],
    ['just above CGNAT', 'http://100.128.0.0/'],
    ['just below 172.16/12', 'http://172.15.255.255/'],
    ['just above 172.16/12', 'http://172.32.0.0/'],
    ['just below benchmarking', 'http://198.17.255.255/'],
    ['just above benchmarking', 'http://198.20.0.0/'],
    ['just below multicast', 'http://223.255.255.255/'],
    ['a public address as one decimal number', 'http://134744072/'],
    ['a public IPv6 address', 'http://[2606:4700:4700::1111]/'],
    ['IPv4-mapped public address', 'http://[::ffff:8.8.8.8]/'],
    ['6to4 of a public address', 'http://[2002:808:808::1]/'],
  ])('%s: %s', (_, url) => {
    expect(() => assertPublicUrl(url, 'feed', production)).not.toThrow()
  })
})

describe('schemes', () => {
  it.each([
    ['destination over plain http', 'http://hooks.example.com/x', 'destination', /https/],
    ['feed over ftp', 'ftp://example.org/feed', 'feed', /only http and https/],
    ['destination over file', 'file:///etc/passwd', 'destination', /only http and https/],
    ['something that is not a URL', 'not a url', 'feed', /absolute URL/],
  ] as const)('refuses a %s', (_, url, purpose, message) => {
    expect(() => assertPublicUrl(url, purpose, production)).toThrow(message)
  })

  it('lets feeds use plain http, which many publishers still serve', () => {
    expect(assertPublicUrl('http://example.org/rss', 'feed', production).href).toBe(
      'http://example.org/rss',
    )
  })

  it('lets development use plain http destinations on loopback', () => {
    expect(() =>
      assertPublicUrl('http://127.0.0.1:8080/hook', 'destination', development),
    ).not.toThrow()
  })

  it('names the field and the block in its message', () => {
    expect(() => assertPublicUrl('http://100.64.1.1/', 'feed', production, 'apiBase')).toThrow(
      /^apiBase: host 100\.64\.1\.1 refused, shared address space \/ CGNAT \(100\.64\.0\.0\/10\)/,
    )
  })
})

describe('classifyHost', () => {
  it.each([
    ['[::ffff:169.254.169.254]', /IPv6 form of link-local/],
    ['[not-an-address]', /unreadable/],
    ['', /empty/],
  ])('explains %s', (host, why) => {
    expect(classifyHost(host)).toMatch(why)
  })
})
