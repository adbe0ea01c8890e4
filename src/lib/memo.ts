// A memo for pure string functions over words (folding, stems, transliteration keys), which news
// vocabularies call again and again with the same words. Bounded so a long-lived isolate cannot
// grow it without limit: when full it is emptied, which costs the next few items a recompute.

/** A memoised function, which can be emptied (`clear`) and says how many entries it holds. */
export interface BoundedMemo {
  (key: string): string
  clear(): void
  readonly size: number
}

/** `compute`, memoised in a Map of at most `limit` entries. */
export function boundedMemo(limit: number, compute: (key: string) => string): BoundedMemo {
  const memo = new Map<string, string>()
  const memoised = (key: string): string => {
    let value = memo.get(key)
    if (value === undefined) {
      value = compute(key)
      if (memo.size >= limit) memo.clear()
      memo.set(key, value)
    }
    return value
  }
  return Object.defineProperties(memoised, {
    clear: { value: () => memo.clear() },
    size: { get: () => memo.size },
  }) as BoundedMemo
}
