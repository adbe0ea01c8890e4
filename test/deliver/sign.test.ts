import { describe, expect, it } from 'vitest'
import { generateSecret, isValidSecret, signWebhook } from '../../src/deliver/sign'

describe('Standard Webhooks signing', () => {
  it('matches the specification’s published example', async () => {
    // Example from the Standard Webhooks specification (and the Svix libraries' test suites).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
    const timestamp = 1614265330
    const body = '{"test": 2432232314}'
    expect(await signWebhook(secret, id, timestamp, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    )
  })

  it.each([
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    ['whsec_c2hvcnQ=', false],
    ['whsec_not base64!', false],
  ])('validates %s as %s', (secret, valid) => {
    expect(isValidSecret(secret)).toBe(valid)
  })

  it('generates valid, distinct secrets', () => {
    const a = generateSecret()
    expect(isValidSecret(a)).toBe(true)
    expect(generateSecret()).not.toBe(a)
  })
})
