// Splits text into search tokens with positions and offsets into the ORIGINAL text, so hits can be
// highlighted in the article as published. Queries and items go through this same function.
// Not responsible for the per-word folding (normalize.ts) nor for query syntax (query-parser.ts).
// Reference: Unicode UAX #29 word boundaries, approximated by a letter/number/mark regex, which
// measured ~10× faster than Intl.Segmenter in workerd on the development machine (and Intl.Segmenter keeps
// « l’été » as one word, which we must split anyway). CJK scripts, written without spaces, are
// indexed by overlapping character bigrams (as Lucene's CJKBigramFilter does).
//
// Rules, with reasons:
// - A word is a run of letters, numbers and combining marks (\p{L}\p{N}\p{M}), so every script
//   with spaces between words (Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul, Devanagari…) works
//   without a dictionary. Numbers are words: `2024`, `f16`. "3.5" gives `3` and `5` (a phrase).
// - Hyphens (- ‐ ‑) and apostrophes (’ ʼ ‘ ` ′ ') inside a word join parts: each part is a token at
//   consecutive positions, plus the parts concatenated as an alternate token at the first part's
//   position. So "e-mail" matches `mail`, `"e mail"`, `e-mail` and `email`.
// - A leading French/Italian elision is dropped: « l’Otan » → `otan`, « d’armes » → `armes`,
//   « qu’il » → `il`. Its position is not counted, so `"armes de facture"` matches « d’armes de
//   facture ».
// - A trailing English possessive 's is dropped: "NATO's" → `nato`.
// - Han, Hiragana and Katakana runs give overlapping bigrams (東京都 → 東京 京都) plus each character
//   as an alternate token, so a one-character query still finds it.

import { grown } from './buffers'
import { APOSTROPHES, ELISIONS, normalizeWord } from './normalize'
import { readerRules } from './reader-rules'
import { JOINERS, WORD_CHARS } from './word-chars'

/**
 * 0: a word (or CJK bigram) at its own position; 1: a hyphen/apostrophe compound's parts joined
 * together, at the first part's position; 2: a single CJK character, at its bigram's position.
 */
export type TokenKind = 0 | 1 | 2

export interface Token {
  /** Normalised search form. */
  term: string
  /** Word position (tokens of kind Joined/Unigram share the position of a Word token). */
  pos: number
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number
  end: number
  kind: TokenKind
}

const WORD_RE = new RegExp(`[${WORD_CHARS}]+(?:[${JOINERS}][${WORD_CHARS}]+)*`, 'gu')
const JOINER_RE = new RegExp(`[${JOINERS}]`, 'g')
const HAS_JOINER_RE = new RegExp(`[${JOINERS}]`)
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30fc'
const HAS_CJK_RE = new RegExp(`[${CJK}]`, 'u')
const CJK_RUN_RE = new RegExp(`([${CJK}]+)|([^${CJK}]+)`, 'gu')

interface Segment {
  raw: string
  start: number
  /** The joiner character before this segment ('' for the first). */
  sep: string
}

/**
 * Where scanTokens puts what it finds. The scan writes a plain word's folded code units into
 * the sink's `units` (from `unitEnd` on) as it reads them, and hands the word over with their
 * hash, so that the item side (item.ts) looks a known word up without making a string; every
 * other token comes with its term.
 */
export interface TokenSink {
  units: Uint16Array
  unitEnd: number
  /** Makes room in `units` for `n` more units after `unitEnd` (it may replace `units`). */
  reserve(n: number): void
  /**
   * A word of units the scan folds one by one (PLAIN_FOLD), text[start, end) (offset not
   * added): its term is those units folded, now in units[unitEnd, unitEnd + end - start), and
   * `hash` is termHash of that term.
   */
  plain(start: number, end: number, hash: number, pos: number): void
  /** Any other token; start and end already have the offset added. */
  token(term: string, pos: number, start: number, end: number, kind: TokenKind): void
  /** The offset scanTokens was given, for `plain`'s ranges. */
  offset: number
}

/**
 * The hash of a term that the lexicon (word.ts) files it under: a polynomial over its UTF-16
 * units. scanTokens computes the same for a plain word while it scans it.
 */
export function termHash(term: string): number {
  let h = 0
  for (let i = 0; i < term.length; i++) h = (Math.imul(h, 31) + term.charCodeAt(i)) | 0
  return h
}

