// UTF-16 code units and surrogate pairs: where a string may be cut (src/deliver/render/text.ts,
// src/store/config-object.ts), where a highlight may start (src/deliver/render/alert-view.ts),
// and how a `?` pattern reads one code point (src/watch/compile.ts). Pure.

/** Whether `c` is the first unit of a surrogate pair. */
export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff
}

/** Whether `c` is the second unit of a surrogate pair. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}

/** Whether `s` holds a surrogate unit, paired or not. */
export function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) return true
  }
  return false
}

/** `end`, or one unit less where cutting `s` there would leave half of a surrogate pair. */
export function pairSafeEnd(s: string, end: number): number {
  return end > 0 && end < s.length && isHighSurrogate(s.charCodeAt(end - 1)) ? end - 1 : end
}
