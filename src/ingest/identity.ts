// Item identity: the stable key a feed's item keeps from poll to poll, kept short because
// thousands live in one KV shard document. Rules, in order:
//   1. the publisher's id (RSS guid, Atom id, JSON Feed id, RDF rdf:about)   → `g:<id>`
//   2. the canonical link (see url.ts)                                       → `u:<url>`
//   3. a hash of title + date + first enclosure URL                          → `h:<hash>`
// A key longer than MAX_KEY_LENGTH is replaced by its prefix and a 64-bit hash (`gh:`, `uh:`), so
// the prefixes never collide. An id shared by several items of one document (a broken CMS) is
// not an identity: those items fall back to rule 2 or 3 and a warning says so. Items that are
// indistinguishable by every rule are duplicates and are dropped, with a warning.
// Not responsible for cross-feed story identity (the monitor compares canonical URLs and titles).
import type { ParsedItem } from '../model'
import { hash64 } from './hash'

/** Longest key stored as written; longer ones are hashed. */
export const MAX_KEY_LENGTH = 64

function shortKey(prefix: string, value: string): string {
  const key = `${prefix}:${value}`
  return key.length <= MAX_KEY_LENGTH ? key : `${prefix}h:${hash64(value)}`
}

/** An item before its key is assigned, plus the publisher's id when there was one. */
export type KeylessItem = Omit<ParsedItem, 'key'> & { id?: string }

function contentKey(item: KeylessItem): string {
  const date = item.published ?? item.updated ?? ''
  const enclosure = item.enclosures[0]?.url ?? ''
  // Untitled items (RSS 0.92 allows them) are told apart by the start of their text.
  const text = item.title ? '' : item.summary.slice(0, 200)
  return `h:${hash64([item.title, date, enclosure, text].join('\u0000'))}`
}

function fallbackKey(item: KeylessItem): string {
  return item.canonicalUrl ? shortKey('u', item.canonicalUrl) : contentKey(item)
}

/** Assign keys to a document's items, in place of their ids. */
export function assignKeys(items: KeylessItem[], warnings: string[]): ParsedItem[] {
  const idCount = new Map<string, number>()
  for (const it of items) if (it.id) idCount.set(it.id, (idCount.get(it.id) ?? 0) + 1)
  let shared = 0
  const keyed: ParsedItem[] = []
  for (const it of items) {
    const { id, ...rest } = it
    let key: string
    if (id && idCount.get(id) === 1) key = shortKey('g', id)
    else {
      if (id) shared++
      key = fallbackKey(it)
    }
    keyed.push({ key, ...rest })
  }
  if (shared)
    warnings.push(`${shared} items share an id with another item; keyed by link or content`)
  // Second pass: links shared by several items (one URL for a whole feed) fall back to content.
  const keyCount = new Map<string, number>()
  for (const it of keyed) keyCount.set(it.key, (keyCount.get(it.key) ?? 0) + 1)
  const seen = new Set<string>()
  const out: ParsedItem[] = []
  let dropped = 0
  for (let k = 0; k < keyed.length; k++) {
    const it = keyed[k]!
    if (keyCount.get(it.key)! > 1 && !it.key.startsWith('h:')) it.key = contentKey(items[k]!)
    if (seen.has(it.key)) {
      dropped++
      continue
    }
    seen.add(it.key)
    out.push(it)
  }
  if (dropped) warnings.push(`${dropped} duplicate items dropped`)
  return out
}
