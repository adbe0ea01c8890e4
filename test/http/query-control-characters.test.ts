// Issue #9, finding 1, through the Worker's own front door: a query holding a control character
// made the query lexer loop until the isolate's heap was exhausted (a 500 after ~50 s, then a
// restart). Each request here must be answered at once, 200 or 400, never 5xx and never a hang.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN } from '../support/worker'

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await exports.default.fetch(
    new Request(`https://feedwatch.test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )
  return { status: res.status, json: await res.json() }
}

const ITEM = {
  title: 'Sommet de l’Otan à Bruxelles',
  summary: 'Les alliés de l’OTAN se réunissent.',
}

describe('POST /api/preview with control characters in the query', () => {
  it.each([
    ['U+0001 after a word', 'otan\u0001'],
    ['U+0000 after a word', 'otan\u0000'],
    ['U+001F between words', 'sommet\u001fotan'],
    ['U+0008 inside a group', '(otan\u0008)'],
    ['U+007F after a field value', 'title:otan\u007f'],
  ])('%s: 200, matching as if it were a space', async (_name, query) => {
    const res = await post('/api/preview', { query, items: [ITEM] })
    expect(res.status).toBe(200)
    expect(res.json.results[0].matched).toBe(true)
  })

  it.each([
    ['only control characters', '\u0001\u0002\u0003', 0],
    ['a minus sign before a control character', 'otan -\u0001x', 5],
  ])('%s: 400 with the position', async (_name, query, position) => {
    const res = await post('/api/preview', { query, items: [ITEM] })
    expect(res.status).toBe(400)
    expect(res.json.error.position).toBe(position)
  })

  it('a watch with a control character is created, not a crash', async () => {
    const destination = await post('/api/destinations', {
      id: 'receiver',
      name: 'receiver',
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
    })
    expect(destination.status).toBe(201)
    const res = await post('/api/watches', {
      name: 'control',
      query: 'otan\u0001',
      destinations: ['receiver'],
    })
    expect(res.json.error?.message).toBeUndefined()
    expect(res.status).toBe(201)
    expect(res.json.watch.query).toBe('otan\u0001')
  })
})
