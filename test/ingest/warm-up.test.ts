// The feed reader's start-up warm-up (src/ingest/warm-up.ts): each of its documents must be read
// as the family it stands for, every item of it, or the code a tick runs is not the code warmed.
import { describe, expect, it } from 'vitest'
import { warmUpIngest } from '../../src/ingest/warm-up'

describe('warmUpIngest', () => {
  it('reads RSS 2.0, RSS 1.0, Atom and JSON Feed documents, every item', () => {
    expect(warmUpIngest().documents).toEqual([
      { format: 'rss20', items: 8 },
      { format: 'rss10', items: 8 },
      { format: 'atom10', items: 8 },
      { format: 'json11', items: 8 },
    ])
  })
})
