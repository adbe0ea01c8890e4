// The parser against feeds saved from real sites (issue #13): for each file of a local directory it
// runs parseFeed and prints one row — format, bytes, item elements counted by a plain regex beside
// items parsed, how many items carry each field, warnings, mojibake, cold and warm parse time —
// then a summary (items expected vs parsed, feeds with warnings, feeds with zero items and why,
// field coverage). Third-party feeds are never committed: the directory is filled by hand
// (FEEDWATCH_REAL_FEEDS, default /tmp/realfeeds; see docs/ingestion.md "Measured against real
// feeds"); when it is absent the bench says how to fill it and exits 0. Prints figures only; never
// fails on timing or on what the parser reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { ParsedItem } from '../src/model'
import { parseFeed, type ParseResult } from '../src/ingest'

const DIR = process.env.FEEDWATCH_REAL_FEEDS ?? '/tmp/realfeeds'
/** Set to a file name to print that feed's parsed items as JSON (for investigating one feed). */
const DUMP = process.env.FEEDWATCH_REAL_FEEDS_DUMP
/** Warm timing: runs per feed are capped by count and by time, so a large feed does not stall. */
const WARM_MAX_RUNS = 30
const WARM_MAX_MS = 400
/** Files that are not feeds: the manifest, and anything hidden or kept in a sub-directory. */
const SKIP = new Set(['manifest.json'])

interface ManifestEntry {
  file: string
  publisher?: string
  format?: string
  illFormed?: boolean
}

/**
 * Text that was decoded with the wrong table: UTF-8 read as windows-1252/Latin-1 (`Ã©`, `â€™`,
 * `Ð¾` for Cyrillic) or bytes the decoder could not map (U+FFFD).
 */
const MOJIBAKE =
  /Ã[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]|â€|Ð[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02dc]|Ñ[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02dc]|\ufffd/

const FIELDS = ['title', 'link', 'date', 'text', 'author', 'cats', 'id'] as const
type Field = (typeof FIELDS)[number]

const has: Record<Field, (i: ParsedItem) => boolean> = {
  title: (i) => i.title.trim() !== '',
  link: (i) => Boolean(i.url),
  date: (i) => Boolean(i.published ?? i.updated),
  text: (i) => i.content.trim() !== '' || i.summary.trim() !== '',
  author: (i) => Boolean(i.author),
  cats: (i) => i.categories.length > 0,
  id: (i) => Boolean(i.guid),
}

/**
 * Item elements as a plain regex sees them, independent of the parser: `<item>` / `<entry>` (any
 * case, any prefix) in XML — whichever the root calls for — or the length of a JSON `items` array.
 * Markup is ASCII in every encoding feeds use, so the bytes are read as Latin-1 for this count.
 */
function expectedItems(bytes: Uint8Array): { root: string; count: number | undefined } {
  const text = new TextDecoder('latin1').decode(bytes)
  const start = text.search(/\S/)
  if (text[start] === '{' || text.startsWith('\u00ef\u00bb\u00bf{', start)) {
    try {
      const json = JSON.parse(new TextDecoder().decode(bytes)) as { items?: unknown }
      return { root: 'json', count: Array.isArray(json.items) ? json.items.length : 0 }
    } catch {
      // Not JSON after all: counted as unknown, the row shows what parseFeed made of it.
      return { root: 'json?', count: undefined }
    }
  }
  const root = /<([A-Za-z][\w.-]*:)?(rss|rdf|feed)\b/i.exec(text)
  const local = root?.[2]?.toLowerCase() ?? '?'
  const element = local === 'feed' ? 'entry' : 'item'
  const re = new RegExp(`<(?:[A-Za-z][\\w.-]*:)?${element}[\\s>/]`, 'gi')
  return { root: local, count: text.match(re)?.length ?? 0 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const pad = (s: string | number, n: number) => String(s).padStart(n)
const padEnd = (s: string | number, n: number) => String(s).padEnd(n)

function feedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.startsWith('_') && !SKIP.has(f))
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
}

if (!existsSync(DIR) || feedFiles(DIR).length === 0) {
  console.log(`no real feeds in ${DIR}: nothing measured.
Fill it with feeds saved from real sites (never commit them: third-party content), e.g.
  mkdir -p ${DIR} && cp saved/*.xml saved/*.json ${DIR}/
optionally with ${DIR}/manifest.json: [{ "file", "repo", "path", "commit", "publisher", "format",
"illFormed" }], or point FEEDWATCH_REAL_FEEDS at another directory. Then: npm run bench real-feeds`)
  process.exit(0)
}

const manifest = new Map<string, ManifestEntry>()
if (existsSync(join(DIR, 'manifest.json'))) {
  const entries = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as ManifestEntry[]
  for (const e of entries) manifest.set(e.file, e)
}

interface Row {
  file: string
  format: string
  bytes: number
  expected: number | undefined
  parsed: number
  fields: Record<Field, number>
  warnings: string[]
  mojibake: number
  coldMs: number
  warmMs: number
  error?: string
}

