// Parses a watch query into an AST whose words are already normalised (normalize.ts, tokenize.ts).
// Not responsible for matching (evaluate.ts) nor for the many-watch index (presearcher.ts).
// The language, in full (docs/query-language.md says the same with examples):
//
//   belgorod              a term; case, accents, ligatures and elisions folded (l’Otan = otan)
//   "armes de facture"    a phrase: the words at consecutive positions
//   a b   a AND b         both (AND is implicit between neighbours)
//   a OR b   a | b        either
//   NOT a   -a            not; `-` negates only at the start of a word: `e-mail` is a word
//   ( … )                 grouping
//   belg*                 trailing wildcard, at least 3 characters before `*`
//   b?lgorod              `?` is exactly one character (of the normalised word)
//   a NEAR/5 b            a and b within 5 words of each other, either order (NEAR alone = NEAR/5)
//   a ONEAR/5 b           the same, a before b; operands are terms, phrases, wildcards or
//                         parenthesised ORs of those; proximity never crosses fields
//   field:x               title: summary: content: text: (default: title+summary+content)
//                         author: category: url: — text fields; site: (the host or any parent
//                         domain), feed: (feed id or tag), lang: (item or feed language, `fr`
//                         also matches `fr-CA`) — exact values. A field applies to a term, a
//                         phrase or a parenthesised group: title:(belgorod OR koursk).
//
// Precedence, tightest first: field prefix, NEAR/ONEAR, NOT/-, AND (implicit or explicit), OR.
// Operators are uppercase (AND OR NOT NEAR ONEAR); lowercase `or` is a word to search for.
// A word that normalises into several (`jean-pierre`, `3.5`, `東京都`) is a phrase of those;
// a hyphenated word also matches written solid (`e-mail` finds "email").
// Errors are QueryError with the 0-based offset: unclosed quote, unclosed or unexpected
// parenthesis, an operator missing an operand, a bad NEAR distance, a misplaced wildcard, an
// unknown field, a word with nothing searchable in it, an empty query.

import { QueryError } from './query-error'
import { APOSTROPHES, ELISIONS, germanSpelling, normalizeWord } from './normalize'
import { tokenizeByRegex, type Token } from './tokenize'
import { isWordBreak } from './word-chars'

export type TextField = 'title' | 'summary' | 'content' | 'author' | 'category' | 'url'
export type MetaField = 'site' | 'feed' | 'lang'
type FieldName = TextField | MetaField | 'text'

interface LeafBase {
  /** The query text of this leaf, as the user wrote it: shown in explanations. */
  text: string
  /** Offset of the leaf in the query. */
  position: number
}

export interface TermNode extends LeafBase {
  type: 'term'
  fields: TextField[]
  term: string
  /** The word's other German spelling (normalize.ts's germanSpelling), if it has one. */
  german?: string
}
export interface PhraseNode extends LeafBase {
  type: 'phrase'
  fields: TextField[]
  terms: string[]
  /** Per word, its other German spelling or null; absent when no word has one. */
  germans?: Array<string | null>
}
export interface WildcardNode extends LeafBase {
  type: 'wildcard'
  fields: TextField[]
  /** Normalised literal pieces between `?`s (pieces.length - 1 `?`s), then `*` if `star`. */
  pieces: string[]
  star: boolean
}
export interface MetaNode extends LeafBase {
  type: 'meta'
  field: MetaField
  value: string
}
export interface AndNode {
  type: 'and'
  children: QueryAst[]
}
export interface OrNode {
  type: 'or'
  children: QueryAst[]
}
export interface NotNode {
  type: 'not'
  child: QueryAst
}
export interface NearNode {
  type: 'near'
  left: QueryAst
  right: QueryAst
  /** At most this many words between the two operands. */
  distance: number
  ordered: boolean
  position: number
}
export type QueryAst =
  TermNode | PhraseNode | WildcardNode | MetaNode | AndNode | OrNode | NotNode | NearNode

/** Long enough for any hand-written watch; bounds parse and match work for pasted junk. */
export const MAX_QUERY_LENGTH = 2000
/** Parentheses/NOT nesting bound: keeps recursion far from the stack limit. */
const MAX_DEPTH = 32
/** NEAR without /n. Five words is the common default of media-monitoring tools. */
export const DEFAULT_NEAR_DISTANCE = 5
/** Larger windows are nearly an AND and cost quadratic span checks. */
export const MAX_NEAR_DISTANCE = 100
/** `belg*` needs this many characters before `*`: shorter prefixes match too many words. */
export const MIN_WILDCARD_PREFIX = 3

