// A set of short strings ("bases") that answers one question cheaply: may this word start with
// one of them? The presearcher uses it to skip, on a word's first sight, work whose result could
// only be looked up in vain: stemming a word whose stem cannot be one the index holds (stem.ts's
// STEM_ENDINGS says why a prefix tells), and stemming a Cyrillic word for a cross key that no
// Latin query word has (transliterate.ts's crossKeyBaseLength). Not responsible for choosing
// the bases (the callers prove that every word the skipped work could find starts with one).
//
// A bit filter over hashes of each base's first PREFIX_FILTER_LENGTH units, with their length,
// KEY_BITS bits a base: "no" is certain, "yes" only means "do the work" (a word shares all the
// bits of a base by chance about once in 5,000 tests), so skipping on "no" never changes a result.

/**
 * Whether the presearcher consults its prefix filters: always, in the Worker. A switch only so
 * that a test can show the filters change no match (test/watch/property.test.ts) and a bench
 * can weigh what they save.
 */
export const prefixFilters = { on: true }

/** Units of a base that are kept: enough to tell most words apart, few enough to hash on sight. */
export const PREFIX_FILTER_LENGTH = 12

/**
 * Filter bits per key filed (32 to 64, the size being a power of two), KEY_BITS of them set: a
 * chance hit is then about 1 in 5,000 tests when fullest. A word tests each length in use (up
 * to 12 starts, and whole strings), so chance hits add up per word: with one bit in 16 a third
 * of an item's new words went through, with two of 32 (a chance hit 1 in 250 a test) about one
 * new word in 50, each then paying for a memo that finds nothing; with four, one in ~1,000.
 */
const BITS_PER_KEY = 32
/**
 * Bits set per key. Most tests stop at the first bit (a filter is at most ~12% set), so the
 * bits past the second cost little and only on near-misses.
 */
const KEY_BITS = 4
const MIN_BITS = 1024
/** Most filter bits a stored form may say it has (2^24: 2 MiB, far above any index's). */
const MAX_SHIFT_BITS = 24

/**
 * The bits of a KEY_BITS-hash filter (this file's PrefixFilter, first-sight-gate.ts's filters): a
 * power of two of them, sized for a number of keys, or read in place from the typed-array form a
 * snapshot stores — the shift, the subclass's header words, then the bits — checked, so that a
 * form this code cannot have written throws a RangeError. Subclasses hash their keys to one
 * 32-bit `mixed` each and set or test its KEY_BITS bits.
 */
export abstract class BitFilter {
  protected readonly bits: Uint32Array
  /** 32 minus log2 of the number of bits. */
  protected readonly shift: number

  /** `header`: the words before the bits in the stored form, the shift included. */
  constructor(
    keys: number | Int32Array,
    private readonly header: number,
    what: string,
  ) {
    if (typeof keys !== 'number') {
      const shift = keys[0]!
      const n = keys.length - header
      if (
        !(shift >= 32 - MAX_SHIFT_BITS && shift <= 32 - Math.log2(MIN_BITS)) ||
        n !== 2 ** (32 - shift) / 32
      ) {
        throw new RangeError(`${what} words are not one`)
      }
      this.shift = shift
      this.bits = new Uint32Array(keys.buffer, keys.byteOffset + header * 4, n)
      return
    }
    let size = MIN_BITS
    while (size < keys * BITS_PER_KEY) size *= 2
    this.bits = new Uint32Array(size / 32)
    this.shift = 32 - Math.log2(size)
  }

  /** The stored form: the shift, `fields` (the rest of the header), then the bits. */
  protected stored(fields: number[]): Int32Array {
    const out = new Int32Array(this.header + this.bits.length)
    out[0] = this.shift
    out.set(fields, 1)
    out.set(new Int32Array(this.bits.buffer, this.bits.byteOffset, this.bits.length), this.header)
    return out
  }

  protected set(mixed: number): void {
    let x = mixed
    for (let k = 0; k < KEY_BITS; k++) {
      const a = x >>> this.shift
      this.bits[a >>> 5]! |= 1 << (a & 31)
      x = next(x)
    }
  }

  /** Whether all the bits of `mixed` are set. */
  protected test(mixed: number): boolean {
    let x = mixed
    for (let k = 0; k < KEY_BITS; k++) {
      const a = x >>> this.shift
      if ((this.bits[a >>> 5]! & (1 << (a & 31))) === 0) return false
      x = next(x)
    }
    return true
  }
}

/** Words before the bits in a filter's typed-array form (words): shift, lengths, all. */
const WORDS_HEADER = 3

export class PrefixFilter extends BitFilter {
  /** Bit k set: some base of length k (k ≤ PREFIX_FILTER_LENGTH) is filed. */
  private lengths = 0
  /** An empty base was filed: every word starts with it. */
  private all = false

  /**
   * Sized for `bases` bases; or, given the typed-array form `words` made (a snapshot's), a
   * filter reading its bits in place, checked: a form this code cannot have written throws a
   * RangeError.
   */
  constructor(bases: number | Int32Array) {
    super(bases, WORDS_HEADER, 'prefix filter')
    if (typeof bases !== 'number') {
      const lengths = bases[1]!
      if (
        (lengths & ~((2 << PREFIX_FILTER_LENGTH) - 2)) !== 0 ||
        !(bases[2] === 0 || bases[2] === 1)
      ) {
        throw new RangeError('prefix filter words are not one')
      }
      this.lengths = lengths
      this.all = bases[2] === 1
    }
  }

  /** The filter as Int32 words (a snapshot stores them; the constructor reads them back). */
  words(): Int32Array {
    return this.stored([this.lengths, this.all ? 1 : 0])
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
    this.set(mix(h, n))
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
      if ((lengths & (1 << k)) !== 0 && this.has(h, k)) return true
    }
    return false
  }

  /** mayStart of the word src[from, from + length), read as units (no string needed). */
  mayStartUnits(src: Uint16Array, from: number, length: number): boolean {
    if (this.all) return true
    const lengths = this.lengths
    const n = Math.min(length, PREFIX_FILTER_LENGTH)
    let h = 0
    for (let k = 1; k <= n; k++) {
      h = (Math.imul(h, 31) + src[from + k - 1]!) | 0
      if ((lengths & (1 << k)) !== 0 && this.has(h, k)) return true
    }
    return false
  }

  /** Whether all the bits of the base of `length` units whose polynomial hash is `h` are set. */
  private has(h: number, length: number): boolean {
    return this.test(mix(h, length))
  }
}

/** A 32-bit mix of a base's hash and length; its top bits pick the first bit. */
function mix(h: number, length: number): number {
  const x = Math.imul(h ^ Math.imul(length, 0x85ebca6b), 0x9e3779b1)
  return x ^ (x >>> 16)
}

/** The next mix from one, independent enough of it for the next bit. */
function next(mixed: number): number {
  return Math.imul(mixed ^ (mixed >>> 15), 0xc2b2ae35)
}
