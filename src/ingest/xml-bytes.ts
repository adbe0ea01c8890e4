// The tree builder's document pass over a feed's bytes, for large bodies (see "Reading large
// feeds" in docs/ingestion.md): it builds exactly the tree xml-tree.ts's buildTree builds over the
// decoded text — items deferred, the same recoveries and repair counts — without ever holding the
// whole document as a string. Every value it keeps (names, attributes, text, raw content) is
// decoded from its own byte range with the document's real decoder, and a deferred item is built
// over its own span of bytes when it is read (expandBytes).
// Only for encodings where markup is unambiguous in the bytes: UTF-8 and the single-byte
// encodings (windows-125x, ISO-8859-x, KOI8…). There every byte below 0x80 is the ASCII character
// it looks like and every other character is bytes ≥ 0x80, so each structural decision (`<`, `>`,
// `/`, `=`, quotes, whitespace, `]]>`, names of known elements) is the same on bytes as on text,
// and decoding between ASCII bytes gives the same characters as decoding the whole. Multi-byte
// legacy encodings (Shift_JIS, GBK, Big5, EUC-KR have ASCII-range trail bytes: `]` in `]]>`) stay
// on the text path (encoding.ts decides). Not responsible for repairs done on the text first: the
// caller sends bodies that need them (control characters, truncation) through the text path.
import type { RangeDecoder } from './encoding'
import {
  closeTag,
  endBuild,
  expandDeferred,
  FIELD_NAMES,
  isNameStart,
  isSpace,
  newBuild,
  startTag,
  type Deferred,
  type Obj,
  type TreeOptions,
  type TreeStats,
} from './xml-tree'

/** Longest slice decoded by hand when it is all ASCII (names, short values): no decoder call. */
const SHORT_ASCII = 48

/** Bytes turned into characters per call of String.fromCharCode (bounded: it spreads them). */
const BINARY_CHUNK = 4096

const NOT_ASCII = /[^\x00-\x7f]/

/** Patterns shorter than this are searched from first byte to first byte (ByteText.find). */
const SHORT_PATTERN = 4

/** Horspool shift tables by pattern; a document searches for a few dozen patterns at most. */
const SHIFTS = new Map<string, Uint8Array | Int32Array>()
const SHIFT_TABLES = 256

/** Horspool's bad-character shifts for `pattern` (one character per byte). */
function shifts(pattern: string): Uint8Array | Int32Array {
  let table = SHIFTS.get(pattern)
  if (table === undefined) {
    const m = pattern.length
    table = m < 256 ? new Uint8Array(256) : new Int32Array(256)
    table.fill(m)
    for (let k = 0; k < m - 1; k++) table[pattern.charCodeAt(k) & 0xff] = m - 1 - k
    if (SHIFTS.size >= SHIFT_TABLES) SHIFTS.clear()
    SHIFTS.set(pattern, table)
  }
  return table
}

/** Names cached by ByteText.name: longer ones are rare and decoded each time. */
const NAME_CACHE_MAX_LENGTH = 64
/** Distinct names cached: a hostile document's endless distinct names cannot grow it further. */
const NAME_CACHE_ENTRIES = 1024

/** A document's bytes with the decoder its characters need; `text` decodes one byte range. */
export class ByteText {
  constructor(
    readonly bytes: Uint8Array,
    private readonly decoder: RangeDecoder,
  ) {}

  /** The characters of bytes [a, b). */
  text(a: number, b: number): string {
    const bytes = this.bytes
    if (b - a <= SHORT_ASCII) {
      let ascii = true
      for (let i = a; i < b; i++) {
        if (bytes[i]! >= 0x80) {
          ascii = false
          break
        }
      }
      if (ascii) return String.fromCharCode.apply(null, bytes.subarray(a, b) as unknown as number[])
    }
    return this.decoder.decode(bytes.subarray(a, b))
  }

  private readonly names = new Map<number, string>()

