// Text helpers shared by every channel's renderer: cleaning feed text (hostile input), cutting it to
// a service's limit in the service's own unit (UTF-16 code units or UTF-8 bytes) without splitting a
// surrogate pair or an escape sequence, and keeping only http(s) links.
//
// Not here: any service's markup (each channel escapes for its own service).

import { pairSafeEnd } from '../../lib/utf16'

/** Bidirectional controls (Unicode TR9): an override can make `gro.live` read as `evil.org`. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
/** C0/C1 controls other than tab and newline: never meaningful in a notification. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export const ELLIPSIS = '…'

/** Any character cleanText may change: most text has none, and is returned as it is. */
const SUSPECT =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/

/** Feed text made safe to show: no bidi or control characters, no lone surrogates. */
export function cleanText(s: string): string {
  if (!SUSPECT.test(s)) return s
  return s.replace(BIDI_CONTROLS, '').replace(CONTROLS, ' ').replace(LONE_SURROGATE, '\uFFFD')
}

/** Whitespace that is not a single space, or spaces at either end. */
const UNEVEN_SPACE = /[^\S ]| {2}|^ | $/

/** Cleaned and on one line (titles, names, subjects). */
export function oneLine(s: string): string {
  const clean = cleanText(s)
  return UNEVEN_SPACE.test(clean) ? clean.replace(/\s+/g, ' ').trim() : clean
}

/** The unit a service counts its limits in. */
export type Unit = 'utf16' | 'bytes'

const encoder = new TextEncoder()

export function measure(s: string, unit: Unit): number {
  return unit === 'utf16' ? s.length : encoder.encode(s).length
}

/** UTF-8 length of one code point. */
function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4
}

/** The longest prefix of `s` at most `max` long in `unit`, never ending inside a surrogate pair. */
export function prefix(s: string, max: number, unit: Unit): string {
  if (max <= 0) return ''
  if (unit === 'utf16') {
    if (s.length <= max) return s
    return s.slice(0, pairSafeEnd(s, max))
  }
  let bytes = 0
  let i = 0
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0
    const n = utf8Length(cp)
    if (bytes + n > max) break
    bytes += n
    i += cp > 0xffff ? 2 : 1
  }
  return s.slice(0, i)
}

/** `s` cut to `max` (in `unit`) with an ellipsis when anything was left out. */
export function cut(s: string, max: number, unit: Unit = 'utf16'): string {
  if (measure(s, unit) <= max) return s
  const room = max - measure(ELLIPSIS, unit)
  if (room <= 0) return prefix(ELLIPSIS, max, unit)
  return prefix(s, room, unit).trimEnd() + ELLIPSIS
}

/**
 * `escape(cut(text))` for the longest cut whose escaped form fits `max`: cutting the plain text and
 * escaping afterwards never splits an escape sequence (`&amp;`, `\*`) or a tag.
 */
export function fitEscaped(
  text: string,
  max: number,
  escape: (s: string) => string,
  unit: Unit = 'utf16',
): string {
  const whole = escape(text)
  if (measure(whole, unit) <= max) return whole
  // Escaping never shortens, so the answer is a cut at most `max` long: binary search the cut.
  let lo = 0
  let hi = Math.min(measure(text, unit), max)
  let best = escape(cut(text, 0, unit))
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const candidate = escape(cut(text, mid, unit))
    if (measure(candidate, unit) <= max) {
      best = candidate
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return best
}

/** The URL if it is an absolute http(s) URL (normalised), else undefined: never a `javascript:`. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined // not a URL at all: shown as text nowhere, linked nowhere
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
}

/** A word joiner after `@`, so `@everyone` or `@alice` reads the same but is no mention. */
export function defuseMentions(s: string): string {
  return s.replace(/@(?=[\p{L}\p{N}_])/gu, '@\u2060')
}
