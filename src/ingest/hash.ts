// A small, fast, synchronous, non-cryptographic 64-bit string hash for item keys (parseFeed is
// synchronous, so crypto.subtle is out). Not for secrets or signatures: collisions are only
// improbable, not hard to forge. Algorithm: two 32-bit multiply-xorshift lanes (cyrb53's mixing,
// both lanes kept whole), hashing UTF-16 code units.

/** 64-bit hash of `s` as 16 lower-case hex digits. */
export function hash64(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0')
}
