// Bytes → text for feed bodies. Decides the character encoding in this order:
//   1. a byte-order mark (UTF-8, UTF-16LE/BE) — unambiguous, always wins;
//   2. the Content-Type charset and the XML declaration's encoding. RFC 7303 §3.2 makes the
//      charset parameter authoritative, and it wins when the two disagree — except when one label
//      is UTF-8 and the bytes are valid UTF-8: servers that stamp a default `charset=ISO-8859-1`
//      on UTF-8 documents are far more common than Latin-1 text that happens to be valid UTF-8;
//   3. UTF-16 detected from the `<?xml` pattern without a BOM (XML 1.0 Appendix F);
//   4. UTF-8.
// When the label (or the UTF-8 default) does not fit the bytes — not valid UTF-8, or not valid
// in the declared multi-byte encoding — the real encoding is detected from the bytes with
// `chardet` (ICU's statistical detector, ported: n-gram models per language), so windows-1251
// Russian served as UTF-8 reads as Russian, not « Àòàêà »; windows-1252 when it finds nothing.
// Every guess or disagreement is a warning. Labels follow the WHATWG Encoding Standard (so
// `iso-8859-1` and `us-ascii` decode as windows-1252, as browsers do). Not responsible for parsing.
import * as chardetModule from 'chardet'

// chardet is CommonJS: bundlers expose its exports either as the namespace or as its default.
const chardet =
  (chardetModule as unknown as { default?: typeof chardetModule }).default ?? chardetModule

/**
 * Bytes of text the detector reads: 4 KiB, taken only from the runs of text between tags that hold
 * non-ASCII bytes (markup says nothing about the encoding). Its n-gram statistics settle within
 * that; chardet costs about 2 ms per 4 KiB and 100 ms per 256 KiB (measured in Node 22), so the
 * bound keeps a mislabelled feed's poll cheap.
 */
export const DETECT_SAMPLE_BYTES = 4 * 1024

/** Up to DETECT_SAMPLE_BYTES of the text runs (between `>` and `<`) holding non-ASCII bytes. */
function textSample(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(DETECT_SAMPLE_BYTES, bytes.length))
  let n = 0
  let start = 0
  let high = false
  for (let i = 0; i < bytes.length && n < out.length; i++) {
    const b = bytes[i]!
    if (b === 0x3e /* > */) {
      start = i + 1
      high = false
    } else if (b === 0x3c /* < */) {
      if (high) {
        // Whole runs only (a multi-byte character is never cut), except a first run too long.
        if (i - start > out.length - n && n > 0) break
        const run = bytes.subarray(start, Math.min(i, start + out.length - n))
        out.set(run, n)
        n += run.length
        if (n < out.length) out[n++] = 0x20
      }
      start = i + 1
      high = false
    } else if (b >= 0x80) high = true
  }
  return n === 0 ? bytes.subarray(0, DETECT_SAMPLE_BYTES) : out.subarray(0, n)
}

export interface DecodedText {
  text: string
  /** The WHATWG encoding name used. */
  encoding: string
  warnings: string[]
}

const ASCII = new TextDecoder('windows-1252')

function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined
  const m = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType)
  return m ? m[1]!.toLowerCase() : undefined
}

function declaredEncoding(head: string): string | undefined {
  if (!head.startsWith('<?xml')) return undefined
  const end = head.indexOf('?>')
  const decl = end === -1 ? head : head.slice(0, end)
  const m = /encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(decl)
  return m ? m[1]!.toLowerCase() : undefined
}

/** The WHATWG name for a label, or undefined when TextDecoder does not know it. */
function encodingName(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding
  } catch (cause) {
    void cause // unknown label: the caller falls back and warns
    return undefined
  }
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (cause) {
    void cause // not valid UTF-8: the caller chooses a fallback
    return undefined
  }
}

const UTF16LE = new TextDecoder('utf-16le')
const singleByteTables = new Map<string, Uint16Array | null>()

