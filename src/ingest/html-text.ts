// HTML → plain text for matching and notifications: one linear scan that drops tags, comments and
// the content of script/style/template, turns block boundaries into spaces, then decodes
// character references once and normalises whitespace. Everything a reader may see is kept: the
// fallback text inside <object>, <iframe> or <embed>, inline SVG's <title> and <text>, the
// content of unknown elements, and text after any of them. Not a sanitiser for rendering (see
// sanitize-html.ts) and not an HTML parser: malformed markup degrades to text, never throws — an
// unclosed <script> drops only its tag, and `<!` or `<?` that opens nothing complete is text.
// Follows WHATWG HTML's tokenizer loosely (what counts as a tag open: `<` followed by a letter,
// `/`, `!` or `?`).
import { decodeEntities } from './entities'

/**
 * Elements whose content is never text a reader sees. Not iframe/object/embed/svg: their content
 * is fallback text or SVG titles, which readers do see.
 */
const SKIP_CONTENT = ['script', 'style', 'noscript', 'template']

/** Elements that separate words; inline ones (`<b>`, `<a>`) must not split `Hel<b>lo</b>`. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'img',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'video',
  'audio',
  'source',
  'picture',
])

// Whitespace that is not already a single ASCII space: a run starting with another space
// character, or a space followed by more. Matching only these keeps the replace from rewriting
// every space of ordinary text.
const ODD_SPACE = /[^\S ]\s*| \s+/g

/** Collapse every run of whitespace (Unicode `\s`, including NBSP) to one space and trim. */
export function normalizeSpace(s: string): string {
  return s.replace(ODD_SPACE, ' ').trim()
}

/** Plain text (no markup, no entities) → normalised text. */
export function plainText(s: string): string {
  return normalizeSpace(decodeEntities(s))
}

/**
 * Tag names are classified by a small numeric hash of their lower-cased letters, so scanning a tag
 * allocates nothing. Names are short and the sets tiny; a collision only adds or drops a space.
 */
function nameHash(name: string): number {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + (name.charCodeAt(i) | 32)) | 0
  return h
}
const BLOCK_HASH = new Set([...BLOCK].map(nameHash))
const SKIP_HASH = new Map(SKIP_CONTENT.map((n) => [nameHash(n), n]))

function isAsciiSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 58
}

/** Index just past the closing tag of `name` from `from`, case-insensitively; -1 if none. */
function skipElement(html: string, name: string, from: number): number {
  const lower = html.indexOf('</' + name, from)
  const upper = html.indexOf('</' + name.toUpperCase(), from)
  const at = lower === -1 ? upper : upper === -1 ? lower : Math.min(lower, upper)
  if (at === -1) return -1
  const gt = html.indexOf('>', at)
  return gt === -1 ? -1 : gt + 1
}

/** The `>` ending a tag whose attributes start at `from`, skipping quoted values; -1 if none. */
function tagEnd(html: string, from: number): number {
  let gt = html.indexOf('>', from)
  let q = from
  while (gt !== -1) {
    const seg = html.slice(q, gt) // O(1) sliced string: the searches stay inside this tag
    const dq = seg.indexOf('"')
    const sq = seg.indexOf("'")
    if (dq === -1 && sq === -1) break
    const at = dq === -1 ? sq : sq === -1 ? dq : Math.min(dq, sq)
    const close = html.indexOf(at === dq ? '"' : "'", q + at + 1)
    if (close === -1) break // an unterminated quote: the first `>` ends the tag
    q = close + 1
    if (q > gt) gt = html.indexOf('>', q)
  }
  return gt
}

/**
 * The end (index past it) of a comment, CDATA section, DOCTYPE or processing instruction starting
 * at `lt`, or -1 when `<!`/`<?` opens none of them or it never ends: such text stays text.
 */
function markupDeclEnd(html: string, lt: number): number {
  if (html.startsWith('<!--', lt)) {
    const end = html.indexOf('-->', lt + 4)
    return end === -1 ? -1 : end + 3
  }
  if (html.startsWith('<![CDATA[', lt)) {
    const end = html.indexOf(']]>', lt + 9)
    return end === -1 ? -1 : end + 3
  }
  const c = html.charCodeAt(lt + 1)
  const isDoctype = c === 33 && html.slice(lt + 2, lt + 9).toLowerCase() === 'doctype'
  const isPi = c === 63 && isNameStart(html.charCodeAt(lt + 2))
  if (!isDoctype && !isPi) return -1
  const end = html.indexOf('>', lt)
  return end === -1 ? -1 : end + 1
}

/** HTML (or text that may hold HTML) → plain, entity-decoded, whitespace-normalised text. */
export function htmlToText(html: string): string {
  let lt = html.indexOf('<')
  if (lt === -1) return plainText(html)
  const n = html.length
  let out = ''
  let i = 0
  while (lt !== -1) {
    const c = html.charCodeAt(lt + 1)
    if (isNameStart(c) || c === 47 /* / */) {
      const closing = c === 47
      let j = lt + (closing ? 2 : 1)
      let h = 0
      for (; j < n; j++) {
        const d = html.charCodeAt(j)
        if (!isNameChar(d)) break
        h = (Math.imul(h, 31) + (d | 32)) | 0
      }
      const gt = tagEnd(html, j)
      out += html.slice(i, lt)
      if (gt === -1) {
        i = n // a tag cut off at the end: drop it
        break
      }
      i = gt + 1
      const skip = closing ? undefined : SKIP_HASH.get(h)
      if (skip !== undefined && html.charCodeAt(gt - 1) !== 47) {
        // Never closed: only the tag is dropped, so no text after it is lost.
        const end = skipElement(html, skip, i)
        if (end !== -1) i = end
        out += ' '
      } else if (BLOCK_HASH.has(h) && !isAsciiSpace(html.charCodeAt(i))) {
        out += ' ' // unless whitespace follows anyway: fewer runs for normalizeSpace to rewrite
      }
    } else if (c === 33 /* ! */ || c === 63 /* ? */) {
      const end = markupDeclEnd(html, lt)
      if (end === -1) {
        out += html.slice(i, lt + 1) // `<!wow` or an unterminated comment: text, not markup
        i = lt + 1
      } else {
        out += html.slice(i, lt)
        if (html.startsWith('<![CDATA[', lt)) out += html.slice(lt + 9, end - 3)
        i = end
      }
    } else {
      // `a < b`: a literal less-than sign, kept as text
      out += html.slice(i, lt + 1)
      i = lt + 1
    }
    lt = i < n ? html.indexOf('<', i) : -1
  }
  if (i < n) out += html.slice(i)
  return plainText(out)
}
