// The address guard: the one check every outgoing URL passes (feeds, autodiscovery, destinations,
// redirects) before the Worker connects to it. It refuses hosts that name something other than the
// public Internet: IP literals in the IANA IPv4 and IPv6 Special-Purpose Address Registries that are
// not globally reachable (plus multicast, whose own registry is separate), every spelling of an IPv4
// literal the WHATWG URL Standard's IPv4 parser accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`,
// `127.1`), IPv4 addresses embedded in IPv6 (mapped, compatible, translated, 6to4, NAT64), and
// names reserved for local use (`localhost` and `*.localhost` RFC 6761, `*.local` RFC 6762,
// `*.internal` ICANN 2024, `*.home.arpa` RFC 8375, single-label names). Destinations must also be
// https. `ENVIRONMENT=development` switches the whole guard off, so local runs and tests can use
// loopback servers.
// Not responsible for DNS: a public name that resolves to a private address is not caught here (the
// Workers runtime cannot reach private networks anyway; see docs/operations.md, "Limits").
import { AddressError } from './errors'

export { AddressError }

/** What the URL is for: destinations carry credentials and must use https in production. */
export type AddressPurpose = 'feed' | 'destination'

export interface AddressPolicy {
  /** `ENVIRONMENT=development`: loopback, private hosts and plain http are all allowed. */
  development: boolean
}

/** The policy for a Worker environment: only `ENVIRONMENT=development` relaxes the guard. */
export const addressPolicyOf = (env: { ENVIRONMENT?: string }): AddressPolicy => ({
  development: env.ENVIRONMENT === 'development',
})

type Range = readonly [prefix: bigint, bits: number, name: string]

const v4 = (a: number, b: number, c: number, d: number): bigint =>
  BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d)

/**
 * IPv4 blocks that are not globally reachable (IANA IPv4 Special-Purpose Address Registry, plus
 * 224.0.0.0/4 from the multicast registry). 192.0.0.0/24 is refused whole: its few globally
 * reachable /32s are anycast protocol services, never a feed or a webhook receiver.
 */
