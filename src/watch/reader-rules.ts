// Switches for the reader rules of issue #16, each stated with examples in
// docs/query-language.md: English contractions and numeric ranges have no solid form
// (tokenize.ts), German items take a query word's other German spelling (evaluate.ts), and Latin
// and Cyrillic words meet by the keys of their stems (compile.ts, presearcher.ts), and Latin
// words are also read as French and German write Russian and Ukrainian names, and across scripts
// the keys erase ISO 9's, Belarusian and Ukrainian spellings (crossSpellings: transliterate.ts).
// All are on, always, in the Worker. They are switches only so that bench/watch-rules.bench.ts
// can count the matches each rule adds and removes, which is how a rule that costs more
// precision than it brings in recall shows.

export interface ReaderRules {
  contractions: boolean
  numericRanges: boolean
  germanSpellings: boolean
  crossScriptStems: boolean
  readings: boolean
  crossSpellings: boolean
}

export const readerRules: ReaderRules = {
  contractions: true,
  numericRanges: true,
  germanSpellings: true,
  crossScriptStems: true,
  readings: true,
  crossSpellings: true,
}
