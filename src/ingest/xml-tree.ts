// A tolerant, single-pass XML tree builder for feeds. It produces the same shape as
// fast-xml-parser (`@_name` attributes, `#text`, repeated children as arrays, raw text for "stop"
// elements) so the adapters read one shape, but it is built for feeds: it jumps between `<` with
// indexOf instead of visiting every character, never throws, and recovers the way browsers do —
// a close tag pops back to its matching open element (mis-nesting), a stray close tag is ignored,
// an item opened inside an unclosed item closes the first one, and elements still open at the end
// are closed. Raw-text ("stop") elements such as description and content:encoded are returned as
// their markup, unparsed. Names are kept as written unless a NameResolver is given: then each
// element name is replaced by the resolver's canonical form (namespaces by URI, case folded; see
// xml.ts), with xmlns declarations on any element taken into account for it and its descendants.
// Not responsible for repairs done on the text first (xml.ts) or entities (left as written:
// decoded later, never expanded).
// Safety: nothing is expanded, so work and memory are linear in the input; nesting beyond
// `maxDepth` is flattened (no recursion anywhere, no stack growth); element objects have no
// prototype, so names like `__proto__` are plain keys.

/** Element names → canonical names, scoped by xmlns declarations. */
export interface NameResolver {
  /** The canonical name of an element name as written, under the declarations in scope. */
  name(raw: string): string
  /** An element's attributes declare namespaces: they apply until the matching `leave`. */
  enter(attrs: Record<string, unknown>): void
  leave(): void
  /** The declarations in scope now, to build a deferred element later (see DeferOptions). */
  scope(): unknown
  /** A resolver with the declarations of `scope` in force. */
  at(scope: unknown): NameResolver
}

/** Where a deferred element is in the text, to build its whole subtree later (buildDeferred). */
export interface Deferred {
  /** Its start tag's `<`. */
  start: number
  /** Past its close tag, or where it was closed implicitly. */
  end: number
  /** The namespace declarations in scope before its start tag (NameResolver.scope). */
  scope: unknown
  /** Its depth: 1 for the root element. */
  depth: number
}

/**
 * Elements (items, entries) whose subtrees are built only in part while the document is read:
 * only their children named in `keep` (what identity and order need) become nodes; the rest is
 * scanned, not built, and the whole subtree is built from the element's span of text when it is
 * read (buildDeferred). A large feed then never holds the tree of all its items.
 */
export interface DeferOptions {
  names: Set<string>
  keep: Set<string>
  /** Filled while building: each deferred element's value → its span. */
  found: Map<object, Deferred>
}

export interface TreeOptions {
  /** Elements whose content is returned raw (markup as written); names as the resolver gives. */
  stop: Set<string>
  /** Elements that never nest in themselves (item, entry): a new one closes an open one. */
  noSelfNesting: Set<string>
  maxDepth: number
  /** Without one, names are kept exactly as written (the shape fast-xml-parser gives). */
  names?: NameResolver
  defer?: DeferOptions
  /** Depth of the parent of the text's elements (a deferred element's subtree is built alone). */
  depth?: number
  /**
   * Build only the text from `start` to `end` (a deferred element's span; buildDeferred), with
   * every search still seeing the whole text, so each token is read as it was in the document.
   */
  span?: { start: number; end: number }
}

export interface TreeStats {
  /** Close tags that did not match the innermost open element. */
  misnested: number
  /** Close tags with no open element of that name. */
  stray: number
  /** Elements closed implicitly (by a sibling of the same name or by the end of the document). */
  unclosed: number
  /** Start tags ignored for exceeding maxDepth. */
  tooDeep: number
}

export type Obj = Record<string, unknown>

export interface Frame {
  name: string
  /** The name as written (searched for in raw text). */
  raw: string
  obj: Obj | undefined
  text: string
  /** This element declared namespaces: leave their scope when it closes. */
  scoped: boolean
  /** Scanned, not built: inside a deferred element and not kept (see DeferOptions). */
  skip: boolean
  /** This element is deferred. */
  deferred: Deferred | undefined
}

export function add(parent: Obj, name: string, value: unknown): void {
  const prev = parent[name]
  if (prev === undefined) parent[name] = value
  else if (Array.isArray(prev)) prev.push(value)
  else parent[name] = [prev, value]
}

/** XML name start characters, loosely: ASCII letters, `_`, `:` and anything non-ASCII. */
export function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0x80
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13
}

/** The element's value: its attributes/children object (with `#text`), or its trimmed text. */
export function valueOf(frame: Frame): unknown {
  const text = frame.text.length === 0 ? '' : frame.text.trim()
  if (frame.obj === undefined) return text
  if (text !== '') frame.obj['#text'] = text
  return frame.obj
}

