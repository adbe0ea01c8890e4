#!/usr/bin/env node
// The Feedwatch CLI: keeps the configuration of a running instance in a local JSON or YAML file
// ("watches as code") and tries queries on its feeds, through the instance's API (docs/api.md):
//   feedwatch pull [file]          write the instance's configuration to the file
//   feedwatch diff [file]          show what pushing the file would change (PUT ?dryRun=true)
//   feedwatch push [file]          replace the instance's configuration with the file
//   feedwatch test-query <query> [--items file]   try a query on the feeds' current items (or on
//                                  items from a JSON/YAML file) and print the matches
// The instance and its token come from --url/--token or FEEDWATCH_URL/FEEDWATCH_TOKEN. Credentials
// never reach the file: the instance exports them as { set: true }, and pushing that keeps them.
// Not responsible for validating the document: the instance does, naming the field.
import { readFile, writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parseArgs } from 'node:util'
import YAML from 'yaml'

const DEFAULT_FILE = 'feedwatch.yaml'
const USAGE = `usage: feedwatch <command> [options]

commands:
  pull [file]                 write the instance's configuration to file (default ${DEFAULT_FILE})
  diff [file]                 show what push would change, change nothing
  push [file]                 replace the instance's configuration with file
  test-query <query>          try a query on the feeds' current items
      --items <file>          ... or on the items in a JSON or YAML file (a list)

options:
  --url <url>                 the instance (or FEEDWATCH_URL), e.g. https://feedwatch.example.workers.dev
  --token <token>             its ADMIN_TOKEN (or FEEDWATCH_TOKEN)
  -h, --help                  this help

A file ending in .json is JSON; any other is YAML.`

/** A refusal to report as one line on stderr, exit status 1. */
class CliError extends Error {}

const isJson = (file) => extname(file).toLowerCase() === '.json'

async function readDocument(file) {
  let text
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new CliError(`cannot read ${file}: ${cause.code ?? cause.message}`)
  }
  try {
    return isJson(file) ? JSON.parse(text) : YAML.parse(text)
  } catch (cause) {
    throw new CliError(`${file} is not valid ${isJson(file) ? 'JSON' : 'YAML'}: ${cause.message}`)
  }
}

function formatDocument(file, value) {
  return isJson(file) ? JSON.stringify(value, null, 2) + '\n' : YAML.stringify(value)
}

/** Calls the instance's API; answers its parsed JSON or throws its error message. */
async function call(target, method, path, body) {
  let res
  try {
    res = await fetch(new URL(path, target.url), {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (cause) {
    throw new CliError(`cannot reach ${target.url}: ${cause.cause?.code ?? cause.message}`)
  }
  const text = await res.text()
  let json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    throw new CliError(`${method} ${path}: HTTP ${res.status}, not a Feedwatch answer`)
  }
  if (!res.ok) {
    throw new CliError(`${method} ${path}: HTTP ${res.status}: ${json?.error?.message ?? text}`)
  }
  return json
}

function printDiff(diff, out) {
  if (diff.unchanged) {
    out('no changes')
    return
  }
  for (const collection of ['feeds', 'watches', 'destinations']) {
    const d = diff[collection]
    for (const id of d.added) out(`+ ${collection} ${id}`)
    for (const id of d.removed) out(`- ${collection} ${id}`)
    for (const { id, fields } of d.changed) out(`~ ${collection} ${id}: ${fields.join(', ')}`)
  }
}

/** `text` with each highlighted span in [brackets]. */
function mark(text, highlights) {
  let out = ''
  let at = 0
  for (const [start, end] of highlights) {
    out += text.slice(at, start) + '[' + text.slice(start, end) + ']'
    at = end
  }
  return out + text.slice(at)
}

async function run(argv, env, out) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      items: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, arg] = positionals
  if (values.help || !command) {
    out(USAGE)
    return values.help ? 0 : 1
  }
  const url = values.url ?? env.FEEDWATCH_URL
  const token = values.token ?? env.FEEDWATCH_TOKEN
  if (!url) throw new CliError('no instance: give --url or set FEEDWATCH_URL')
  if (!token) throw new CliError('no token: give --token or set FEEDWATCH_TOKEN')
  const target = { url, token }
  const file = arg ?? DEFAULT_FILE
  switch (command) {
    case 'pull': {
      const doc = await call(target, 'GET', '/api/config')
      await writeFile(file, formatDocument(file, doc))
      out(
        `wrote ${file}: ${doc.feeds.length} feeds, ${doc.watches.length} watches, ` +
          `${doc.destinations.length} destinations`,
      )
      return 0
    }
    case 'diff':
    case 'push': {
      const doc = await readDocument(file)
      const dryRun = command === 'diff'
      const result = await call(target, 'PUT', `/api/config${dryRun ? '?dryRun=true' : ''}`, doc)
      printDiff(result.diff, out)
      for (const [id, secret] of Object.entries(result.secrets ?? {})) {
        out(`destination ${id}: generated signing secret ${secret} (shown once: store it now)`)
      }
      if (!dryRun && !result.diff.unchanged) out('pushed')
      return 0
    }
    case 'test-query': {
      if (!arg) throw new CliError('test-query needs a query: feedwatch test-query "otan OR nato"')
      const items = values.items ? await readDocument(values.items) : undefined
      const answer = await call(target, 'POST', '/api/preview', { query: arg, items })
      const matched = answer.results
        .map((r, i) => ({ ...r, title: r.title ?? items?.[i]?.title ?? `item ${i + 1}` }))
        .filter((r) => r.matched)
      for (const r of matched) {
        out(`✓ ${r.title}${r.url ? `  <${r.url}>` : ''}`)
        if (r.snippet) out(`    ${mark(r.snippet, r.highlights)}`)
      }
      for (const e of answer.errors ?? []) out(`! feed ${e.feedId}: ${e.error}`)
      out(`${matched.length} of ${answer.results.length} items match`)
      return 0
    }
    default:
      throw new CliError(`unknown command ${command}\n${USAGE}`)
  }
}

try {
  process.exitCode = await run(process.argv.slice(2), process.env, (line) => console.log(line))
} catch (error) {
  if (!(error instanceof CliError) && error?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw error
  console.error(`feedwatch: ${error.message}`)
  process.exitCode = 1
}