/** The string of units[from, to): a new flat string, which keeps no larger text alive. */
export function unitsToString(units: Uint16Array, from: number, to: number): string {
  let s = ''
  // Chunks keep the argument count of apply well within the engine's limit.
  for (let i = from; i < to; i += 4096) {
    const chunk = units.subarray(i, Math.min(to, i + 4096))
    s += String.fromCharCode.apply(null, chunk as unknown as number[])
  }
  return s
}

/**
 * Appends the tokens of `text` to `out`, numbering positions from `firstPos`; returns the next
 * free position. `offset` is added to every start/end (for fields made of several strings).
 */
export function tokenize(text: string, out: Token[], firstPos = 0, offset = 0): number {
  const sink = new TokenArraySink(out, offset)
  return scanTokens(text, sink, firstPos)
}

/** Collects scanTokens's tokens as Token objects: what tokenize returns. */
class TokenArraySink implements TokenSink {
  units: Uint16Array = new Uint16Array(64)
  /** Each plain word is turned into its term at once, so its units can go at 0 every time. */
  readonly unitEnd = 0

  constructor(
    private readonly out: Token[],
    readonly offset: number,
  ) {}

  reserve(n: number) {
    this.units = grown(this.units, n)
  }

  plain(start: number, end: number, _hash: number, pos: number) {
    const term = unitsToString(this.units, 0, end - start)
    this.out.push({ term, pos, start: start + this.offset, end: end + this.offset, kind: 0 })
  }

  token(term: string, pos: number, start: number, end: number, kind: TokenKind) {
    this.out.push({ term, pos, start, end, kind })
  }
}

/** Scratch for the tokens of one word taken by WORD_RE in scanTokens. */
const wordTokens: Token[] = []

/**
 * tokenize, into `sink`. A scan by code unit takes the common case without a regex: a run of
 * letters and digits that fold one by one (PLAIN_FOLD: ASCII, Latin-1 and Latin Extended
 * letters such as é or ł, Cyrillic) between ASCII separators (anything ASCII but letters,
 * digits and the joiners - ' `) is a word that WORD_RE would match whole, and folding it is
 * folding each unit; the scan writes the folded units to the sink and hashes them as it goes
 * (termHash). Anything else (a combining mark, a letter that folds to two, a joiner) hands over
 * to WORD_RE from the same place, so the tokens are exactly those of matching WORD_RE over the
 * whole text: the scan only skips characters that can begin no match and takes runs that
 * WORD_RE would take the same way.
 */
export function scanTokens(text: string, sink: TokenSink, firstPos = 0): number {
  let pos = firstPos
  const n = text.length
  let units = sink.units
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    // No match starts with a joiner or other ASCII non-alphanumeric.
    if (c < 0x80 && PLAIN_FOLD[c] === 0) {
      i++
      continue
    }
    let u = sink.unitEnd
    // A plain run is at most the rest of the text.
    if (u + n - i > units.length) {
      sink.reserve(n - i)
      units = sink.units
    }
    let j = i
    let hash = 0
    for (; j < n; j++) {
      const c = text.charCodeAt(j)
      const d = c < PLAIN_FOLD.length ? PLAIN_FOLD[c]! : 0
      if (d === 0) break
      units[u++] = d
      hash = (Math.imul(hash, 31) + d) | 0
    }
    if (j > i && (j === n || isAsciiSeparator(text.charCodeAt(j)))) {
      sink.plain(i, j, hash, pos++)
      i = j
      continue
    }
    WORD_RE.lastIndex = i
    const m = WORD_RE.exec(text)
    if (m === null) break
    wordTokens.length = 0
    pos = emitWord(m[0], m.index + sink.offset, wordTokens, pos)
    for (const t of wordTokens) sink.token(t.term, t.pos, t.start, t.end, t.kind)
    units = sink.units
    i = m.index + m[0].length
  }
  return pos
}

/**
 * tokenize by WORD_RE alone, without the scan: the definition the scan must agree with (the
 * tokenizer tests compare the two on random text), and what the query parser uses. Query words
 * are slices of the query, and once tokenize's scan has met sliced strings V8 compiles it for
 * them too, which made it twice as slow on the flat strings items arrive as (measured on the
 * bench corpus: 39 → 80 µs an article); a query's few words cost nothing either way.
 */