const V4_BLOCKS: Range[] = [
  [v4(0, 0, 0, 0), 8, '"this network" (0.0.0.0/8)'],
  [v4(10, 0, 0, 0), 8, 'private-use (10.0.0.0/8)'],
  [v4(100, 64, 0, 0), 10, 'shared address space / CGNAT (100.64.0.0/10)'],
  [v4(127, 0, 0, 0), 8, 'loopback (127.0.0.0/8)'],
  [v4(169, 254, 0, 0), 16, 'link-local (169.254.0.0/16)'],
  [v4(172, 16, 0, 0), 12, 'private-use (172.16.0.0/12)'],
  [v4(192, 0, 0, 0), 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [v4(192, 0, 2, 0), 24, 'documentation (192.0.2.0/24)'],
  [v4(192, 88, 99, 0), 24, 'deprecated 6to4 relay anycast (192.88.99.0/24)'],
  [v4(192, 168, 0, 0), 16, 'private-use (192.168.0.0/16)'],
  [v4(198, 18, 0, 0), 15, 'benchmarking (198.18.0.0/15)'],
  [v4(198, 51, 100, 0), 24, 'documentation (198.51.100.0/24)'],
  [v4(203, 0, 113, 0), 24, 'documentation (203.0.113.0/24)'],
  [v4(224, 0, 0, 0), 4, 'multicast (224.0.0.0/4)'],
  [v4(255, 255, 255, 255), 32, 'limited broadcast (255.255.255.255)'],
  [v4(240, 0, 0, 0), 4, 'reserved (240.0.0.0/4)'],
]

const v6 = (...groups: number[]): bigint =>
  groups.reduce((acc, g, i) => acc | (BigInt(g) << BigInt(112 - 16 * i)), 0n)

/**
 * IPv6 blocks that are not globally reachable (IANA IPv6 Special-Purpose Address Registry, plus
 * ff00::/8 multicast and the deprecated fec0::/10 site-local). Blocks that embed an IPv4 address
 * are not here: `embeddedV4` extracts it and the IPv4 table decides. 2001::/23 is refused whole,
 * as 192.0.0.0/24 is.
 */
const V6_BLOCKS: Range[] = [
  [v6(0), 128, 'unspecified (::)'],
  [v6(0, 0, 0, 0, 0, 0, 0, 1), 128, 'loopback (::1)'],
  [v6(0x64, 0xff9b, 1), 48, 'local-use IPv4/IPv6 translation (64:ff9b:1::/48)'],
  [v6(0x100), 64, 'discard-only (100::/64)'],
  [v6(0x100, 0, 0, 1), 64, 'dummy prefix (100:0:0:1::/64)'],
  [v6(0x2001), 23, 'IETF protocol assignments (2001::/23)'],
  [v6(0x2001, 0xdb8), 32, 'documentation (2001:db8::/32)'],
  [v6(0x3fff), 20, 'documentation (3fff::/20)'],
  [v6(0x5f00), 16, 'segment routing SIDs (5f00::/16)'],
  [v6(0xfc00), 7, 'unique local (fc00::/7)'],
  [v6(0xfe80), 10, 'link-local (fe80::/10)'],
  [v6(0xfec0), 10, 'deprecated site-local (fec0::/10)'],
  [v6(0xff00), 8, 'multicast (ff00::/8)'],
]

function inRange(address: bigint, width: number, [prefix, bits]: Range): boolean {
  const shift = BigInt(width - bits)
  return address >> shift === prefix >> shift
}

/**
 * The WHATWG URL Standard's IPv4 parser: 1–4 dot-separated numbers, each decimal, octal (`0` prefix)
 * or hex (`0x`), the last filling the remaining bytes. Returns undefined when `host` is not an IPv4
 * literal (the URL parser then treats it as a name).
 */
export function parseIPv4(host: string): bigint | undefined {
  const parts = host.split('.')
  if (parts.at(-1) === '' && parts.length > 1) parts.pop() // one trailing dot is allowed
  if (parts.length > 4 || parts.length === 0) return undefined
  const numbers: bigint[] = []
  for (const part of parts) {
    let digits = part
    let radix = 10
    if (/^0x/i.test(part)) {
      digits = part.slice(2)
      radix = 16
    } else if (part.length > 1 && part.startsWith('0')) {
      digits = part.slice(1)
      radix = 8
    }
    if (digits === '') {
      if (radix === 10) return undefined
      numbers.push(0n) // `0x` alone is zero
      continue
    }
    const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/
    if (!valid.test(digits)) return undefined
    numbers.push(BigInt(radix === 16 ? `0x${digits}` : radix === 8 ? `0o${digits}` : digits))
  }
  const last = numbers.pop()!
  if (numbers.some((n) => n > 255n)) return undefined
  if (last >= 256n ** BigInt(5 - parts.length)) return undefined
  return numbers.reduce((acc, n, i) => acc + (n << BigInt(8 * (3 - i))), last)
}

/** An IPv6 literal (without brackets) as a 128-bit number, or undefined if it is not one. */
export function parseIPv6(literal: string): bigint | undefined {
  let text = literal.toLowerCase()
  const zone = text.indexOf('%')
  if (zone !== -1) text = text.slice(0, zone)
  const lastColon = text.lastIndexOf(':')
  const dotted = text.slice(lastColon + 1)
  if (dotted.includes('.')) {
    // A dotted-decimal IPv4 tail stands for the last two groups (RFC 4291, section 2.2).
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(dotted)
    const bytes = m ? m.slice(1).map(Number) : []
    if (!m || bytes.some((b) => b > 255)) return undefined
    const [a, b, c, d] = bytes as [number, number, number, number]
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const group = (s: string): number[] | undefined => {
    if (s === '') return []
    const out: number[] = []
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined
      out.push(parseInt(g, 16))
    }
    return out
  }
  const head = group(halves[0]!)
  const rest = halves.length === 2 ? group(halves[1]!) : []
  if (!head || !rest) return undefined
  const known = head.length + rest.length
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined
  return v6(...head, ...new Array<number>(8 - known).fill(0), ...rest)
}

/**
 * The IPv4 address an IPv6 address carries, where the network would deliver to it: IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96, deprecated), IPv4-translated (::ffff:0:0:0/96), NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedV4(address: bigint): bigint | undefined {
  const low32 = address & 0xffffffffn
  const high96 = address >> 32n
  if (high96 === 0xffffn || high96 === 0xffff0000n || high96 === v6(0x64, 0xff9b) >> 32n) {
    return low32
  }
  if (high96 === 0n && address > 1n) return low32 // ::/128 and ::1 have their own entries
  if (address >> 112n === 0x2002n) return (address >> 80n) & 0xffffffffn
  return undefined
}

/** Why an IPv4 address is refused, or undefined when it is globally reachable. */
export function classifyIPv4(address: bigint): string | undefined {
  return V4_BLOCKS.find((r) => inRange(address, 32, r))?.[2]
}

/** Why an IPv6 address is refused, or undefined when it is globally reachable. */
export function classifyIPv6(address: bigint): string | undefined {
  const inner = embeddedV4(address)
  if (inner !== undefined) {
    const reason = classifyIPv4(inner)
    return reason === undefined ? undefined : `an IPv6 form of ${reason}`
  }
  return V6_BLOCKS.find((r) => inRange(address, 128, r))?.[2]
}

/** Names that never point at the public Internet, whatever DNS says. */
const LOCAL_SUFFIXES: Array<[suffix: string, name: string]> = [
  ['localhost', 'loopback name (RFC 6761)'],
  ['local', 'multicast DNS name (RFC 6762)'],
  ['internal', 'private-use name (.internal)'],
  ['home.arpa', 'home network name (RFC 8375)'],
]

/**
 * Why `hostname` (as the URL parser gives it: lower case, IPv6 in brackets) is not a public
 * Internet host, or undefined when it may be one.
 */
export function classifyHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase()
  if (host.startsWith('[') && host.endsWith(']')) {
    const address = parseIPv6(host.slice(1, -1))
    return address === undefined ? 'an unreadable IPv6 literal' : classifyIPv6(address)
  }
  const address = parseIPv4(host)
  if (address !== undefined) return classifyIPv4(address)
  const name = host.endsWith('.') ? host.slice(0, -1) : host
  if (name === '') return 'an empty host name'
  for (const [suffix, why] of LOCAL_SUFFIXES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) return `a ${why}`
  }
  // A name without a dot is completed by the local resolver's search domains: an intranet host.
  if (!name.includes('.')) return 'a single-label name (resolved only on local networks)'
  return undefined
}

