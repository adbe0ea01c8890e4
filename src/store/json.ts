// Reading and writing versioned JSON documents in KV. A document that fails to parse or carries an
// unknown schema is reported, never silently replaced: replacing it would lose the user's state.
import { ConfigError } from '../lib/errors'

export async function readJson<T extends { schema: number }>(
  kv: KVNamespace,
  key: string,
  schema: T['schema'],
): Promise<T | null> {
  const raw = await kv.get(key)
  return raw === null ? null : parseJsonDoc<T>(raw, key, schema)
}

/** A stored document's text, parsed and its schema number checked (readJson without the read). */
export function parseJsonDoc<T extends { schema: number }>(
  raw: string,
  key: string,
  schema: T['schema'],
): T {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (cause) {
    throw new ConfigError(key, 'stored document is not valid JSON', { cause })
  }
  const found = (value as { schema?: unknown } | null)?.schema
  if (found !== schema) {
    throw new ConfigError(key, `stored document has schema ${String(found)}, expected ${schema}`)
  }
  return value as T
}

export async function writeJson(
  kv: KVNamespace,
  key: string,
  value: unknown,
  options?: KVNamespacePutOptions,
): Promise<void> {
  await kv.put(key, JSON.stringify(value), options)
}