export function tokenizeByRegex(text: string, out: Token[], firstPos = 0, offset = 0): number {
  let pos = firstPos
  WORD_RE.lastIndex = 0
  for (let m = WORD_RE.exec(text); m !== null; m = WORD_RE.exec(text)) {
    pos = emitWord(m[0], m.index + offset, out, pos)
  }
  return pos
}

/** Tokens of one WORD_RE match starting at `start` (offset already added). */
function emitWord(word: string, start: number, out: Token[], firstPos: number): number {
  if (isPlainWord(word)) {
    out.push({ term: word.toLowerCase(), pos: firstPos, start, end: start + word.length, kind: 0 })
    return firstPos + 1
  }
  if (!HAS_JOINER_RE.test(word) && !HAS_CJK_RE.test(word)) {
    const term = normalizeWord(word)
    if (term === '') return firstPos
    out.push({ term, pos: firstPos, start, end: start + word.length, kind: 0 })
    return firstPos + 1
  }
  return tokenizeCompound(word, start, out, firstPos)
}

/**
 * For each code unit below U+0500 that the scan may take into a plain word, its folded form
 * (normalize.ts: é → e, Ł → l, Ё → е, Й → й); 0 for the others, which hand the word over to
 * WORD_RE. A unit is taken when it is a letter or digit on its own (\p{L}\p{N}, not a mark or
 * an apostrophe-like letter such as ʼ) that folds to exactly one unit: folding a word of such
 * units is then folding each one, since NFKC and NFC compose only with marks and lowercasing is
 * context-free outside Greek (left out: final sigma). ß, æ, œ, ĳ fold to two and are left to the
 * regex. Built from normalizeWord itself, so the two cannot disagree; ~2 ms once an isolate.
 */
const PLAIN_FOLD = (() => {
  const fold = new Uint16Array(0x500)
  const letterOrDigit = /^[\p{L}\p{N}]$/u
  for (let c = 0; c < 0x500; c++) {
    const ch = String.fromCharCode(c)
    if (!letterOrDigit.test(ch) || APOSTROPHES.includes(ch)) continue
    if (c >= 0x370 && c < 0x400) continue
    const folded = normalizeWord(ch)
    if (folded.length === 1) fold[c] = folded.charCodeAt(0)
  }
  return fold
})()

/** ASCII letters and digits: the ASCII part of \p{L}\p{N}\p{M}. */
function isAsciiAlnum(c: number): boolean {
  return ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || (c >= 0x30 && c <= 0x39)
}

/** An ASCII character that neither continues a word nor joins two (- ' ` join). */
function isAsciiSeparator(c: number): boolean {
  return c < 0x80 && !isAsciiAlnum(c) && c !== 0x2d && c !== 0x27 && c !== 0x60
}

/**
 * Whether `word` is all [A-Za-z0-9а-яА-Я], like most words of English and Russian text:
 * lowercasing is all their folding (normalize.ts). A loop, not a regex: it runs for nearly
 * every word of every item.
 */
function isPlainWord(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i)
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) continue
      if (c >= 0x30 && c <= 0x39) continue
      return false
    }
    if (c < 0x410 || c > 0x44f) return false
  }
  return word.length > 0
}

function tokenizeCompound(word: string, start: number, out: Token[], firstPos: number): number {
  const segments = splitSegments(word, start)
  // Elisions: a segment followed by an apostrophe and more word, such as « l’ » or « qu’ ».
  const parts: Segment[] = []
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    const next = segments[i + 1]
    if (next && APOSTROPHES.includes(next.sep) && ELISIONS.has(normalizeWord(seg.raw))) continue
    const isPossessive =
      i === segments.length - 1 && i > 0 && APOSTROPHES.includes(seg.sep) && seg.raw.length === 1
    if (isPossessive && normalizeWord(seg.raw) === 's') continue
    parts.push(seg)
  }
  let pos = firstPos
  if (parts.length === 1) return emitPart(parts[0]!, out, pos)
  const firstIndex = out.length
  let joined = ''
  for (const part of parts) {
    const before = out.length
    pos = emitPart(part, out, pos)
    for (let i = before; i < out.length; i++) if (out[i]!.kind === 0) joined += out[i]!.term
  }
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  if (joined !== '' && out.length > firstIndex + 1 && joinsSolid(parts)) {
    // Inserted right after the first part so tokens stay ordered by position.
    out.splice(firstIndex + 1, 0, {
      term: joined,
      pos: firstPos,
      start: first.start,
      end: last.start + last.raw.length,
      kind: 1,
    })
  }
  return pos
}