/**
 * Throws AddressError unless `url` may be fetched under `policy`: http(s) only, https for
 * destinations, and a public host (both relaxed in development). `field` names the input.
 */
export function assertPublicUrl(
  url: string | URL,
  purpose: AddressPurpose,
  policy: AddressPolicy,
  field = 'url',
): URL {
  let parsed: URL
  try {
    parsed = typeof url === 'string' ? new URL(url) : url
  } catch (cause) {
    throw new AddressError(field, 'is not an absolute URL', { cause })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AddressError(field, `scheme ${parsed.protocol} refused: only http and https`)
  }
  if (policy.development) return parsed
  if (purpose === 'destination' && parsed.protocol !== 'https:') {
    throw new AddressError(field, 'must use https (plain http is allowed only in development)')
  }
  const reason = classifyHost(parsed.hostname)
  if (reason !== undefined) {
    throw new AddressError(
      field,
      `host ${parsed.hostname} refused, ${reason}: only public Internet hosts are allowed`,
    )
  }
  return parsed
}

/** Whether `url` passes the guard (for choosing among candidates rather than refusing). */
export function isAllowedUrl(url: string, purpose: AddressPurpose, policy: AddressPolicy): boolean {
  try {
    assertPublicUrl(url, purpose, policy)
    return true
  } catch (error) {
    if (error instanceof AddressError) return false
    throw error
  }
}

/**
 * `transport` with every request's URL passed through the guard first, so redirects followed by
 * hand (fetchFeed) and every channel's request are checked, not only the URL a user typed. It
 * checks hosts only: https for destinations is enforced when a destination is saved.
 */
export function guardedFetch(transport: typeof fetch, policy: AddressPolicy): typeof fetch {
  if (policy.development) return transport
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    assertPublicUrl(url, 'feed', policy)
    return transport(input, init)
  }
}
