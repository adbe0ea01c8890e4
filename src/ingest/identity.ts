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

/**
 * What identity needs of an item before its text is read: its id, and its canonical link asked
 * for only when the id is no identity (absent or shared) — resolving and canonicalising a URL is
 * most of what planning costs, and most items have an id of their own.
 */
export interface Ident {
  id?: string
  canonicalUrl?: () => string | undefined
}

/**
 * The keys of one document's items, planned from every item's identity (cheap: no text read) so
 * items can then be keyed one at a time in any order — newest first, stopping early. Same rules
 * as reading them all: an id shared by several items falls back to the link; a key (id or link)
 * shared by several items falls back to the content hash; an item whose key was already given is
 * a duplicate and is dropped.
 */
export class KeyPlan {
  private readonly planned: Array<string | undefined>
  private readonly count = new Map<string, number>()
  private readonly given = new Set<string>()
  /** Items sharing an id with another item. */
  readonly sharedIds: number
  /** Items dropped as duplicates so far. */
  dropped = 0

  /**
   * `ident(i)` is item i's identity, asked once per item for its id, and again for the items whose
   * id is no identity (for their link): no identity is held for the whole document at once.
   */
  constructor(count: number, ident: (index: number) => Ident) {
    const ids: Array<string | undefined> = []
    const idCount = new Map<string, number>()
    for (let i = 0; i < count; i++) {
      const id = ident(i).id
      ids.push(id)
      if (id) idCount.set(id, (idCount.get(id) ?? 0) + 1)
    }
    let shared = 0
    this.planned = ids.map((id, i) => {
      if (id && idCount.get(id) === 1) return shortKey('g', id)
      if (id) shared++
      const url = ident(i).canonicalUrl?.()
      return url ? shortKey('u', url) : undefined
    })
    this.sharedIds = shared
    for (const k of this.planned) if (k) this.count.set(k, (this.count.get(k) ?? 0) + 1)
  }

  /** The key of item `index` (read as `item`), or undefined when it duplicates one already given. */
  key(index: number, item: KeylessItem): string | undefined {
    const planned = this.planned[index]
    const key = planned && this.count.get(planned) === 1 ? planned : contentKey(item)
    if (this.given.has(key)) {
      this.dropped++
      return undefined
    }
    this.given.add(key)
    return key
  }

  /** The warnings a whole document's keys give. */
  warnings(): string[] {
    const out: string[] = []
    if (this.sharedIds) {
      out.push(`${this.sharedIds} items share an id with another item; keyed by link or content`)
    }
    if (this.dropped) out.push(`${this.dropped} duplicate items dropped`)
    return out
  }
}

/**
 * A keyed item: the key is set and the publisher's raw id removed (it stays, resolved, as `guid`),
 * in place — copying the item would read (and so compute) its lazy contentHtml.
 */
export function keyed(key: string, item: KeylessItem): ParsedItem {
  const out = item as KeylessItem & { key?: string }
  delete out.id
  out.key = key
  return out as ParsedItem
}
