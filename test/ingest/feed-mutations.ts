// Mutated real feeds for fuzzing the parser (issue #9): fast-check arbitraries that take a fixture
// feed and damage it the way transports, CMSs and attackers do — cut it short, delete, duplicate
// or move a span, insert markup fragments (`<`, `]]>`, `</item>`, `<!DOCTYPE`, quotes, `&`), flip
// bytes after UTF-8 encoding. Shared by test/ingest/fuzz.test.ts (inside workerd) and
// bench/ingest-fuzz.bench.ts (in Node, where the clock advances during computation and the
// longest case can be timed).
import fc from 'fast-check'

const FRAGMENTS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '<![CDATA[',
  '</item>',
  '<item>',
  '</entry>',
  '<entry>',
  '</channel>',
  '<!--',
  '-->',
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
  '&a;&a;&a;',
  '&#xD800;',
  '&amp',
  '<title>',
  '</title>',
  '<?xml version="1.0" encoding="windows-1251"?>',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  '\u0000',
  '\uFFFE',
  '<content type="xhtml"><div>',
  '<content mode="base64">',
]

type Edit = (s: string) => string

const at = (s: string, f: number) => Math.floor(f * (s.length + 1))

const edit: fc.Arbitrary<Edit> = fc.oneof(
  // Cut short, somewhere in the second half (earlier cuts mostly leave nothing to read).
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((f) => (s: string) => s.slice(0, at(s, 0.5 + f / 2))),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(200)).map(
    ([f, n]) =>
      (s: string) =>
        s.slice(0, at(s, f)) + s.slice(at(s, f) + n),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...FRAGMENTS)).map(
    ([f, frag]) =>
      (s: string) =>
        s.slice(0, at(s, f)) + frag + s.slice(at(s, f)),
  ),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(300), fc.nat(4))
    .map(([f, n, times]) => (s: string) => {
      const i = at(s, f)
      return s.slice(0, i) + s.slice(i, i + n).repeat(times + 1) + s.slice(i)
    }),
  fc
    .tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.nat(120),
    )
    .map(([f, g, n]) => (s: string) => {
      const span = s.slice(at(s, f), at(s, f) + n)
      const rest = s.slice(0, at(s, f)) + s.slice(at(s, f) + n)
      return rest.slice(0, at(rest, g)) + span + rest.slice(at(rest, g))
    }),
)

/** A fixture damaged by 1–6 edits, as text or (half the time) as UTF-8 bytes with bytes flipped. */
export function mutatedFeed(fixtures: string[]): fc.Arbitrary<string | Uint8Array> {
  return fc
    .tuple(
      fc.constantFrom(...fixtures),
      fc.array(edit, { minLength: 1, maxLength: 6 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(255)), { maxLength: 4 }),
    )
    .map(([fixture, edits, flips]) => {
      const text = edits.reduce((s, e) => e(s), fixture)
      if (flips.length === 0) return text
      const bytes = new TextEncoder().encode(text)
      for (const [f, b] of flips)
        if (bytes.length) bytes[Math.floor(f * bytes.length) % bytes.length] = b
      return bytes
    })
}

/** What a parse of `input` may cost at most in output: a linear bound on characters produced. */
export function outputBound(input: string | Uint8Array): number {
  return 12 * input.length + 20_000
}
