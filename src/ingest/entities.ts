// HTML character references → text, in one pass. Feeds use HTML's named entities (`&eacute;`,
// `&nbsp;`, `&rsquo;`, and rarer ones such as `&NotNestedGreaterGreater;`) in XML that never
// declares them, so every text field goes through here. The table is WHATWG's whole list of
// named character references, through the `entities` package (the decoder htmlparser2 uses),
// rather than a hand-kept subset. Not responsible for markup (see html-text.ts) nor for
// DTD-declared entities, which are never expanded (safety: no billion laughs, no external
// entities). Follows WHATWG HTML "Named character references" and "numeric character reference
// end state" (the windows-1252 remapping of &#128;–&#159;, U+FFFD for invalid code points).
import { decodeHTML, DecodingMode } from 'entities'

/** Set by decodeEntities when an `&` starts no reference (an unescaped ampersand). */
export interface EntityReport {
  bare: boolean
}

// An `&` that is not followed by a numeric reference or a `name;`: an unescaped ampersand. A
// negative look-ahead over a bounded token: it cannot backtrack beyond 32 characters per `&`.
const BARE_AMP = /&(?!#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{0,31};)/

/** The character(s) a name stands for (`eacute` → `é`), or undefined. Exposed for tests. */
export function lookupEntity(name: string): string | undefined {
  const ref = `&${name};`
  const out = decodeHTML(ref, DecodingMode.Strict)
  return out === ref ? undefined : out
}

/**
 * Decode every character reference in `s`. Decoded as in an HTML attribute value: legacy names
 * without `;` (`&copy 2024`) are read, except before `=` or a letter/digit, so `?a=1&copy=2`
 * inside a URL stays as written. Unknown names and malformed references stay as written (a lone
 * `&` is text, as in HTML); `report.bare` says an unescaped `&` was seen.
 */
export function decodeEntities(s: string, report?: EntityReport): string {
  if (s.indexOf('&') === -1) return s
  if (report && !report.bare && BARE_AMP.test(s)) report.bare = true
  return decodeHTML(s, DecodingMode.Attribute)
}