const TEXT_FIELDS: TextField[] = ['title', 'summary', 'content']
const FIELD_NAMES: ReadonlySet<string> = new Set([
  'title',
  'summary',
  'content',
  'text',
  'author',
  'category',
  'url',
  'site',
  'feed',
  'lang',
])
const META_FIELDS: ReadonlySet<string> = new Set(['site', 'feed', 'lang'])

type Lexeme =
  | { kind: 'word'; raw: string; pos: number }
  | { kind: 'phrase'; raw: string; pos: number }
  | { kind: 'field'; name: FieldName; pos: number }
  | { kind: 'near'; distance: number; ordered: boolean; pos: number }
  | { kind: '(' | ')' | 'or' | 'and' | 'not' | 'eof'; pos: number }

const FIELD_RE = /([A-Za-z]+):/y

function matchField(query: string, start: number): RegExpExecArray | null {
  FIELD_RE.lastIndex = start
  return FIELD_RE.exec(query)
}
const NEAR_RE = /^(O?NEAR)(?:\/(.*))?$/

/**
 * The query's lexemes. Every pass of the loop consumes at least one code unit: a word break
 * (word-chars.ts) is skipped, syntax characters are lexemes of their own, and any other
 * character starts a word that lexWord takes at least that character into, since lexWord ends
 * words at exactly the breaks skipped here and at syntax characters. So there are at most
 * `query.length` lexemes and the lexer ends on any input.
 */
function lex(query: string): Lexeme[] {
  const out: Lexeme[] = []
  const n = query.length
  let i = 0
  while (i < n) {
    const before = i
    const c = query[i]!
    if (isWordBreak(query.charCodeAt(i))) {
      i++
    } else if (c === '(' || c === ')') {
      out.push({ kind: c, pos: i++ })
    } else if (c === '|') {
      out.push({ kind: 'or', pos: i++ })
    } else if (c === '"') {
      const close = query.indexOf('"', i + 1)
      if (close < 0) throw new QueryError('unclosed quote', i, query)
      out.push({ kind: 'phrase', raw: query.slice(i + 1, close), pos: i })
      i = close + 1
    } else if (c === '-') {
      if (!startsTerm(query, i + 1)) {
        throw new QueryError('- must be followed by a term to exclude', i, query)
      }
      out.push({ kind: 'not', pos: i++ })
    } else {
      i = lexWord(query, i, out)
    }
    // The argument above, checked: a lexer that stands still would fill the heap with empty
    // words (issue #9). A bug, not bad input, so not a QueryError: the fuzz test hunts for it.
    if (i <= before) throw new Error(`query lexer made no progress at ${before}`)
  }
  out.push({ kind: 'eof', pos: n })
  return out
}

/** Whether a term can start at `i`: not the end, a word break, `)` or `|`. */
function startsTerm(query: string, i: number): boolean {
  if (i >= query.length) return false
  const code = query.charCodeAt(i)
  return !isWordBreak(code) && code !== 0x29 && code !== 0x7c
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
}

/** Most query words: lowercasing is their whole normalisation (as tokenize.ts's fast path). */
const PLAIN_WORD_RE = /^[A-Za-z0-9\u0410-\u044f]+$/

/** A word break (the same ones lex skips), parentheses, a quote or `|` end a word. */
function endsWord(code: number): boolean {
  if (code === 0x28 || code === 0x29 || code === 0x22 || code === 0x7c) return true
  return isWordBreak(code)
}