/**
 * The 256 code units of a single-byte encoding (windows-125x, ISO-8859-x, KOI8...), taken from
 * TextDecoder itself; null for multi-byte encodings.
 */
function singleByteTable(encoding: string): Uint16Array | null {
  let table = singleByteTables.get(encoding)
  if (table === undefined) {
    const all = new Uint8Array(256)
    for (let i = 0; i < 256; i++) all[i] = i
    const chars = new TextDecoder(encoding).decode(all)
    table = null
    if (chars.length === 256) {
      table = new Uint16Array(256)
      for (let i = 0; i < 256; i++) table[i] = chars.charCodeAt(i)
    }
    singleByteTables.set(encoding, table)
  }
  return table
}

/**
 * Decode bytes. windows-1252 (also what `iso-8859-1` and the not-UTF-8 fallback mean) goes through
 * a 256-entry table into UTF-16 code units: Node 22's TextDecoder measured 5.7 ms/MB for it against
 * 2.3 ms/MB for the table, while its other legacy decoders (windows-1251, ISO-8859-2...) run at
 * ~2 ms/MB and are used as they are. Little-endian code units: every platform workerd runs on is.
 */
function decodeWith(encoding: string, bytes: Uint8Array): string {
  const table = encoding === 'windows-1252' ? singleByteTable(encoding) : null
  if (!table) return new TextDecoder(encoding).decode(bytes)
  const units = new Uint16Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) units[i] = table[bytes[i]!]!
  return UTF16LE.decode(units)
}

/** Whether `bytes` decode without error in `encoding` (a multi-byte encoding's validity check). */
function fits(encoding: string, bytes: Uint8Array): boolean {
  return strictDecode(encoding, bytes) !== undefined
}

/** `bytes` decoded in `encoding`, or undefined when they are not valid in it. */
function strictDecode(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (cause) {
    void cause // invalid in that encoding: the caller detects another
    return undefined
  }
}

/** The encoding chardet finds most likely for `bytes`, other than UTF-8/16/32; undefined if none. */
function detect(bytes: Uint8Array): string | undefined {
  const sample = textSample(bytes)
  for (const match of chardet.analyse(sample)) {
    const name = encodingName(match.name)
    if (name && name !== 'utf-8' && !name.startsWith('utf-16') && fits(name, sample)) return name
  }
  return undefined
}

/**
 * `label` (or the UTF-8 default) does not fit the bytes: read them in the detected encoding, else
 * windows-1252 (a single-byte encoding reads any bytes), and say so.
 */
function misfit(bytes: Uint8Array, label: string, warnings: string[]): DecodedText {
  const found = detect(bytes) ?? 'windows-1252'
  warnings.push(`bytes are not valid ${label}; detected ${found} from the bytes and read as it`)
  return { text: decodeWith(found, bytes), encoding: found, warnings }
}

/**
 * The Content-Type charset and the XML declaration's encoding as WHATWG names, for a body that is
 * not UTF-16 (no BOM, no `<?` pattern); unknown and UTF-16 labels are dropped with a warning.
 */
function labelsOf(
  body: Uint8Array,
  contentType: string | undefined,
  warnings: string[],
): { header: string | undefined; declared: string | undefined } {
  let start = 0
  while (start < body.length && start < 1024 && body[start] !== 0x3c) start++
  const head = ASCII.decode(body.subarray(start, start + 200))
  const headerLabel = charsetOf(contentType)
  const declLabel = declaredEncoding(head)
  let header = headerLabel ? encodingName(headerLabel) : undefined
  let declared = declLabel ? encodingName(declLabel) : undefined
  // The bytes are single-byte here (`<?xml` read as ASCII), so a UTF-16 label is a mislabel.
  if (header?.startsWith('utf-16')) {
    warnings.push(`Content-Type says ${header} but the body is not UTF-16; label ignored`)
    header = undefined
  }
  if (declared?.startsWith('utf-16')) {
    warnings.push(`XML declaration says ${declared} but the body is not UTF-16; label ignored`)
    declared = undefined
  }
  if (headerLabel && !header)
    warnings.push(`unknown charset "${headerLabel}" in Content-Type ignored`)
  if (declLabel && !declared)
    warnings.push(`unknown encoding "${declLabel}" in XML declaration ignored`)

  return { header, declared }
}