/**
 * Parse attributes from `s` between `from` and the tag's end; returns the index of the closing `>`
 * (quote-aware) or -1 when the tag never ends.
 */
function readAttributes(
  s: string,
  from: number,
  into: { obj: Obj | undefined; xmlns: boolean },
): number {
  const n = s.length
  let i = from
  for (;;) {
    while (i < n && isSpace(s.charCodeAt(i))) i++
    if (i >= n) return -1
    const c = s.charCodeAt(i)
    if (c === 62 /* > */) return i
    if (c === 47 /* / */) {
      i++
      continue
    }
    const nameStart = i
    while (i < n) {
      const d = s.charCodeAt(i)
      if (d === 61 || d === 62 || d === 47 || isSpace(d)) break
      i++
    }
    const name = s.slice(nameStart, i)
    while (i < n && isSpace(s.charCodeAt(i))) i++
    let value = ''
    if (s.charCodeAt(i) === 61 /* = */) {
      i++
      while (i < n && isSpace(s.charCodeAt(i))) i++
      const q = s.charCodeAt(i)
      if (q === 34 || q === 39) {
        const end = s.indexOf(q === 34 ? '"' : "'", i + 1)
        if (end === -1) return -1
        value = s.slice(i + 1, end)
        i = end + 1
      } else {
        const vs = i
        while (i < n) {
          const d = s.charCodeAt(i)
          if (d === 62 || isSpace(d)) break
          i++
        }
        value = s.slice(vs, i)
      }
    }
    if (name !== '') {
      if (into.obj === undefined) into.obj = Object.create(null) as Obj
      into.obj['@_' + name] = value
      if (name.startsWith('xmlns')) into.xmlns = true
    }
  }
}

/** Item-level element names of RSS, RDF and Atom: where an unclosed raw-text element must end. */
export const FIELD_NAMES = new Set(
  (
    'title link description guid pubDate author category enclosure comments source id updated ' +
    'published summary content rights'
  ).split(' '),
)

/**
 * Where an unclosed raw-text element really ends: at the first start tag of a sibling field (a
 * feed element name, or any prefixed name such as dc:creator), else at its parent's close tag.
 */
function unclosedEnd(s: string, from: number, limit: number): number {
  let at = s.indexOf('<', from)
  while (at !== -1 && at < limit) {
    let j = at + 1
    while (j < limit) {
      const d = s.charCodeAt(j)
      if (d === 62 || d === 47 || isSpace(d)) break
      j++
    }
    const name = s.slice(at + 1, j)
    if (FIELD_NAMES.has(name) || (name.includes(':') && !name.startsWith('!'))) return at
    at = s.indexOf('<', at + 1)
  }
  return limit
}

/**
 * The end of a raw-text element's content: `[contentEnd, resumeAt, closed]`. Skips CDATA sections
 * (a `</description>` inside one is text). An element never closed ends where its parent does.
 * Every search is bounded by a sliced string, so the whole scan stays linear.
 */
function rawEnd(s: string, name: string, from: number, parent: string): [number, number, boolean] {
  const close = '</' + name
  const parentTag = parent ? '</' + parent + '>' : ''
  let pos = from
  let at = s.indexOf(close, pos)
  for (;;) {
    const between = s.slice(pos, at === -1 ? s.length : at)
    const cdata = between.indexOf('<![CDATA[')
    if (parentTag) {
      const parentClose = (cdata === -1 ? between : between.slice(0, cdata)).indexOf(parentTag)
      if (parentClose !== -1) {
        const end = unclosedEnd(s, from, pos + parentClose)
        return [end, end, false]
      }
    }
    if (cdata === -1) break
    const cdEnd = s.indexOf(']]>', pos + cdata + 9)
    if (cdEnd === -1) return [s.length, s.length, false]
    pos = cdEnd + 3
    if (at !== -1 && at < pos) at = s.indexOf(close, pos)
  }
  if (at === -1) return [s.length, s.length, false]
  const gt = s.indexOf('>', at)
  return [at, gt === -1 ? s.length : gt + 1, true]
}

/**
 * One tree build's state: what buildTree (over text) and xml-bytes.ts's buildTreeBytes (over
 * bytes) share, so that the handling of tags — closing, nesting repairs, namespaces, deferred
 * and raw-text elements — is written once and the two builders cannot drift apart. Each builder
 * keeps only what reads its source: scanning for `<`, names, attributes and raw-text ends.
 */