  /**
   * The characters of bytes [a, b) when they are a name (element or attribute): short ASCII names
   * come from a cache by hash, checked byte for byte — a feed repeats a few dozen names.
   */
  name(a: number, b: number): string {
    const len = b - a
    if (len > NAME_CACHE_MAX_LENGTH) return this.text(a, b)
    const bytes = this.bytes
    let h = len
    for (let i = a; i < b; i++) {
      const c = bytes[i]!
      if (c >= 0x80) return this.text(a, b)
      h = (Math.imul(h, 31) + c) | 0
    }
    const hit = this.names.get(h)
    if (hit !== undefined && hit.length === len) {
      let k = 0
      while (k < len && hit.charCodeAt(k) === bytes[a + k]) k++
      if (k === len) return hit
    }
    const name = String.fromCharCode.apply(null, bytes.subarray(a, b) as unknown as number[])
    if (this.names.size < NAME_CACHE_ENTRIES) this.names.set(h, name)
    return name
  }

  /**
   * Bytes [a, b) as a string of one character per byte: how raw names are kept, so that searching
   * for `</name` (find) compares the bytes as written whatever characters they encode.
   */
  binary(a: number, b: number): string {
    let out = ''
    for (let i = a; i < b; i += BINARY_CHUNK) {
      const sub = this.bytes.subarray(i, Math.min(b, i + BINARY_CHUNK))
      out += String.fromCharCode.apply(null, sub as unknown as number[])
    }
    return out
  }

  /**
   * The first `pattern` (a string of one character per byte) in bytes [from, limit), or -1.
   * Horspool's search: raw-text elements hold whole articles of HTML, where a search stepping from
   * `<` to `<` would stop at every tag; this one mostly skips the pattern's length at a time.
   */
  find(pattern: string, from: number, limit = this.bytes.length): number {
    const bytes = this.bytes
    const m = pattern.length
    if (m < SHORT_PATTERN) return this.findShort(pattern, from, limit)
    const shift = shifts(pattern)
    const last = m - 1
    const lastByte = pattern.charCodeAt(last)
    for (let at = from; at + m <= limit;) {
      const c = bytes[at + last]!
      if (c === lastByte) {
        let k = last - 1
        while (k >= 0 && bytes[at + k] === pattern.charCodeAt(k)) k--
        if (k < 0) return at
      }
      at += shift[c]!
    }
    return -1
  }

  /** find for patterns of a few bytes, from one first byte to the next. */
  private findShort(pattern: string, from: number, limit: number): number {
    const bytes = this.bytes
    const p0 = pattern.charCodeAt(0)
    const m = pattern.length
    let at = from < limit ? bytes.indexOf(p0, from) : -1
    while (at !== -1 && at + m <= limit) {
      let k = 1
      while (k < m && bytes[at + k] === pattern.charCodeAt(k)) k++
      if (k === m) return at
      at = at + 1 < limit ? bytes.indexOf(p0, at + 1) : -1
    }
    return -1
  }

  /** The last `pattern` (one character per byte) in the bytes, or -1. */
  lastFind(pattern: string): number {
    const bytes = this.bytes
    const p0 = pattern.charCodeAt(0)
    let at = bytes.lastIndexOf(p0)
    while (at !== -1) {
      if (this.at(pattern, at)) return at
      at = at === 0 ? -1 : bytes.lastIndexOf(p0, at - 1)
    }
    return -1
  }

  /** Whether `pattern` (one character per byte) is at `at`. */
  at(pattern: string, at: number): boolean {
    const bytes = this.bytes
    if (at + pattern.length > bytes.length) return false
    for (let k = 0; k < pattern.length; k++)
      if (bytes[at + k] !== pattern.charCodeAt(k)) return false
    return true
  }
}

/**
 * The byte offsets of the root element's `<` and of the first `>` after it, walking the prolog as
 * prepareXml does (declarations, comments, processing instructions, DOCTYPE) — and as buildTree
 * then reads it, adding nothing to the tree, so the document pass may start at the root; undefined
 * when there is no root, its start tag never ends, or the two walks would differ.
 */
