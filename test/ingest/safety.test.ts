// Safety: hostile documents cost no memory or CPU to speak of and never reach the network.
import { describe, expect, it } from 'vitest'
import { MAX_FEED_BYTES, ParseError, parseFeed } from '../../src/ingest'
import { prng } from '../support/prng'

const url = 'https://evil.example/feed'

function timed<T>(fn: () => T): { value?: T; error?: unknown; ms: number } {
  const start = performance.now()
  try {
    return { value: fn(), ms: performance.now() - start }
  } catch (error) {
    return { error, ms: performance.now() - start }
  }
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n ')}
]>
<rss><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`

const quadratic = `<?xml version="1.0"?>
<!DOCTYPE kaboom [<!ENTITY a "${'a'.repeat(50_000)}">]>
<rss><channel><item><description>${'&a;'.repeat(50_000)}</description></item></channel></rss>`

const external = `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/steal"><!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss><channel><item><title>&xxe;</title></item></channel></rss>`

describe('safety', () => {
  it('leaves billion-laughs entities unexpanded', () => {
    const r = timed(() => parseFeed(billionLaughs, { url }))
    expect(r.value!.items[0]!.title).toBe('&lol9;')
    expect(r.value!.warnings).toContain(
      'DOCTYPE with entity declarations ignored (entities are never expanded)',
    )
    expect(r.ms).toBeLessThan(500)
  })

  it('leaves a quadratic blowup unexpanded and bounded', () => {
    const r = timed(() => parseFeed(quadratic, { url }))
    expect(r.value!.items[0]!.summary.length).toBeLessThanOrEqual(4 * 50_000)
    expect(r.ms).toBeLessThan(500)
  })

  it('never resolves external entities', () => {
    const r = timed(() => parseFeed(external, { url }))
    expect(r.value!.items[0]!.title).toBe('&xxe;')
  })

  it.each([
    [
      '10,000-deep nesting inside an item',
      `<rss><channel><item><guid>1</guid>${'<x>'.repeat(10_000)}deep${'</x>'.repeat(10_000)}</item></channel></rss>`,
    ],
    [
      '10,000 unclosed elements',
      `<rss><channel><item><guid>1</guid>${'<x>'.repeat(10_000)}</item></channel></rss>`,
    ],
    ['10,000-deep nesting as the document', '<a>'.repeat(10_000) + '</a>'.repeat(10_000)],
  ])('survives %s quickly', (_name, body) => {
    const r = timed(() => parseFeed(body, { url }))
    expect(r.ms).toBeLessThan(1000)
    if (r.error) expect(r.error).toBeInstanceOf(ParseError)
    else expect(r.value!.items.map((i) => i.key)).toEqual(['g:1'])
  })

  it('refuses a body over the size limit without parsing it', () => {
    const big = new Uint8Array(MAX_FEED_BYTES + 1)
    const r = timed(() => parseFeed(big, { url }))
    expect(r.error).toBeInstanceOf(ParseError)
    expect((r.error as Error).message).toMatch(/exceeds/)
    expect(r.ms).toBeLessThan(50)
  })

  it('keeps element names like __proto__ as plain data', () => {
    const r = parseFeed(
      '<rss><channel><item><guid>1</guid><__proto__><polluted>yes</polluted></__proto__></item></channel></rss>',
      { url },
    )
    expect(r.items).toHaveLength(1)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('stays linear on pathological markup', () => {
    const bodies = [
      `<rss><channel><item><title>${'<'.repeat(200_000)}</title></item></channel></rss>`,
      `<rss><channel><item><description>${'<![CDATA[x]]>'.repeat(100_000)}</description></item></channel></rss>`,
      `<rss><channel><item><description>${'&'.repeat(300_000)}</description></item></channel></rss>`,
      `<rss><channel>${'<item a="'.repeat(50_000)}</channel></rss>`,
    ]
    for (const body of bodies) {
      const r = timed(() => parseFeed(body, { url }))
      expect(r.ms).toBeLessThan(1000)
    }
  })
})

describe('stable error texts', () => {
  // A feed serving random bytes must fail with the same message on every poll: the status keeps
  // the last error, and a message that embedded the bytes changed each time and cost a KV write.
  const STABLE = [
    'unknown root element: not RSS, RDF or Atom (https://evil.example/feed)',
    'no XML element found: not a feed (https://evil.example/feed)',
    'invalid JSON (https://evil.example/feed)',
  ]

  it('gives random bytes one of a few fixed messages, never the bytes themselves', () => {
    const random = prng(9)
    const messages = new Set<string>()
    for (let n = 0; n < 200; n++) {
      const body = new Uint8Array(200 + Math.floor(random() * 2000))
      for (let i = 0; i < body.length; i++) body[i] = Math.floor(random() * 256)
      if (n % 2 === 0) body[Math.floor(random() * 50)] = 0x3c // a `<` early on, as bytes often have
      const r = timed(() => parseFeed(body, { url }))
      expect(r.error).toBeInstanceOf(ParseError)
      messages.add((r.error as ParseError).message)
    }
    expect([...messages].every((m) => STABLE.includes(m))).toBe(true)
    expect(messages.size).toBeGreaterThanOrEqual(2)
  })

  it('still names a real, well-formed root element that is not a feed', () => {
    const r = timed(() => parseFeed('<?xml version="1.0"?><svg><g/></svg>', { url }))
    expect((r.error as ParseError).message).toBe(
      'unknown root element <svg>: not RSS, RDF or Atom (https://evil.example/feed)',
    )
  })
})
