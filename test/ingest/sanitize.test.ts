// The allowlist sanitiser behind ParsedItem.contentHtml: what survives, what is dropped, and the
// classic injection vectors, each rendered harmless.
import { describe, expect, it } from 'vitest'
import { parseFeed } from '../../src/ingest'
import { sanitizeHtml } from '../../src/ingest/sanitize-html'
import type { ParsedItem } from '../../src/model'

const base = 'https://news.example/section/'

describe('sanitizeHtml', () => {
  it.each([
    [
      'keeps structure and inline markup',
      '<p>a <b>b</b> <em>c</em></p><ul><li>d</li></ul>',
      '<p>a <b>b</b> <em>c</em></p><ul><li>d</li></ul>',
    ],
    [
      'makes links and images absolute',
      '<a href="../x?a=1&amp;b=2">x</a><img src="i.png" alt="A">',
      '<a href="https://news.example/x?a=1&amp;b=2">x</a><img src="https://news.example/section/i.png" alt="A">',
    ],
    [
      'drops unknown elements but keeps their text',
      '<x-card><font color=red>text</font></x-card>',
      'text',
    ],
    [
      'drops script, style and template with their content',
      'a<script>evil()</script>b<style>p{}</style>c<template><p>t</p></template>d',
      'abcd',
    ],
    ['drops comments and DOCTYPEs', '<!DOCTYPE html><!-- c -->a', 'a'],
    ['escapes a literal less-than sign', 'a < b and 3<4', 'a &lt; b and 3&lt;4'],
    ['escapes CDATA text', '<![CDATA[<b>x</b>]]>', '&lt;b&gt;x&lt;/b&gt;'],
    ['closes elements left open', '<p><b>bold', '<p><b>bold</b></p>'],
    ['drops stray close tags', 'a</p></div>b', 'ab'],
    ['closes intermediates on a mis-nested close', '<p><b>x</p>y', '<p><b>x</b></p>y'],
    ['keeps text after an unclosed script', 'a<script>b', 'ab'],
    [
      'writes void elements once',
      '<br/><hr><img src="/a.png"/>',
      '<br><hr><img src="https://news.example/a.png">',
    ],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeHtml(input, base)).toBe(expected)
  })

  it.each([
    ['javascript: link', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: link', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    ['whitespace-obfuscated javascript:', '<a href=" java\tscript:alert(1)">x</a>', '<a>x</a>'],
    ['data: image', '<img src="data:image/svg+xml,<svg onload=alert(1)>">', '<img>'],
    ['event handler', '<p onclick="alert(1)" onmouseover=alert(1)>x</p>', '<p>x</p>'],
    ['style attribute', '<p style="background:url(javascript:alert(1))">x</p>', '<p>x</p>'],
    ['svg onload', '<svg onload="alert(1)"><circle/></svg>x', 'x'],
    ['iframe', '<iframe src="https://evil.example/"></iframe>x', 'x'],
    [
      'attribute breaking out of quotes',
      "<a title='\"><script>alert(1)</script>'>x</a>",
      '<a title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    ],
    ['upper-case script', '<SCRIPT>alert(1)</SCRIPT>x', 'x'],
    ['a tag cut off at the end', 'x<img src="a" onerror="alert(1)', 'x'],
    ['form and input', '<form action="https://evil.example/"><input name=p></form>x', 'x'],
  ])('neutralises %s', (_name, input, expected) => {
    const out = sanitizeHtml(input, base)
    expect(out).toBe(expected)
    expect(out).not.toMatch(/<(?:script|svg|iframe|form|input)|\son\w+=|javascript:/i)
  })
})

describe('ParsedItem.contentHtml', () => {
  const body =
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>' +
    '<link>https://news.example/</link><item><guid>1</guid><title>T</title>' +
    '<content:encoded><![CDATA[<p onclick="x()">Hi <a href="/a">there</a></p>]]></content:encoded>' +
    '</item></channel></rss>'
  const expected = '<p>Hi <a href="https://news.example/a">there</a></p>'

  it.each([
    ['read directly', (item: ParsedItem) => item.contentHtml],
    [
      'serialised as JSON',
      (item: ParsedItem) => (JSON.parse(JSON.stringify(item)) as ParsedItem).contentHtml,
    ],
    ['structured-cloned (queues)', (item: ParsedItem) => structuredClone(item).contentHtml],
    ['spread into another object', (item: ParsedItem) => ({ ...item }).contentHtml],
  ])('is plain data when %s', (_how, read) => {
    const [item] = parseFeed(body, { url: 'https://news.example/feed' }).items
    expect(read(item!)).toBe(expected)
    expect(Object.keys(item!)).toContain('contentHtml')
  })
})
