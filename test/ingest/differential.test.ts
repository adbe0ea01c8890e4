// Differential test: the project's tree builder (xml-tree.ts) against fast-xml-parser, the
// stack's XML library, on generated well-formed documents. On well-formed XML the hand-written
// builder must read exactly the tree the library reads (same names, attributes, text, arrays for
// repeated children), so its speed and recovery never come at the price of a different reading.
// Names are compared as written (no NameResolver), entities left as written (processEntities off),
// values as strings (no number parsing), as the adapters expect.
import fc from 'fast-check'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { buildTree, type TreeStats } from '../../src/ingest/xml-tree'

const library = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

const name = fc.constantFrom('a', 'b', 'item', 'title', 'dc:creator', 'media:content', 'x-y', 'A1')
const text = fc
  .stringMatching(/^[A-Za-z0-9 éж.,;:!?'"()\-]{0,12}$/)
  .map((s) => s.replace(/"/g, 'q'))
const entity = fc.constantFrom('&amp;', '&lt;', '&#233;', '&eacute;')
// fast-xml-parser trims attribute values (trimValues); XML keeps them and the adapters trim, so
// generated values have no outer spaces.
const attrValue = text.map((s) => s.trim())
const attrs = fc.uniqueArray(
  fc.tuple(fc.constantFrom('href', 'type', 'xml:lang', 'rel'), attrValue),
  {
    maxLength: 3,
    selector: ([k]) => k,
  },
)

interface Node {
  name: string
  attrs: Array<[string, string]>
  children: Array<Node | string>
  selfClosing: boolean
}

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record({
    name,
    attrs,
    children: fc.array(
      fc.oneof(
        { maxDepth: 5, depthIdentifier: 'tree' },
        { weight: 2, arbitrary: text },
        { weight: 2, arbitrary: tie('node') },
        { weight: 1, arbitrary: entity },
        // fast-xml-parser keeps a CDATA section's outer spaces; the builder trims the element's
        // whole text (adapters normalise spaces anyway): sections are generated without them.
        { weight: 1, arbitrary: attrValue.map((t) => `<![CDATA[${t || 'x'}]]>`) },
        { weight: 1, arbitrary: fc.constant('<!-- note -->') },
      ),
      { maxLength: 4, depthIdentifier: 'tree' },
    ),
    selfClosing: fc.boolean(),
  }),
}))

function serialize(n: Node): string {
  // Single and double quotes alternate (values never hold `"`; `'` forces double quotes).
  const quote = (v: string, i: number) => (i % 2 && !v.includes("'") ? `'${v}'` : `"${v}"`)
  const a = n.attrs.map(([k, v], i) => ` ${k}=${quote(v, i)}`).join('')
  if (n.selfClosing && n.children.length === 0) return `<${n.name}${a}/>`
  const inner = n.children.map((c) => (typeof c === 'string' ? c : serialize(c))).join('')
  return `<${n.name}${a}>${inner}</${n.name}>`
}

/**
 * Documents both readers can be held to. fast-xml-parser trims each text run separately, so where
 * text is split by an element or a CDATA section it glues the words (`A <![CDATA[x]]>` → `Ax`)
 * while the builder keeps the space (`A x`, the XML reading). Those shapes are left out: text on
 * both sides of an element, or a CDATA section beside other text.
 */
function unambiguous(n: Node): boolean {
  const texts = n.children.filter((c) => typeof c === 'string' && !c.startsWith('<!--'))
  const kinds = n.children
    .filter((c) => typeof c !== 'string' || !c.startsWith('<!--'))
    .map((c) => (typeof c === 'string' ? 't' : 'e'))
    .join('')
  const cdata = texts.some((t) => (t as string).startsWith('<![CDATA['))
  if (/t.*e.*t/.test(kinds) || (cdata && texts.length > 1)) return false
  return n.children.every((c) => typeof c === 'string' || unambiguous(c))
}

describe('tree builder vs fast-xml-parser', () => {
  it('reads every generated well-formed document as the library does', () => {
    const stats: TreeStats = { misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 }
    let runs = 0
    fc.assert(
      fc.property(node.filter(unambiguous), (root) => {
        const doc = `<?xml version="1.0"?>\n${serialize(root)}`
        const ours = buildTree(
          doc,
          { stop: new Set(), noSelfNesting: new Set(), maxDepth: 1000 },
          stats,
        )
        runs++
        expect(JSON.parse(JSON.stringify(ours))).toEqual(library.parse(doc))
      }),
      { numRuns: 500, seed: 13 },
    )
    expect(runs).toBe(500)
    expect(stats).toEqual({ misnested: 0, stray: 0, unclosed: 0, tooDeep: 0 })
  })
})
