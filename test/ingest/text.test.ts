// Entities and HTML → text: every named and numeric reference decoded, markup reduced to words.
import { describe, expect, it } from 'vitest'
import { htmlToText } from '../../src/ingest'
import { decodeEntities, lookupEntity } from '../../src/ingest/entities'
import { normalizeSpace } from '../../src/ingest/html-text'

describe('decodeEntities', () => {
  it.each([
    ['XML’s five', '&lt;&gt;&amp;&quot;&apos;', '<>&"\''],
    ['Latin-1 names', '&eacute;&Eacute;&ccedil;&szlig;&ntilde;&uuml;', 'éÉçßñü'],
    ['typographic names', '&rsquo;&lsquo;&ldquo;&rdquo;&ndash;&mdash;&hellip;&bull;', '’‘“”–—…•'],
    ['spaces', 'a&nbsp;b&thinsp;c', 'a\u00a0b\u2009c'],
    ['symbols', '&euro;&copy;&reg;&trade;&deg;&frac12;', '€©®™°½'],
    ['Greek and maths', '&alpha;&Omega;&le;&ne;&infin;', 'αΩ≤≠∞'],
    ['Central European', '&Scaron;&zcaron;&lstrok;&Cacute;', 'Šžłć'.replace('ć', 'Ć')],
    ['decimal', '&#233;&#8217;&#128512;', 'é’😀'],
    ['hexadecimal', '&#xE9;&#X2019;&#x1F600;', 'é’😀'],
    ['windows-1252 C1 remap', '&#150;&#147;&#148;&#128;', '–“”€'],
    ['invalid code points', '&#0;&#xD800;&#x110000;', '\ufffd\ufffd\ufffd'],
    ['legacy names without ;', '&copy 2024 &amp more', '© 2024 & more'],
    ['but not inside a URL query', '?a=1&copy=2', '?a=1&copy=2'],
    ['unknown names stay', '&notanentity; &foo', '&notanentity; &foo'],
    ['a lone ampersand', 'Fish & chips', 'Fish & chips'],
    ['no double decoding', '&amp;eacute;', '&eacute;'],
  ])('decodes %s', (_name, input, expected) => {
    expect(decodeEntities(input)).toBe(expected)
  })

  it.each([
    ['HTML 4', 'hellip', '…'],
    ['HTML 4 symbols', 'hearts', '♥'],
    ['HTML5 mathematics', 'NotNestedGreaterGreater', '⪢̸'],
    ['HTML5 arrows', 'LeftArrowRightArrow', '⇆'],
    ['HTML5 letters', 'Bopf', '𝔹'],
    ['HTML5 punctuation', 'lbrack', '['],
  ])('knows every name of the WHATWG table (%s: %s)', (_set, name, expected) => {
    expect(lookupEntity(name)).toBe(expected)
    expect(decodeEntities(`a &${name}; b`)).toBe(`a ${expected} b`)
  })

  it('reports an unescaped ampersand, not a reference', () => {
    const bare = { bare: false }
    decodeEntities('Fish & chips', bare)
    const ref = { bare: false }
    decodeEntities('a &amp; b &#233; &Bopf;', ref)
    expect([bare.bare, ref.bare]).toEqual([true, false])
  })
})

describe('htmlToText', () => {
  it.each([
    ['strips tags', '<p>Hello <b>world</b></p>', 'Hello world'],
    ['keeps inline tags from splitting words', 'Hel<b>lo</b> w<i>or</i>ld', 'Hello world'],
    [
      'separates block elements',
      '<p>one</p><p>two</p><li>three</li>two<br>lines',
      'one two three two lines',
    ],
    [
      'drops script and style content',
      'a<script>var x = "<p>";</script>b<STYLE>p{}</STYLE>c',
      'a b c',
    ],
    ['drops comments', 'a<!-- hidden <b> -->b', 'ab'],
    ['reads CDATA inside HTML', 'a <![CDATA[b & c]]> d', 'a b & c d'],
    ['keeps a literal less-than sign', 'a < b and 3<4', 'a < b and 3<4'],
    [
      'decodes entities after stripping, once',
      '&lt;p&gt; is a tag &amp;amp;',
      '<p> is a tag &amp;',
    ],
    ['normalises whitespace including NBSP', '  a \n\t b&nbsp;&nbsp;c  ', 'a b c'],
    ['drops a tag cut off at the end', 'text <a href="x', 'text'],
    [
      'reads a > inside a quoted attribute as part of the tag',
      '<a title="x > y" href=\'/\'>link</a>',
      'link',
    ],
    ['plain text passes through', 'just text', 'just text'],
    [
      'keeps text after an object',
      '<object data="x.swf">Fallback</object> after',
      'Fallback after',
    ],
    ['keeps text after an unclosed iframe', 'a <iframe src="/v"> b <p>c</p>', 'a b c'],
    ['keeps text after an embed', 'a <embed src="x.swf"> b', 'a b'],
    [
      'reads inline SVG titles',
      'a <svg><title>Chart of Belgorod</title><path d="M0"/></svg> b',
      'a Chart of Belgorod b',
    ],
    ['keeps text after an unknown element', 'a <x-widget>w</x-widget> b <unknown/> c', 'a w b c'],
    ['keeps text after an unclosed script', 'a <script>b', 'a b'],
    ['keeps text that starts with <!', '<!Breaking news: Belgorod', '<!Breaking news: Belgorod'],
    ['keeps text after an unterminated comment', 'a <!-- b', 'a <!-- b'],
    ['drops a DOCTYPE', '<!DOCTYPE html><p>a</p>', 'a'],
  ])('%s', (_name, input, expected) => {
    expect(htmlToText(input)).toBe(expected)
  })

  it('normalises every Unicode space and trims', () => {
    expect(normalizeSpace('\u2003a\u00a0\u00a0b\u3000 c\r\n')).toBe('a b c')
  })
})