function lexWord(query: string, start: number, out: Lexeme[]): number {
  // Only a word starting with letters then ':' can be a field: skip the regex otherwise.
  const field =
    isAsciiLetter(query.charCodeAt(start)) && query.includes(':', start)
      ? matchField(query, start)
      : null
  if (field) {
    const name = field[1]!.toLowerCase()
    const after = start + field[0].length
    const next = query[after]
    if (FIELD_NAMES.has(name)) {
      if (!startsTerm(query, after)) {
        throw new QueryError(`missing value after ${name}:`, after, query)
      }
      out.push({ kind: 'field', name: name as FieldName, pos: start })
      return after
    }
    // `http://…` and `10:30` are words; `titel:x` is a typo worth pointing at.
    if (
      next !== undefined &&
      next !== '/' &&
      !/\d/.test(name) &&
      !isWordBreak(query.charCodeAt(after))
    ) {
      throw new QueryError(
        `unknown field ${name}: (known: ${[...FIELD_NAMES].join(', ')})`,
        start,
        query,
      )
    }
  }
  let end = start
  while (end < query.length && !endsWord(query.charCodeAt(end))) end++
  const raw = query.slice(start, end)
  if (raw === 'AND') out.push({ kind: 'and', pos: start })
  else if (raw === 'OR') out.push({ kind: 'or', pos: start })
  else if (raw === 'NOT') out.push({ kind: 'not', pos: start })
  else {
    const near = raw.startsWith('NEAR') || raw.startsWith('ONEAR') ? NEAR_RE.exec(raw) : null
    if (near) {
      const distance = near[2] === undefined ? DEFAULT_NEAR_DISTANCE : Number(near[2])
      if (!/^\d{1,3}$/.test(near[2] ?? '5') || distance > MAX_NEAR_DISTANCE) {
        throw new QueryError(
          `${near[1]} needs a distance from 0 to ${MAX_NEAR_DISTANCE}, as in ${near[1]}/5`,
          start,
          query,
        )
      }
      out.push({ kind: 'near', distance, ordered: near[1] === 'ONEAR', pos: start })
    } else {
      out.push({ kind: 'word', raw, pos: start })
    }
  }
  return end
}

/** Parses a query; throws QueryError with the offset and reason of the first problem. */
export function parseQuery(query: string): QueryAst {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new QueryError(
      `query longer than ${MAX_QUERY_LENGTH} characters`,
      MAX_QUERY_LENGTH,
      query,
    )
  }
  if (isBlank(query)) throw new QueryError('empty query', 0, query)
  return new Parser(query, lex(query)).parse()
}

/** Whether `query` holds nothing but word breaks (white space, control characters). */
function isBlank(query: string): boolean {
  for (let i = 0; i < query.length; i++) if (!isWordBreak(query.charCodeAt(i))) return false
  return true
}

class Parser {
  private i = 0
  private depth = 0

  constructor(
    private readonly query: string,
    private readonly lexemes: Lexeme[],
  ) {}

  parse(): QueryAst {
    const ast = this.parseOr('text')
    const rest = this.peek()
    if (rest.kind === ')') throw this.error('unexpected )', rest.pos)
    if (rest.kind !== 'eof') throw this.error(`unexpected ${describe(rest)}`, rest.pos)
    return ast
  }

  private peek(): Lexeme {
    return this.lexemes[this.i]!
  }

  private next(): Lexeme {
    return this.lexemes[this.i++]!
  }

  private error(reason: string, pos: number): QueryError {
    return new QueryError(reason, pos, this.query)
  }

  private parseOr(field: FieldName): QueryAst {
    const first = this.parseAnd(field)
    // Most queries and groups have no OR: no list for them.
    if (this.peek().kind !== 'or') return first
    const children = [first]
    while (this.peek().kind === 'or') {
      const op = this.next()
      if (!startsOperand(this.peek())) throw this.error('OR needs a term after it', op.pos)
      children.push(this.parseAnd(field))
    }
    return combine('or', children)
  }

  private parseAnd(field: FieldName): QueryAst {
    const first = this.peek()
    if (first.kind === 'or' || first.kind === 'and') {
      throw this.error(`${first.kind.toUpperCase()} needs a term before it`, first.pos)
    }
    const operand = this.parseUnary(field)
    if (!continuesAnd(this.peek())) return operand
    const children = [operand]
    for (;;) {
      const look = this.peek()
      if (look.kind === 'and') {
        this.next()
        if (!startsOperand(this.peek())) throw this.error('AND needs a term after it', look.pos)
        children.push(this.parseUnary(field))
      } else if (startsOperand(look)) {
        children.push(this.parseUnary(field))
      } else {
        break
      }
    }
    return combine('and', children)
  }

  private parseUnary(field: FieldName): QueryAst {
    const look = this.peek()
    if (look.kind !== 'not') return this.parseNear(field)
    this.next()
    if (!startsOperand(this.peek()) || this.peek().kind === 'not') {
      throw this.error('NOT needs a term after it', look.pos)
    }
    return { type: 'not', child: this.nested(look.pos, () => this.parseUnary(field)) }
  }

