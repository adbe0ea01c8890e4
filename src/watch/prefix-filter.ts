// A set of short strings ("bases") that answers one question cheaply: may this word start with
// one of them? The presearcher uses it to skip, on a word's first sight, work whose result could
// only be looked up in vain: stemming a word whose stem cannot be one the index holds (stem.ts's
// STEM_ENDINGS says why a prefix tells), and stemming a Cyrillic word for a cross key that no
// Latin query word has (transliterate.ts's crossKeyBaseLength). Not responsible for choosing
// the bases (the callers prove that every word the skipped work could find starts with one).
//
// A bit filter over hashes of each base's first PREFIX_FILTER_LENGTH units, with their length:
// "no" is certain, "yes" only means "do the work" (about one word in sixteen shares a bit by
// chance when full), so skipping on "no" never changes a result.

/**
 * Whether the presearcher consults its prefix filters: always, in the Worker. A switch only so
 * that a test can show the filters change no match (test/watch/property.test.ts) and a bench
 * can weigh what they save.
 */
export const prefixFilters = { on: true }

/** Units of a base that are kept: enough to tell most words apart, few enough to hash on sight. */
export const PREFIX_FILTER_LENGTH = 12

/** Filter bits per base filed: 16 keeps chance hits near one word in sixteen when full. */
const BITS_PER_BASE = 16
const MIN_BITS = 1024

export class PrefixFilter {
  private readonly bits: Uint32Array
  /** 32 minus log2 of the number of bits. */
  private readonly shift: number
  /** Bit k set: some base of length k (k ≤ PREFIX_FILTER_LENGTH) is filed. */
  private lengths = 0
  /** An empty base was filed: every word starts with it. */
  private all = false

  /** Sized for `bases` bases. */
  constructor(bases: number) {
    let size = MIN_BITS
    while (size < bases * BITS_PER_BASE) size *= 2
    this.bits = new Uint32Array(size / 32)
    this.shift = 32 - Math.log2(size)
  }

  /** Files the base s[0, length), cut to PREFIX_FILTER_LENGTH units. */
  file(s: string, length = s.length): void {
    const n = Math.min(length, PREFIX_FILTER_LENGTH)
    if (n <= 0) {
      this.all = true
      return
    }
    let h = 0
    for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
    const bit = this.bit(h, n)
    this.bits[bit >>> 5]! |= 1 << (bit & 31)
    this.lengths |= 1 << n
  }

  /** False when `word` certainly starts with no base filed; true when it may. */
  mayStart(word: string): boolean {
    if (this.all) return true
    const lengths = this.lengths
    const n = Math.min(word.length, PREFIX_FILTER_LENGTH)
    let h = 0
    for (let k = 1; k <= n; k++) {
      h = (Math.imul(h, 31) + word.charCodeAt(k - 1)) | 0
      if ((lengths & (1 << k)) === 0) continue
      const bit = this.bit(h, k)
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0) return true
    }
    return false
  }

  private bit(h: number, length: number): number {
    return Math.imul(h ^ Math.imul(length, 0x85ebca6b), 0x9e3779b1) >>> this.shift
  }
}
