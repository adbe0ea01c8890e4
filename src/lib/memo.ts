// A memo for pure string functions over words (folding, stems, transliteration keys), which news
// vocabularies call again and again with the same words. Bounded so a long-lived isolate cannot
// grow it without limit: when full it is emptied, which costs the next few items a recompute.

/** `compute`, memoised in a Map of at most `limit` entries. */
export function boundedMemo(
  limit: number,
  compute: (key: string) => string,
): (key: string) => string {
  const memo = new Map<string, string>()
  return (key) => {
    let value = memo.get(key)
    if (value === undefined) {
      value = compute(key)
      if (memo.size >= limit) memo.clear()
      memo.set(key, value)
    }
    return value
  }
}