export interface Build {
  stack: Frame[]
  names: NameResolver | undefined
  defer: DeferOptions | undefined
  /** TreeOptions.depth: the depth of the parent of the source's elements. */
  depth0: number
  opts: TreeOptions
  stats: TreeStats
  /**
   * Where a raw-text element's content from `from` ends, as `[contentEnd, resumeAt, closed]`: at
   * its close tag (`</` + raw), or where it must end when never closed (see rawEnd).
   */
  rawEnd(raw: string, from: number, parentRaw: string): [number, number, boolean]
  /** The characters of the source from `a` to `b`. */
  text(a: number, b: number): string
}

/** A build's state, with the document's root frame on its stack. */
export function newBuild(
  opts: TreeOptions,
  stats: TreeStats,
  source: Pick<Build, 'rawEnd' | 'text'>,
): { build: Build; doc: Obj } {
  const doc = Object.create(null) as Obj
  const stack: Frame[] = [
    { name: '', raw: '', obj: doc, text: '', scoped: false, skip: false, deferred: undefined },
  ]
  const build: Build = {
    stack,
    names: opts.names,
    defer: opts.defer,
    depth0: opts.depth ?? 0,
    opts,
    stats,
    rawEnd: source.rawEnd,
    text: source.text,
  }
  return { build, doc }
}

/** Close the elements from `depth` up: that one ends at `at`, those inside it at `inner`. */
export function closeFrames(b: Build, depth: number, at: number, inner: number): void {
  const stack = b.stack
  while (stack.length - 1 >= depth) {
    const f = stack.pop()!
    if (f.scoped) b.names!.leave()
    if (f.skip) continue
    const parent = stack[stack.length - 1]!
    if (parent.obj === undefined) parent.obj = Object.create(null) as Obj
    const value = valueOf(f)
    if (f.deferred) {
      f.deferred.end = stack.length === depth ? at : inner
      b.defer!.found.set(value as object, f.deferred)
    }
    add(parent.obj, f.name, value)
  }
}

/**
 * A close tag of `name` (as written) at `lt`, ending before `end` (its `>`, or the source's end
 * `n`): it pops back to its matching open element; with none open, it is ignored.
 */
export function closeTag(b: Build, raw: string, lt: number, end: number, n: number): void {
  const name = b.names ? b.names.name(raw) : raw
  const stack = b.stack
  let k = stack.length - 1
  while (k > 0 && stack[k]!.name !== name) k--
  if (k === 0) {
    b.stats.stray++
    return
  }
  if (k !== stack.length - 1) b.stats.misnested += stack.length - 1 - k
  closeFrames(b, k, Math.min(end + 1, n), lt)
}

/**
 * A start tag at `lt` whose `>` is at `gt`: `name` is its name's characters, `raw` its name as
 * rawContent searches for it, `into` its attributes. Returns where reading goes on.
 */
export function startTag(
  b: Build,
  lt: number,
  gt: number,
  end: number,
  name0: string,
  raw: string,
  into: { obj: Obj | undefined; xmlns: boolean },
  selfClosing: boolean,
): number {
  const { stack, names, defer, depth0, opts, stats } = b
  let i = gt + 1
  if (stack.length + depth0 > opts.maxDepth) {
    stats.tooDeep++
    return i
  }
  // The element's own declarations apply to its name (`<p0:entry xmlns:p0="…Atom">`).
  const scoped = names !== undefined && into.xmlns
  if (scoped) names.enter(into.obj!)
  const name = names ? names.name(name0) : name0
  // A self-closing one (`<item />` inside an item, PCMag) contains nothing and closes nothing.
  if (opts.noSelfNesting.has(name) && !selfClosing) {
    let k = stack.length - 1
    while (k > 0 && stack[k]!.name !== name) k--
    if (k > 0) {
      stats.unclosed++
      // Its declarations are not in scope for the elements it closes (nor popped by them).
      if (scoped) names.leave()
      closeFrames(b, k, lt, lt)
      if (scoped) names.enter(into.obj!)
    }
  }
  const parent = stack[stack.length - 1]!
  const skip = parent.skip || (parent.deferred !== undefined && !defer!.keep.has(name))
  const deferring = !skip && defer?.names.has(name) === true && !selfClosing
  if (selfClosing) {
    if (!skip) {
      if (parent.obj === undefined) parent.obj = Object.create(null) as Obj
      add(parent.obj, name, into.obj ?? '')
    }
    if (scoped) names.leave()
  } else if (opts.stop.has(name)) {
    const [contentEnd, resume, closed] = b.rawEnd(raw, i, parent.raw)
    if (scoped) names.leave()
    if (!closed) stats.unclosed++
    if (!skip) {
      const content = b.text(i, contentEnd)
      if (parent.obj === undefined) parent.obj = Object.create(null) as Obj
      if (into.obj) {
        into.obj['#text'] = content
        add(parent.obj, name, into.obj)
      } else add(parent.obj, name, content)
    }
    i = resume
  } else {
    let deferred: Deferred | undefined
    if (deferring && names) {
      // The scope before its start tag: a rebuild enters its own declarations again.
      if (scoped) names.leave()
      deferred = { start: lt, end, scope: names.scope(), depth: stack.length + depth0 }
      if (scoped) names.enter(into.obj!)
    } else if (deferring) {
      deferred = { start: lt, end, scope: undefined, depth: stack.length + depth0 }
    }
    // A deferred element is always an object, so it stays one once its text is skipped.
    const obj = deferred ? (into.obj ?? (Object.create(null) as Obj)) : into.obj
    stack.push({ name, raw, obj, text: '', scoped, skip, deferred })
  }
  return i
}

