// Typed arrays the watch engine reuses from item to item (token tables, code units, candidate
// lists): grown when an item needs more, given back after an oversized one. Not responsible for
// what they hold.

type Buffer = Int32Array | Uint16Array

/**
 * Past this many elements, a scratch array is given back as soon as an item needs less: one huge
 * item (a feed may hold a multi-megabyte article) must not hold megabytes for the isolate's life.
 */
export const SCRATCH_KEEP = 1 << 16

/** A new array of the same type as `like`, `size` long. */
function like<T extends Buffer>(array: T, size: number): T {
  return new (array.constructor as new (n: number) => T)(size)
}

/** `array` if it holds `length` elements, else a copy with its content, doubled until it does. */
export function grown<T extends Buffer>(array: T, length: number): T {
  if (length <= array.length) return array
  let size = Math.max(array.length * 2, 64)
  while (size < length) size *= 2
  const out = like(array, size)
  out.set(array)
  return out
}

/**
 * Scratch for `length` elements, content not kept: `array` if it fits and is not oversized (over
 * `keep` elements while `length` is not), else a new one.
 */
export function scratchFor<T extends Buffer>(array: T, length: number, keep = SCRATCH_KEEP): T {
  if (length <= array.length && (array.length <= keep || length > keep)) return array
  return like(array, Math.max(length, 1024))
}
