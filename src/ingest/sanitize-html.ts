// Feed HTML → safe HTML for alerts that render it (email, chat): an allowlist sanitiser in one
// linear pass. Output is rebuilt, never copied: only allowlisted elements are written (names from
// the list, not the input), each with only its allowlisted attributes, values decoded then
// re-escaped; `href`/`src` are made absolute and kept only for http(s)/mailto (and data: never);
// text never carries a raw `<`; comments, DOCTYPEs and processing instructions are dropped; the
// content of script/style/template/noscript/title/textarea is dropped with them; elements left
// open are closed at the end and stray close tags dropped, so the result is balanced. Safe by
// construction rather than by blocklist. Not responsible for plain text (html-text.ts).
// Written here rather than taken from a library: the allowlist sanitisers that run in workerd
// (js-xss was tried) cost 2–3× the whole rest of a feed's parse (measured by `npm run bench`).
import { decodeEntities } from './entities'
import { resolveUrl } from './url'

const INLINE =
  'a abbr b bdi bdo br cite code del dfn em i ins kbd mark q s samp small span strong sub sup time u var wbr'
const BLOCK =
  'address article aside blockquote caption dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr img li ol p pre section summary table tbody td tfoot th thead tr ul'

/** Attributes kept, per element; everything else (style, on*, class, id, srcset) is dropped. */
const ALLOW = new Map<string, Set<string>>()
for (const tag of `${INLINE} ${BLOCK}`.split(' ')) ALLOW.set(tag, new Set(['title', 'lang', 'dir']))
ALLOW.set('a', new Set(['href', 'title', 'lang']))
ALLOW.set('img', new Set(['src', 'alt', 'title', 'width', 'height']))
ALLOW.set('td', new Set(['colspan', 'rowspan']))
ALLOW.set('th', new Set(['colspan', 'rowspan', 'scope']))
ALLOW.set('time', new Set(['datetime']))
ALLOW.set('ol', new Set(['start', 'reversed']))

/** Elements with no content and no close tag. */
const VOID = new Set(['br', 'hr', 'img', 'wbr'])

/** Elements dropped with everything inside them (to their close tag). */
const DROP_CONTENT = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'title',
  'textarea',
  'xmp',
])

/** Schemes a rendered link or image may use. */
const SAFE_URL = /^(?:https?:|mailto:)/i

/** Open allowlisted elements deeper than this are not written (a hostile nesting bound). */
const MAX_OPEN = 64