export function rootBytes(
  t: ByteText,
  from: number,
): { rootAt: number; tagEnd: number } | undefined {
  const b = t.bytes
  let i = from
  for (;;) {
    const lt = b.indexOf(60 /* < */, i)
    if (lt === -1) return undefined
    const c = b[lt + 1]
    if (c === 63 /* ? */) {
      const end = t.find('?>', lt)
      if (end === -1) return undefined
      i = end + 2
    } else if (t.at('<!--', lt)) {
      const end = t.find('-->', lt)
      // `<!-->` ends here for prepareXml, but buildTree reads on to the next `-->`: the two would
      // disagree on where the root is, so the text path reads it.
      if (end === -1 || end < lt + 4) return undefined
      i = end + 3
    } else if (c === 33 /* ! */) {
      // The DOCTYPE's end, internal subset included (doctypeEnd in xml.ts).
      const bracket = b.indexOf(91 /* [ */, lt)
      const gt = b.indexOf(62 /* > */, lt)
      if (bracket !== -1 && (gt === -1 || bracket < gt)) {
        const close = b.indexOf(93 /* ] */, bracket)
        const end = close === -1 ? -1 : b.indexOf(62, close)
        if (end === -1) return undefined
        i = end + 1
      } else {
        if (gt === -1) return undefined
        i = gt + 1
      }
    } else {
      const tagEnd = b.indexOf(62, lt)
      return tagEnd === -1 ? undefined : { rootAt: lt, tagEnd }
    }
  }
}

/** readAttributes (xml-tree.ts) over bytes. */
function readAttributes(
  t: ByteText,
  from: number,
  into: { obj: Obj | undefined; xmlns: boolean },
): number {
  const s = t.bytes
  const n = s.length
  let i = from
  for (;;) {
    while (i < n && isSpace(s[i]!)) i++
    if (i >= n) return -1
    const c = s[i]!
    if (c === 62 /* > */) return i
    if (c === 47 /* / */) {
      i++
      continue
    }
    const nameStart = i
    while (i < n) {
      const d = s[i]!
      if (d === 61 || d === 62 || d === 47 || isSpace(d)) break
      i++
    }
    const nameEnd = i
    while (i < n && isSpace(s[i]!)) i++
    let vs = 0
    let ve = 0
    if (s[i] === 61 /* = */) {
      i++
      while (i < n && isSpace(s[i]!)) i++
      const q = s[i]
      if (q === 34 || q === 39) {
        const end = s.indexOf(q, i + 1)
        if (end === -1) return -1
        vs = i + 1
        ve = end
        i = end + 1
      } else {
        vs = i
        while (i < n) {
          const d = s[i]!
          if (d === 62 || isSpace(d)) break
          i++
        }
        ve = i
      }
    }
    if (nameEnd > nameStart) {
      const name = t.name(nameStart, nameEnd)
      if (into.obj === undefined) into.obj = Object.create(null) as Obj
      into.obj['@_' + name] = ve > vs ? t.text(vs, ve) : ''
      if (name.startsWith('xmlns')) into.xmlns = true
    }
  }
}

/** unclosedEnd (xml-tree.ts) over bytes. */
function unclosedEnd(t: ByteText, from: number, limit: number): number {
  const s = t.bytes
  let at = s.indexOf(60, from)
  while (at !== -1 && at < limit) {
    let j = at + 1
    while (j < limit) {
      const d = s[j]!
      if (d === 62 || d === 47 || isSpace(d)) break
      j++
    }
    const name = t.name(at + 1, j)
    if (FIELD_NAMES.has(name) || (name.includes(':') && !name.startsWith('!'))) return at
    at = s.indexOf(60, at + 1)
  }
  return limit
}

/**
 * rawEnd (xml-tree.ts) over bytes, in one pass from `<` to `<`: the first of its close tag, a
 * CDATA section (skipped whole) or the parent's close tag decides, as rawEnd's three bounded
 * searches decide (its own close tag first when two start at one place).
 */