/** The root frame's elements still open at the end: closed there. */
export function endBuild(b: Build, stop: number): void {
  if (b.stack.length > 1) {
    b.stats.unclosed += b.stack.length - 1
    closeFrames(b, 1, stop, stop)
  }
}

/**
 * The whole subtree of a deferred element (see DeferOptions), built by `build` (buildTree, or
 * buildTreeBytes) from its span with the options the document was built with (and the
 * namespaces in scope there), reading every token exactly as the document's build did; repairs
 * inside it were counted then, not again.
 */
export function expandDeferred(
  d: Deferred,
  opts: TreeOptions,
  build: (opts: TreeOptions, stats: TreeStats) => Obj,
): unknown {
  const stats: TreeStats = { misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 }
  const doc = build(
    { ...opts, names: opts.names?.at(d.scope), defer: undefined, depth: d.depth - 1, span: d },
    stats,
  )
  for (const k in doc) return Array.isArray(doc[k]) ? (doc[k] as unknown[])[0] : doc[k]
  return undefined
}

/** Build the tree of `s`. Never throws; `stats` counts what was repaired. */
export function buildTree(s: string, opts: TreeOptions, stats: TreeStats): Obj {
  const n = s.length
  const { build, doc } = newBuild(opts, stats, {
    rawEnd: (raw, from, parentRaw) => rawEnd(s, raw, from, parentRaw),
    text: (a, b) => s.slice(a, b),
  })
  const stack = build.stack
  const stop = opts.span ? opts.span.end : n
  let i = opts.span ? opts.span.start : 0
  while (i < stop) {
    const lt = s.indexOf('<', i)
    const top = stack[stack.length - 1]!
    const keepText = stack.length > 1 && !top.skip
    if (lt === -1) {
      if (keepText) top.text += s.slice(i)
      break
    }
    if (lt > i && keepText) top.text += s.slice(i, lt)
    const c = s.charCodeAt(lt + 1)
    if (c === 47 /* / */) {
      const gt = s.indexOf('>', lt)
      const end = gt === -1 ? n : gt
      let nameEnd = lt + 2
      while (nameEnd < end && !isSpace(s.charCodeAt(nameEnd))) nameEnd++
      closeTag(build, s.slice(lt + 2, nameEnd), lt, end, n)
      i = end + 1
    } else if (c === 33 /* ! */) {
      if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9)
        if (keepText) top.text += s.slice(lt + 9, end === -1 ? n : end)
        i = end === -1 ? n : end + 3
      } else if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt + 4)
        i = end === -1 ? n : end + 3
      } else {
        const end = s.indexOf('>', lt)
        i = end === -1 ? n : end + 1
      }
    } else if (c === 63 /* ? */) {
      const end = s.indexOf('?>', lt)
      i = end === -1 ? n : end + 2
    } else {
      let j = lt + 1
      while (j < n) {
        const d = s.charCodeAt(j)
        if (d === 62 || d === 47 || isSpace(d)) break
        j++
      }
      const raw = s.slice(lt + 1, j)
      if (raw === '' || !isNameStart(c)) {
        if (keepText) top.text += '<' // a literal `<` in text (`a < b`, `3<4`): keep it
        i = lt + 1
        continue
      }
      const into: { obj: Obj | undefined; xmlns: boolean } = { obj: undefined, xmlns: false }
      const gt = s.charCodeAt(j) === 62 ? j : readAttributes(s, j, into)
      if (gt === -1) {
        i = n // a start tag cut off by the end of the document
        break
      }
      i = startTag(build, lt, gt, n, raw, raw, into, s.charCodeAt(gt - 1) === 47)
    }
  }
  endBuild(build, stop)
  return doc
}

/** The whole subtree of a deferred element of `s` (expandDeferred). */
export function buildDeferred(s: string, d: Deferred, opts: TreeOptions): unknown {
  return expandDeferred(d, opts, (o, stats) => buildTree(s, o, stats))
}
