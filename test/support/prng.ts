// The seeded PRNG the tests and benchmarks draw from (src/lib/prng.ts).
export { prng } from '../../src/lib/prng'