function escapeAttr(v: string): string {
  return v
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

function escapeText(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** The `>` ending a tag whose attributes start at `from`, skipping quoted values; -1 if none. */
function tagEnd(html: string, from: number): number {
  let i = from
  const n = html.length
  while (i < n) {
    const c = html.charCodeAt(i)
    if (c === 62) return i
    if (c === 34 || c === 39) {
      const close = html.indexOf(c === 34 ? '"' : "'", i + 1)
      if (close === -1) return html.indexOf('>', i) // unterminated quote: the first `>` ends it
      i = close + 1
    } else i++
  }
  return -1
}

/** The allowlisted attributes of a tag's source `src`, rebuilt and escaped. */
function attributes(tag: string, src: string, base: string | undefined): string {
  const allowed = ALLOW.get(tag)!
  let out = ''
  let i = 0
  const n = src.length
  while (i < n) {
    while (i < n && (isSpace(src.charCodeAt(i)) || src.charCodeAt(i) === 47)) i++
    const start = i
    while (i < n) {
      const c = src.charCodeAt(i)
      if (c === 61 || c === 47 || isSpace(c)) break
      i++
    }
    if (i === start) {
      i++
      continue
    }
    const name = src.slice(start, i).toLowerCase()
    while (i < n && isSpace(src.charCodeAt(i))) i++
    let value = ''
    if (src.charCodeAt(i) === 61 /* = */) {
      i++
      while (i < n && isSpace(src.charCodeAt(i))) i++
      const q = src.charCodeAt(i)
      if (q === 34 || q === 39) {
        const end = src.indexOf(q === 34 ? '"' : "'", i + 1)
        value = src.slice(i + 1, end === -1 ? n : end)
        i = end === -1 ? n : end + 1
      } else {
        const vs = i
        while (i < n && !isSpace(src.charCodeAt(i))) i++
        value = src.slice(vs, i)
      }
    }
    if (!allowed.has(name) || out.includes(` ${name}=`)) continue
    value = decodeEntities(value).trim()
    if (name === 'href' || name === 'src') {
      const abs = resolveUrl(value, base)
      if (abs === undefined || !SAFE_URL.test(abs)) continue
      value = abs
    }
    out += ` ${name}="${escapeAttr(value)}"`
  }
  return out
}

/** Text between tags as written, with `>` escaped (no `<` can be in it). */
function textRun(html: string, from: number, to: number): string {
  const run = html.slice(from, to)
  return run.indexOf('>') === -1 ? run : run.replace(/>/g, '&gt;')
}

/** Where `</name` starts from `from`, in lower or upper case; -1 if nowhere. */
function closeTag(html: string, name: string, from: number): number {
  const lower = html.indexOf(`</${name}`, from)
  const upper = html.indexOf(`</${name.toUpperCase()}`, from)
  return lower === -1 ? upper : upper === -1 ? lower : Math.min(lower, upper)
}

/** Sanitised HTML of `html`, links and images made absolute against `base`. */
export function sanitizeHtml(html: string, base: string | undefined): string {
  const n = html.length
  const open: string[] = []
  let out = ''
  let i = 0
  let lt = html.indexOf('<')
  while (lt !== -1) {
    out += textRun(html, i, lt)
    const c = html.charCodeAt(lt + 1)
    const closing = c === 47
    if (isAlpha(closing ? html.charCodeAt(lt + 2) : c)) {
      let j = lt + (closing ? 2 : 1)
      while (
        j < n &&
        !isSpace(html.charCodeAt(j)) &&
        html.charCodeAt(j) !== 62 &&
        html.charCodeAt(j) !== 47
      )
        j++
      const name = html.slice(lt + (closing ? 2 : 1), j).toLowerCase()
      const gt = tagEnd(html, j)
      if (gt === -1) {
        i = n // a tag cut off at the end: dropped
        break
      }
      i = gt + 1
      if (closing) {
        const at = open.lastIndexOf(name)
        if (at !== -1) {
          while (open.length > at) out += `</${open.pop()!}>`
        }
      } else if (DROP_CONTENT.has(name)) {
        const close = closeTag(html, name, i)
        if (close !== -1) {
          const end = html.indexOf('>', close)
          i = end === -1 ? n : end + 1
        }
      } else if (ALLOW.has(name)) {
        if (VOID.has(name)) out += `<${name}${attributes(name, html.slice(j, gt), base)}>`
        else if (open.length < MAX_OPEN && html.charCodeAt(gt - 1) !== 47) {
          out += `<${name}${attributes(name, html.slice(j, gt), base)}>`
          open.push(name)
        }
      }
    } else if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4)
      i = end === -1 ? n : end + 3
    } else if (html.startsWith('<![CDATA[', lt)) {
      const end = html.indexOf(']]>', lt + 9)
      out += escapeText(html.slice(lt + 9, end === -1 ? n : end))
      i = end === -1 ? n : end + 3
    } else if ((c === 33 || c === 63) && isAlpha(html.charCodeAt(lt + 2))) {
      const end = html.indexOf('>', lt)
      i = end === -1 ? n : end + 1 // DOCTYPE, processing instruction: dropped
    } else {
      out += '&lt;' // a literal `<` in text
      i = lt + 1
    }
    lt = i < n ? html.indexOf('<', i) : -1
  }
  if (i < n) out += textRun(html, i, n)
  while (open.length) out += `</${open.pop()!}>`
  return out.trim()
}