  private parseNear(field: FieldName): QueryAst {
    let left = this.parsePrimary(field)
    while (this.peek().kind === 'near') {
      const op = this.next() as Extract<Lexeme, { kind: 'near' }>
      const look = this.peek()
      if (look.kind === 'eof' || look.kind === ')' || look.kind === 'or' || look.kind === 'and') {
        throw this.error('NEAR needs a term after it', op.pos)
      }
      const right = this.parsePrimary(field)
      if (!isSpanOperand(left) || !isSpanOperand(right)) {
        throw this.error(
          'NEAR operands must be terms, phrases, wildcards or (a OR b) groups of those',
          op.pos,
        )
      }
      left = {
        type: 'near',
        left,
        right,
        distance: op.distance,
        ordered: op.ordered,
        position: op.pos,
      }
    }
    return left
  }

  private parsePrimary(field: FieldName): QueryAst {
    const lx = this.next()
    switch (lx.kind) {
      case 'field': {
        const look = this.peek()
        if (look.kind !== 'word' && look.kind !== 'phrase' && look.kind !== '(') {
          throw this.error(`missing value after ${lx.name}:`, look.pos)
        }
        return this.parsePrimary(lx.name)
      }
      case '(': {
        if (this.peek().kind === ')') throw this.error('empty parentheses', lx.pos)
        const inner = this.nested(lx.pos, () => this.parseOr(field))
        if (this.peek().kind !== ')') throw this.error('unclosed parenthesis', lx.pos)
        this.next()
        return inner
      }
      case 'word':
        return this.wordNode(lx.raw, lx.pos, field)
      case 'phrase':
        return this.phraseNode(lx.raw, lx.pos, field)
      case ')':
        throw this.error('unexpected )', lx.pos)
      case 'eof':
        throw this.error('missing term at the end', lx.pos)
      default:
        throw this.error(`${describe(lx)} needs a term before it`, lx.pos)
    }
  }

  private nested<T>(pos: number, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw this.error('query nests too deeply', pos)
    try {
      return parse()
    } finally {
      this.depth--
    }
  }

  private wordNode(raw: string, pos: number, field: FieldName): QueryAst {
    if (isMeta(field)) return this.metaNode(raw, pos, field)
    const fields = textFields(field)
    if (PLAIN_WORD_RE.test(raw)) {
      return withGerman(
        { type: 'term', fields, term: raw.toLowerCase(), text: raw, position: pos },
        germanSpelling(raw),
      )
    }
    if (raw.includes('*') || raw.includes('?')) return this.wildcardNode(raw, pos, fields)
    const tokens: Token[] = []
    // Not tokenize: see tokenizeByRegex for why query text keeps out of the item scan.
    tokenizeByRegex(raw, tokens)
    const wordTokens = tokens.filter((t) => t.kind === 0)
    const words = wordTokens.map((t) => t.term)
    if (words.length === 0) throw this.error(`nothing to search for in "${raw}"`, pos)
    const germans = germanSpellings(raw, wordTokens)
    if (words.length === 1) {
      const term: TermNode = { type: 'term', fields, term: words[0]!, text: raw, position: pos }
      return withGerman(term, germans?.[0] ?? null)
    }
    const phrase: PhraseNode = { type: 'phrase', fields, terms: words, text: raw, position: pos }
    if (germans) phrase.germans = germans
    const joined = tokens.filter((t) => t.kind === 1)
    const whole = joined[0]
    const first = tokens[0]!
    const last = tokens[tokens.length - 1]!
    if (joined.length === 1 && whole && whole.start === first.start && whole.end === last.end) {
      return {
        type: 'or',
        children: [phrase, { type: 'term', fields, term: whole.term, text: raw, position: pos }],
      }
    }
    return phrase
  }

  private phraseNode(raw: string, pos: number, field: FieldName): QueryAst {
    if (isMeta(field)) throw this.error(`${field}: takes a single value, not a phrase`, pos)
    const tokens: Token[] = []
    tokenizeByRegex(raw, tokens)
    const wordTokens = tokens.filter((t) => t.kind === 0)
    const words = wordTokens.map((t) => t.term)
    if (words.length === 0) throw this.error('empty phrase', pos)
    const fields = textFields(field)
    const text = `"${raw}"`
    const germans = germanSpellings(raw, wordTokens)
    if (words.length === 1) {
      const term: TermNode = { type: 'term', fields, term: words[0]!, text, position: pos }
      return withGerman(term, germans?.[0] ?? null)
    }
    const phrase: PhraseNode = { type: 'phrase', fields, terms: words, text, position: pos }
    if (germans) phrase.germans = germans
    return phrase
  }