/**
 * English contraction endings, folded: he'll, we're, they've, I'd, I'm. A word ending in one of
 * them after an apostrophe is two words, not a name written with one: "he'll" is not `hell`,
 * "we'll" not `well`, "we're" not `were`, "I'd" not `id`. (The possessive 's is dropped before;
 * n't is recognised by its `n`: "can't" is not `cant`, "don't" not French `dont`.)
 */
const CONTRACTION_ENDINGS: ReadonlySet<string> = new Set(['ll', 're', 've', 'd', 'm'])
const DIGITS_RE = /^\p{Nd}+$/u

/**
 * Whether a compound's parts also stand for the word written solid (`e-mail` = `email`,
 * `O’Neill` = `oneill`, `F-16` = `f16`). Not for an English contraction (its parts are two
 * words), nor when a hyphen stands between two numbers: "4-6" is a range, not `46`, and "2-4"
 * not `24`.
 */
function joinsSolid(parts: Segment[]): boolean {
  const last = parts[parts.length - 1]!
  if (readerRules.contractions && parts.length >= 2 && APOSTROPHES.includes(last.sep)) {
    const ending = normalizeWord(last.raw)
    if (CONTRACTION_ENDINGS.has(ending)) return false
    if (ending === 't' && normalizeWord(parts[parts.length - 2]!.raw).endsWith('n')) return false
  }
  for (let i = 1; i < parts.length && readerRules.numericRanges; i++) {
    const part = parts[i]!
    if (!APOSTROPHES.includes(part.sep) && DIGITS_RE.test(part.raw)) {
      if (DIGITS_RE.test(parts[i - 1]!.raw)) return false
    }
  }
  return true
}

function splitSegments(word: string, start: number): Segment[] {
  const segments: Segment[] = []
  let from = 0
  let sep = ''
  JOINER_RE.lastIndex = 0
  for (let m = JOINER_RE.exec(word); m !== null; m = JOINER_RE.exec(word)) {
    segments.push({ raw: word.slice(from, m.index), start: start + from, sep })
    sep = m[0]
    from = m.index + 1
  }
  segments.push({ raw: word.slice(from), start: start + from, sep })
  return segments
}

/** One part of a word: a plain token, or CJK bigrams when it holds Han/kana characters. */
function emitPart(part: Segment, out: Token[], firstPos: number): number {
  let pos = firstPos
  if (!HAS_CJK_RE.test(part.raw)) {
    const term = normalizeWord(part.raw)
    if (term === '') return pos
    out.push({ term, pos, start: part.start, end: part.start + part.raw.length, kind: 0 })
    return pos + 1
  }
  CJK_RUN_RE.lastIndex = 0
  for (let m = CJK_RUN_RE.exec(part.raw); m !== null; m = CJK_RUN_RE.exec(part.raw)) {
    const runStart = part.start + m.index
    if (m[2] !== undefined) {
      const term = normalizeWord(m[2])
      if (term !== '')
        out.push({ term, pos: pos++, start: runStart, end: runStart + m[2].length, kind: 0 })
      continue
    }
    pos = emitBigrams(m[1]!, runStart, out, pos)
  }
  return pos
}

function emitBigrams(run: string, runStart: number, out: Token[], firstPos: number): number {
  const chars: Array<{ term: string; start: number; end: number }> = []
  let offset = runStart
  for (const ch of run) {
    chars.push({ term: normalizeWord(ch), start: offset, end: offset + ch.length })
    offset += ch.length
  }
  if (chars.length === 1) {
    const c = chars[0]!
    out.push({ term: c.term, pos: firstPos, start: c.start, end: c.end, kind: 0 })
    return firstPos + 1
  }
  let pos = firstPos
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i]!
    const b = chars[i + 1]!
    out.push({ term: a.term + b.term, pos, start: a.start, end: b.end, kind: 0 })
    out.push({ term: a.term, pos, start: a.start, end: a.end, kind: 2 })
    if (i + 2 === chars.length) out.push({ term: b.term, pos, start: b.start, end: b.end, kind: 2 })
    pos++
  }
  return pos
}