const readAsUtf8 = (header: string, declared: string) =>
  `Content-Type says ${header} but the XML declaration says ${declared}; the bytes are valid UTF-8, read as UTF-8`
const readAs = (header: string, declared: string, chosen: string) =>
  `Content-Type says ${header} but the XML declaration says ${declared}; read as ${chosen}`

/** Decode a feed body; strings pass through with any leading BOM removed. */
export function decodeBody(body: Uint8Array | string, contentType?: string): DecodedText {
  if (typeof body === 'string') {
    return {
      text: body.charCodeAt(0) === 0xfeff ? body.slice(1) : body,
      encoding: 'utf-16',
      warnings: [],
    }
  }
  const warnings: string[] = []
  const b0 = body[0]
  const b1 = body[1]
  // 1. BOM
  if (b0 === 0xef && b1 === 0xbb && body[2] === 0xbf) {
    return { text: decodeWith('utf-8', body.subarray(3)), encoding: 'utf-8', warnings }
  }
  if (b0 === 0xff && b1 === 0xfe) {
    return { text: decodeWith('utf-16le', body.subarray(2)), encoding: 'utf-16le', warnings }
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return { text: decodeWith('utf-16be', body.subarray(2)), encoding: 'utf-16be', warnings }
  }
  // 3. UTF-16 without BOM: `<?` as two-byte units
  if (b0 === 0x3c && b1 === 0x00 && body[2] === 0x3f && body[3] === 0x00) {
    return { text: decodeWith('utf-16le', body), encoding: 'utf-16le', warnings }
  }
  if (b0 === 0x00 && b1 === 0x3c && body[2] === 0x00 && body[3] === 0x3f) {
    return { text: decodeWith('utf-16be', body), encoding: 'utf-16be', warnings }
  }

  // 2. labels
  const { header, declared } = labelsOf(body, contentType, warnings)
  let chosen = header ?? declared ?? 'utf-8'
  if (header && declared && header !== declared) {
    if (header === 'utf-8' || declared === 'utf-8') {
      const text = tryUtf8(body)
      if (text !== undefined) {
        warnings.push(readAsUtf8(header, declared))
        return { text, encoding: 'utf-8', warnings }
      }
      chosen = header === 'utf-8' ? declared : header
    } else {
      chosen = header
    }
    warnings.push(readAs(header, declared, chosen))
  }

  if (chosen === 'utf-8') {
    const text = tryUtf8(body)
    if (text !== undefined) return { text, encoding: 'utf-8', warnings }
    return misfit(body, 'UTF-8', warnings)
  }
  // A multi-byte label is checked against the bytes; a single-byte one always decodes.
  if (singleByteTable(chosen) === null) {
    const text = strictDecode(chosen, body)
    return text === undefined
      ? misfit(body, chosen, warnings)
      : { text, encoding: chosen, warnings }
  }
  return { text: decodeWith(chosen, body), encoding: chosen, warnings }
}

/**
 * Bytes decoded per step while checking a body for the byte path: a bounded string a step (young
 * garbage), never the whole document.
 */
const CHECK_CHUNK_BYTES = 64 * 1024

/** XML 1.0's illegal characters, as xml.ts removes them (prepareXml). */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/

/**
 * How `bytes` decode in `encoding`: with an error (`invalid`, only when `fatal`), to a character
 * XML forbids (`control`), or `clean` — decoded a chunk at a time, so no whole-document string is
 * made.
 */
