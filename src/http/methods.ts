// 405 for a known path asked with a method it does not answer (RFC 9110, section 15.5.6), with the
// `Allow` header listing the methods it does answer. Hono itself answers 404 for both cases; this
// tells them apart from the routes the app registered. Not responsible for CORS preflights (the API
// has no browser clients).

interface RegisteredRoute {
  method: string
  path: string
}

/** A Hono route path (`/api/feeds/:id`) as a regular expression over request paths. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/')
  return new RegExp(`^${source}/?$`)
}

/** The methods `routes` answer on `path` (HEAD with GET, as Hono serves it); empty if none. */
export function allowedMethods(routes: readonly RegisteredRoute[], path: string): string[] {
  const methods = new Set<string>()
  for (const route of routes) {
    // Middleware is registered under ALL: it does not make a path answer anything.
    if (route.method === 'ALL' || !pathPattern(route.path).test(path)) continue
    methods.add(route.method)
    if (route.method === 'GET') methods.add('HEAD')
  }
  return [...methods].sort()
}
