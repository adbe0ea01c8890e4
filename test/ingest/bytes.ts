// Test helper: text → bytes in legacy encodings. workerd (like Node) has TextDecoder for these
// charsets but no encoder, so single-byte encodings are encoded through the inverse of their
// decoder's table; multi-byte samples are given as known byte sequences.
import { concatBytes } from '../../src/lib/bytes'

const tables = new Map<string, Map<string, number>>()

/**
 * Encode `text` in a single-byte encoding (windows-125x, iso-8859-x, koi8-r...). A character the
 * encoding cannot write throws, or becomes the byte `unwritable` when one is given (`0x3f`: `?`).
 */
export function encodeSingleByte(text: string, encoding: string, unwritable?: number): Uint8Array {
  let table = tables.get(encoding)
  if (!table) {
    table = new Map()
    const decoder = new TextDecoder(encoding)
    for (let b = 255; b >= 0; b--) table.set(decoder.decode(new Uint8Array([b])), b)
    tables.set(encoding, table)
  }
  const out: number[] = []
  for (const ch of text) {
    const b = table.get(ch) ?? unwritable
    if (b === undefined) throw new Error(`${JSON.stringify(ch)} is not in ${encoding}`)
    out.push(b)
  }
  return new Uint8Array(out)
}

export function encodeUtf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2 + (bom ? 2 : 0))
  const view = new DataView(out.buffer)
  let at = 0
  if (bom) {
    view.setUint16(0, 0xfeff, littleEndian)
    at = 2
  }
  for (let i = 0; i < text.length; i++, at += 2)
    view.setUint16(at, text.charCodeAt(i), littleEndian)
  return out
}

export function concat(...parts: Array<Uint8Array | string>): Uint8Array {
  return concatBytes(parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p)))
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => parseInt(h, 16)),
  )
}
