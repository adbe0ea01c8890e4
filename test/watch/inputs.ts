// Building MatchInput values for watch tests: every field present, overridable.
import type { MatchInput } from '../../src/watch'

export function matchInput(
  fields: Partial<MatchInput>,
  base: Pick<MatchInput, 'feedId' | 'feedTags'> = { feedId: 'f', feedTags: [] },
): MatchInput {
  return { title: '', summary: '', content: '', categories: [], ...base, ...fields }
}
