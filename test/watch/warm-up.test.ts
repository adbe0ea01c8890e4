// The start-up warm-up (src/watch/warm-up.ts, src/startup.ts): it must reach every query shape and
// option (else the code a tick runs is not the code warmed), leave no word behind (the first real
// item meets its words for the first time), change no answer, including an index's held across
// it, and never keep the Worker from starting.
import { describe, expect, it } from 'vitest'
import { compileWatchIndex, matchItem, type WatchIndex } from '../../src/watch'
import type { MatchInput } from '../../src/watch'
import { buildIndexSnapshot, loadIndexSnapshot } from '../../src/watch/snapshot'
import { stemWord } from '../../src/watch/stem'
import { normalizeWord } from '../../src/watch/normalize'
import { transliterationKey } from '../../src/watch/transliterate'
import { lexicon } from '../../src/watch/word'
import { forgetVocabulary, vocabularyHeld, warmUpMatcher } from '../../src/watch/warm-up'
import { warmUpIsolate } from '../../src/startup'
import { prng } from '../support/prng'
import { generator } from './property-generators'

function answers(index: WatchIndex, items: MatchInput[]) {
  return items.map((item) => matchItem(index, item))
}

describe('warmUpMatcher', () => {
  it('compiles every watch and matches every query shape and option', () => {
    const report = warmUpMatcher()
    expect(report.errors).toBe(0)
    expect(report.watches).toBeGreaterThanOrEqual(100)
    expect(report.unmatched).toEqual([])
    expect(report.alerts).toBeGreaterThan(report.articles)
  })

  it('leaves no word in the lexicon or the memos', () => {
    // Fill every cache first, so that an empty one after says the warm-up emptied it.
    matchItem(compileWatchIndex([{ id: 'a', query: 'belgorod', options: { stem: true } }]), {
      title: 'Белгород sous les frappes',
      summary: '',
      content: 'Schöne Grüße',
      categories: [],
      lang: 'fr',
      feedId: 'f',
      feedTags: [],
    })
    normalizeWord('Grüße')
    transliterationKey('белгород')
    stemWord('frappes', 'fr')
    expect(vocabularyHeld()).toBeGreaterThan(0)
    warmUpMatcher()
    expect(vocabularyHeld()).toBe(0)
    expect(lexicon.size).toBe(0)
  })

  it('changes no answer: a new index and one held across it match as before', () => {
    for (const seed of [1, 2, 3]) {
      const gen = generator(prng(seed))
      const watches = Array.from({ length: 60 }, (_, i) => gen.watch(i))
      const items = Array.from({ length: 120 }, () => gen.item())
      const held = loadIndexSnapshot(buildIndexSnapshot(watches, 1), 1)
      forgetVocabulary()
      const before = answers(compileWatchIndex(watches), items)
      expect(answers(held, items)).toEqual(before)
      warmUpMatcher()
      expect(answers(held, items)).toEqual(before)
      warmUpMatcher()
      expect(answers(compileWatchIndex(watches), items)).toEqual(before)
      expect(answers(loadIndexSnapshot(buildIndexSnapshot(watches, 1), 1), items)).toEqual(before)
    }
  })
})

describe('warmUpIsolate', () => {
  it('logs a failed warm-up and lets the isolate start', () => {
    const logged: string[] = []
    let after = 0
    const failing = () => {
      throw new RangeError('gate words run past')
    }
    expect(() => warmUpIsolate([failing, () => after++], (m) => logged.push(m))).not.toThrow()
    expect(logged).toEqual([
      'feedwatch: a start-up warm-up failed (gate words run past); this isolate starts without it',
    ])
    // One failing warm-up does not keep the next from running.
    expect(after).toBe(1)
  })

  it('runs the reader and matcher warm-ups by default and logs nothing when they succeed', () => {
    const logged: string[] = []
    transliterationKey('харків')
    warmUpIsolate(undefined, (m) => logged.push(m))
    expect(logged).toEqual([])
    expect(vocabularyHeld()).toBe(0)
  })
})