function check(
  encoding: string,
  bytes: Uint8Array,
  fatal: boolean,
): 'invalid' | 'control' | 'clean' {
  const decoder = new TextDecoder(encoding, { fatal, ignoreBOM: true })
  let control = false
  try {
    for (let i = 0; i < bytes.length; i += CHECK_CHUNK_BYTES) {
      const end = Math.min(bytes.length, i + CHECK_CHUNK_BYTES)
      const chunk = decoder.decode(bytes.subarray(i, end), { stream: end < bytes.length })
      control ||= CONTROL.test(chunk)
    }
  } catch (cause) {
    void cause // not valid in that encoding: the text path decides what it is
    return 'invalid'
  }
  return control ? 'control' : 'clean'
}

/** A body the parser may read over its bytes (xml-bytes.ts), and how to decode their values. */
export interface ByteRoute {
  /** The WHATWG encoding name, as decodeBody would choose it. */
  encoding: string
  /** Where the document starts (past a byte-order mark). */
  offset: number
  /** Decodes a byte range of the document to its characters (no BOM handling, never fatal). */
  decoder: RangeDecoder
  /** decodeBody's warnings for this body. */
  warnings: string[]
}

/**
 * The byte path for `body`, when decodeBody would read it as valid UTF-8 or in a single-byte
 * encoding whose every byte is a character, and it holds no character XML forbids (the text path
 * removes those before parsing, which moves the markup); undefined otherwise — UTF-16, multi-byte
 * legacy encodings, bytes that do not fit their label (detection): those keep the text path.
 * Makes the same decisions, with the same warnings, as decodeBody.
 */
export function byteRoute(body: Uint8Array, contentType?: string): ByteRoute | undefined {
  const warnings: string[] = []
  const utf8 = (offset: number): ByteRoute | undefined =>
    check('utf-8', body.subarray(offset), true) === 'clean'
      ? { encoding: 'utf-8', offset, decoder: sliceDecoder('utf-8'), warnings }
      : undefined
  const b0 = body[0]
  const b1 = body[1]
  if (b0 === 0xef && b1 === 0xbb && body[2] === 0xbf) {
    // decodeWith drops a second BOM as well: that rare body keeps the text path.
    return body[3] === 0xef && body[4] === 0xbb && body[5] === 0xbf ? undefined : utf8(3)
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return undefined
  if ((b0 === 0x3c && b1 === 0x00) || (b0 === 0x00 && b1 === 0x3c)) return undefined
  const { header, declared } = labelsOf(body, contentType, warnings)
  let chosen = header ?? declared ?? 'utf-8'
  if (header && declared && header !== declared) {
    if (header === 'utf-8' || declared === 'utf-8') {
      const utf8Check = check('utf-8', body, true)
      if (utf8Check === 'control') return undefined
      if (utf8Check === 'clean') {
        warnings.push(readAsUtf8(header, declared))
        return { encoding: 'utf-8', offset: 0, decoder: sliceDecoder('utf-8'), warnings }
      }
      chosen = header === 'utf-8' ? declared : header
    } else {
      chosen = header
    }
    warnings.push(readAs(header, declared, chosen))
  }
  if (chosen === 'utf-8') return utf8(0)
  const table = singleByteTable(chosen)
  if (table === null || table.includes(0xfffd)) return undefined
  if (check(chosen, body, false) !== 'clean') return undefined
  return { encoding: chosen, offset: 0, decoder: sliceDecoder(chosen), warnings }
}

/** What decodes one byte range of a document (ByteRoute.decoder). */
export interface RangeDecoder {
  decode(bytes: Uint8Array): string
}

/**
 * A decoder for byte ranges, decoding them as decodeBody decodes the whole: in UTF-8 a BOM inside
 * the document is a character (ignoreBOM); single-byte encodings go through decodeWith, as the
 * whole text does. (Node 22's windows-1252 TextDecoder with ignoreBOM drops a leading 0xFF `ÿ`;
 * the option means nothing to single-byte encodings, so they never get it.)
 */
function sliceDecoder(encoding: string): RangeDecoder {
  if (encoding === 'utf-8') return new TextDecoder(encoding, { fatal: false, ignoreBOM: true })
  if (encoding === 'windows-1252') return { decode: (bytes) => decodeWith(encoding, bytes) }
  return new TextDecoder(encoding)
}
