// Feed HTML → safe HTML for alerts that render it (email, chat): an allowlist of structural and
// inline elements and of a few attributes, every link and image URL made absolute and limited to
// http(s)/mailto, everything else dropped (script/style/template content with it). The work is
// done by the `xss` package (js-xss, an allowlist sanitiser in plain JavaScript that runs in
// workerd); this file holds only Feedwatch's allowlist and URL policy. Not responsible for plain
// text (html-text.ts) or for deciding which element holds content (the adapters).
import * as xssModule from 'xss'
import { resolveUrl } from './url'

// xss is CommonJS: bundlers expose its exports either as the namespace or as its default.
const xss = (xssModule as unknown as { default?: typeof xssModule }).default ?? xssModule
type Filter = InstanceType<typeof xss.FilterXSS>

const INLINE =
  'a abbr b bdi bdo cite code del dfn em i ins kbd mark q s samp small span strong sub sup time u var wbr br'
const BLOCK =
  'address article aside blockquote caption dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li ol p pre section summary table tbody td tfoot th thead tr ul img'

/** Attributes kept, per element; everything else (style, on*, class, id) is dropped. */
const ALLOW: Record<string, string[]> = {}
for (const tag of `${INLINE} ${BLOCK}`.split(' ')) ALLOW[tag] = ['title', 'lang', 'dir']
ALLOW.a = ['href', 'title', 'lang']
ALLOW.img = ['src', 'alt', 'title', 'width', 'height']
ALLOW.td = ['colspan', 'rowspan']
ALLOW.th = ['colspan', 'rowspan', 'scope']
ALLOW.time = ['datetime']
ALLOW.ol = ['start', 'reversed']

/** Schemes a rendered link or image may use. */
const SAFE_URL = /^(?:https?:|mailto:)/i

/** Elements dropped with everything inside them. */
const DROP_WITH_CONTENT = ['script', 'style', 'noscript', 'template', 'head', 'title']

function filterFor(base: string | undefined): Filter {
  return new xss.FilterXSS({
    whiteList: ALLOW,
    stripIgnoreTag: true,
    stripIgnoreTagBody: DROP_WITH_CONTENT,
    allowCommentTag: false,
    css: false,
    onTagAttr(tag, name, value) {
      if (name !== 'href' && name !== 'src') return undefined
      if (!ALLOW[tag]?.includes(name)) return ''
      // Absolute, and http(s)/mailto only; anything else loses the attribute altogether.
      const abs = resolveUrl(xss.friendlyAttrValue(value).trim(), base)
      return abs !== undefined && SAFE_URL.test(abs) ? `${name}="${xss.escapeAttrValue(abs)}"` : ''
    },
    safeAttrValue(_tag, _name, value) {
      return xss.escapeAttrValue(xss.friendlyAttrValue(value).trim())
    },
  })
}

let lastBase: string | undefined
let lastFilter: Filter | undefined

/** Sanitised HTML of `html`, links and images resolved against `base`. */
export function sanitizeHtml(html: string, base: string | undefined): string {
  if (lastFilter === undefined || lastBase !== base) {
    lastFilter = filterFor(base)
    lastBase = base
  }
  return lastFilter.process(html).trim()
}