function rawEnd(
  t: ByteText,
  name: string,
  from: number,
  parent: string,
): [number, number, boolean] {
  const s = t.bytes
  const n = s.length
  const close = '</' + name
  const parentTag = parent ? '</' + parent + '>' : ''
  let at = s.indexOf(60, from)
  while (at !== -1) {
    if (t.at(close, at)) {
      const gt = s.indexOf(62, at)
      return [at, gt === -1 ? n : gt + 1, true]
    }
    if (t.at('<![CDATA[', at)) {
      const cdEnd = t.find(']]>', at + 9)
      if (cdEnd === -1) return [n, n, false]
      at = s.indexOf(60, cdEnd + 3)
      continue
    }
    if (parentTag && t.at(parentTag, at)) {
      const end = unclosedEnd(t, from, at)
      return [end, end, false]
    }
    at = s.indexOf(60, at + 1)
  }
  return [n, n, false]
}

/**
 * buildTree (xml-tree.ts) over bytes from `from` (the root element's `<`: the prolog before it
 * adds nothing to the tree), with items deferred: each deferred span is in byte offsets. Names
 * are resolved from their decoded characters; each frame's `raw` is its name's bytes (binary),
 * which rawEnd searches for.
 */
export function buildTreeBytes(
  t: ByteText,
  from: number,
  opts: TreeOptions,
  stats: TreeStats,
): Obj {
  const s = t.bytes
  const n = s.length
  const { build, doc } = newBuild(opts, stats, {
    rawEnd: (raw, at, parentRaw) => rawEnd(t, raw, at, parentRaw),
    text: (a, b) => t.text(a, b),
  })
  const stack = build.stack
  const stop = opts.span ? opts.span.end : n
  let i = opts.span ? opts.span.start : from
  while (i < stop) {
    const lt = s.indexOf(60, i)
    const top = stack[stack.length - 1]!
    const keepText = stack.length > 1 && !top.skip
    if (lt === -1) {
      if (keepText) top.text += t.text(i, n)
      break
    }
    if (lt > i && keepText) top.text += t.text(i, lt)
    const c = s[lt + 1]!
    if (c === 47 /* / */) {
      const gt = s.indexOf(62, lt)
      const end = gt === -1 ? n : gt
      let nameEnd = lt + 2
      while (nameEnd < end && !isSpace(s[nameEnd]!)) nameEnd++
      closeTag(build, t.name(lt + 2, nameEnd), lt, end, n)
      i = end + 1
    } else if (c === 33 /* ! */) {
      if (t.at('<![CDATA[', lt)) {
        const end = t.find(']]>', lt + 9)
        if (keepText) top.text += t.text(lt + 9, end === -1 ? n : end)
        i = end === -1 ? n : end + 3
      } else if (t.at('<!--', lt)) {
        const end = t.find('-->', lt + 4)
        i = end === -1 ? n : end + 3
      } else {
        const end = s.indexOf(62, lt)
        i = end === -1 ? n : end + 1
      }
    } else if (c === 63 /* ? */) {
      const end = t.find('?>', lt)
      i = end === -1 ? n : end + 2
    } else {
      let j = lt + 1
      while (j < n) {
        const d = s[j]!
        if (d === 62 || d === 47 || isSpace(d)) break
        j++
      }
      if (j === lt + 1 || !isNameStart(c)) {
        if (keepText) top.text += '<'
        i = lt + 1
        continue
      }
      // The name's characters resolve it; its bytes (binary) are what rawEnd searches for.
      const name = t.name(lt + 1, j)
      const raw = NOT_ASCII.test(name) ? t.binary(lt + 1, j) : name
      const into: { obj: Obj | undefined; xmlns: boolean } = { obj: undefined, xmlns: false }
      const gt = s[j] === 62 ? j : readAttributes(t, j, into)
      if (gt === -1) {
        i = n
        break
      }
      i = startTag(build, lt, gt, n, name, raw, into, s[gt - 1] === 47)
    }
  }
  endBuild(build, stop)
  return doc
}

/** A deferred item's whole subtree, built over its span of the bytes (expandDeferred). */
export function expandBytes(t: ByteText, d: Deferred, opts: TreeOptions): unknown {
  return expandDeferred(d, opts, (o, stats) => buildTreeBytes(t, d.start, o, stats))
}