const rows: Row[] = []
for (const file of feedFiles(DIR)) {
  const bytes = new Uint8Array(readFileSync(join(DIR, file)))
  const url = `https://real-feeds.invalid/${encodeURIComponent(file)}`
  const { count: expected } = expectedItems(bytes)
  const fields = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>
  let result: ParseResult
  const t0 = performance.now()
  try {
    result = parseFeed(bytes, { url })
  } catch (err) {
    rows.push({
      file,
      format: manifest.get(file)?.format ?? '?',
      bytes: bytes.length,
      expected,
      parsed: 0,
      fields,
      warnings: [],
      mojibake: 0,
      coldMs: performance.now() - t0,
      warmMs: 0,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    })
    continue
  }
  const coldMs = performance.now() - t0
  const warm: number[] = []
  const warmStart = performance.now()
  while (warm.length < WARM_MAX_RUNS && performance.now() - warmStart < WARM_MAX_MS) {
    const t = performance.now()
    parseFeed(bytes, { url })
    warm.push(performance.now() - t)
  }
  let mojibake = 0
  for (const item of result.items) {
    for (const f of FIELDS) if (has[f](item)) fields[f]++
    if (MOJIBAKE.test(`${item.title}\n${item.summary}\n${item.content}\n${item.author ?? ''}`)) {
      mojibake++
    }
  }
  if (MOJIBAKE.test(`${result.feed.title}\n${result.feed.description ?? ''}`)) mojibake++
  rows.push({
    file,
    format: result.feed.format,
    bytes: bytes.length,
    expected,
    parsed: result.items.length,
    fields,
    warnings: result.warnings,
    mojibake,
    coldMs,
    warmMs: median(warm),
  })
  if (DUMP === file) console.log(JSON.stringify(result, null, 2))
}

const nameWidth = Math.min(40, Math.max(...rows.map((r) => r.file.length)) + 1)
console.log(`${rows.length} feeds from ${DIR}`)
console.log(
  `${padEnd('file', nameWidth)}${padEnd('format', 8)}${pad('KB', 7)}${pad('exp', 5)}${pad('got', 5)}` +
    FIELDS.map((f) => pad(f, 7)).join('') +
    `${pad('warn', 5)}${pad('moji', 5)}${pad('cold ms', 9)}${pad('warm ms', 9)}`,
)
for (const r of rows) {
  const flag = r.error
    ? '  ERROR'
    : r.expected !== undefined && r.expected !== r.parsed
      ? '  ≠'
      : ''
  console.log(
    `${padEnd(r.file.slice(0, nameWidth - 1), nameWidth)}${padEnd(r.format, 8)}` +
      `${pad((r.bytes / 1024).toFixed(1), 7)}${pad(r.expected ?? '?', 5)}${pad(r.parsed, 5)}` +
      FIELDS.map((f) => pad(r.fields[f], 7)).join('') +
      `${pad(r.warnings.length, 5)}${pad(r.mojibake, 5)}${pad(r.coldMs.toFixed(2), 9)}` +
      `${pad(r.error ? '—' : r.warmMs.toFixed(2), 9)}${flag}`,
  )
}

console.log('\nwarnings and errors:')
for (const r of rows) {
  if (r.error) console.log(`  ${r.file}: ${r.error}`)
  for (const w of r.warnings) console.log(`  ${r.file}: ${w}`)
}

const read = rows.filter((r) => !r.error)
const expectedTotal = rows.reduce((n, r) => n + (r.expected ?? 0), 0)
const parsedTotal = rows.reduce((n, r) => n + r.parsed, 0)
const mismatched = rows.filter((r) => r.expected !== undefined && r.expected !== r.parsed)
const empty = rows.filter((r) => r.parsed === 0)
console.log(`\nsummary`)
console.log(`  feeds read: ${read.length} of ${rows.length} (${rows.length - read.length} errors)`)
console.log(
  `  items expected (regex) ${expectedTotal}, parsed ${parsedTotal}; feeds where they differ: ${mismatched.length}` +
    (mismatched.length
      ? ` (${mismatched.map((r) => `${r.file} ${r.expected}→${r.parsed}`).join(', ')})`
      : ''),
)
console.log(`  feeds with warnings: ${rows.filter((r) => r.warnings.length > 0).length}`)
console.log(`  feeds with mojibake in some item: ${rows.filter((r) => r.mojibake > 0).length}`)
console.log(`  feeds with zero items: ${empty.length}`)
for (const r of empty) {
  const reason =
    r.error ??
    r.warnings.find((w) => w.startsWith('no items')) ??
    (r.expected === 0 ? 'the document has no item elements' : 'no warning given (silent empty)')
  console.log(`    ${r.file}: ${reason}`)
}
const items = read.reduce((n, r) => n + r.parsed, 0)
if (items > 0) {
  console.log(
    `  field coverage over ${items} items: ` +
      FIELDS.map((f) => {
        const n = read.reduce((s, r) => s + r.fields[f], 0)
        return `${f} ${((100 * n) / items).toFixed(1)}%`
      }).join(', '),
  )
}
const warmTotal = read.reduce((s, r) => s + r.warmMs, 0)
const bytesTotal = read.reduce((s, r) => s + r.bytes, 0)
console.log(
  `  parse time: ${read.length} feeds, ${(bytesTotal / 1024).toFixed(0)} KB, warm total ${warmTotal.toFixed(1)} ms ` +
    `(${(bytesTotal / 1e6 / (warmTotal / 1000)).toFixed(1)} MB/s), median warm ${median(read.map((r) => r.warmMs)).toFixed(2)} ms, ` +
    `first parse of the process ${rows[0]?.coldMs.toFixed(1)} ms`,
)