  private wildcardNode(raw: string, pos: number, fields: TextField[]): WildcardNode {
    const starAt = raw.indexOf('*')
    if (starAt >= 0 && starAt !== raw.length - 1) {
      throw this.error('* is allowed only at the end of a word', pos + starAt)
    }
    let body = raw
    let bodyPos = pos
    const apostrophe = [...APOSTROPHES].map((a) => body.indexOf(a)).find((k) => k > 0)
    if (apostrophe !== undefined && ELISIONS.has(normalizeWord(body.slice(0, apostrophe)))) {
      body = body.slice(apostrophe + 1)
      bodyPos += apostrophe + 1
    }
    const star = body.endsWith('*')
    if (star) body = body.slice(0, -1)
    if (!/^[\p{L}\p{N}\p{M}?]+$/u.test(body)) {
      throw this.error('a wildcard must stay inside one word (no hyphens or punctuation)', pos)
    }
    const pieces = body.split('?').map(normalizeWord)
    const literal = pieces.reduce((sum, p) => sum + [...p].length, 0)
    if (literal === 0) throw this.error('a wildcard needs letters or digits', pos)
    if (star && literal + pieces.length - 1 < MIN_WILDCARD_PREFIX) {
      throw this.error(
        `* needs at least ${MIN_WILDCARD_PREFIX} characters before it`,
        bodyPos + body.length,
      )
    }
    return { type: 'wildcard', fields, pieces, star, text: raw, position: pos }
  }

  private metaNode(raw: string, pos: number, field: MetaField): MetaNode {
    if (raw.includes('*') || raw.includes('?')) {
      throw this.error(`wildcards are not supported in ${field}:`, pos)
    }
    let value = raw.toLowerCase()
    if (field === 'site') value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/:?#]/)[0]!
    if (field === 'site') value = value.replace(/^\.+|\.+$/g, '')
    if (field === 'lang') value = value.replace(/_/g, '-')
    if (value === '') throw this.error(`missing value after ${field}:`, pos)
    return { type: 'meta', field, value, text: `${field}:${raw}`, position: pos }
  }
}

function withGerman(node: TermNode, german: string | null): TermNode {
  if (german !== null) node.german = german
  return node
}

/** Each word token's other German spelling (from its text in `raw`), or undefined if none has one. */
function germanSpellings(raw: string, words: Token[]): Array<string | null> | undefined {
  let any = false
  const out = words.map((t) => {
    const german = germanSpelling(raw.slice(t.start, t.end))
    if (german !== null) any = true
    return german
  })
  return any ? out : undefined
}

function isMeta(field: FieldName): field is MetaField {
  return META_FIELDS.has(field)
}

function textFields(field: Exclude<FieldName, MetaField>): TextField[] {
  return field === 'text' ? TEXT_FIELDS : [field]
}

function startsOperand(lx: Lexeme): boolean {
  return (
    lx.kind === 'word' ||
    lx.kind === 'phrase' ||
    lx.kind === '(' ||
    lx.kind === 'not' ||
    lx.kind === 'field'
  )
}

function isSpanOperand(node: QueryAst): boolean {
  if (node.type === 'term' || node.type === 'phrase' || node.type === 'wildcard') return true
  if (node.type === 'near') return true
  return node.type === 'or' && node.children.every(isSpanOperand)
}

/** Whether `lx` goes on an AND: an explicit AND, or an operand after the last (implicit AND). */
function continuesAnd(lx: Lexeme): boolean {
  return lx.kind === 'and' || startsOperand(lx)
}

function combine(type: 'and' | 'or', children: QueryAst[]): QueryAst {
  if (children.length === 1) return children[0]!
  const flat: QueryAst[] = []
  for (const child of children) {
    if (child.type === type) flat.push(...child.children)
    else flat.push(child)
  }
  return { type, children: flat }
}

function describe(lx: Lexeme): string {
  switch (lx.kind) {
    case 'or':
    case 'and':
    case 'not':
      return lx.kind.toUpperCase()
    case 'near':
      return lx.ordered ? 'ONEAR' : 'NEAR'
    case 'eof':
      return 'end of query'
    default:
      return lx.kind
  }
}
