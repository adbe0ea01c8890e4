/** @jsxImportSource hono/jsx */
// The dashboard's page frame and shared bits: landmarks (header, nav, main), a skip link, the
// message box, CSRF-carrying forms and highlighted snippets. Pure: data in, markup out; hono/jsx
// escapes every text and attribute value, so feed text is never markup.
import type { Child } from 'hono/jsx'

export const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/feeds', label: 'Feeds' },
  { path: '/watches', label: 'Watches' },
  { path: '/destinations', label: 'Destinations' },
  { path: '/deliveries', label: 'Deliveries' },
] as const

export interface Frame {
  title: string
  /** The nav entry of this page; absent on the sign-in page (no nav then). */
  current?: string
  csrf?: string
  message?: Message
}

export interface Message {
  text: string
  bad?: boolean
}

export function Layout(props: Frame & { children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Feedwatch`}</title>
        <link rel="stylesheet" href="/ui/app.css" />
        <script src="/ui/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <a class="brand" href="/">
            Feedwatch
          </a>
          {props.current !== undefined && (
            <nav aria-label="Main">
              <ul>
                {PAGES.map((p) => (
                  <li>
                    <a href={p.path} aria-current={p.path === props.current ? 'page' : undefined}>
                      {p.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {props.csrf !== undefined && (
            <PostForm action="/logout" csrf={props.csrf} class="inline">
              <button type="submit" class="secondary">
                Sign out
              </button>
            </PostForm>
          )}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.message && <MessageBox {...props.message} />}
          {props.children}
        </main>
      </body>
    </html>
  )
}

export function MessageBox({ text, bad }: Message) {
  return (
    <p class={bad ? 'message bad' : 'message'} role={bad ? 'alert' : 'status'}>
      {text}
    </p>
  )
}

/** A POST form carrying the session's CSRF token. */
export function PostForm(props: {
  action: string
  csrf: string
  class?: string
  id?: string
  'data-preview'?: string
  children?: Child
}) {
  const { csrf, children, ...attrs } = props
  return (
    <form method="post" {...attrs}>
      <input type="hidden" name="_csrf" value={csrf} />
      {children}
    </form>
  )
}

/** `text` with its `[start, end)` spans in <mark> (UTF-16 offsets, as the matcher gives them). */
export function Highlighted({ text, spans }: { text: string; spans: Array<[number, number]> }) {
  const parts: Child[] = []
  let at = 0
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > text.length) continue
    parts.push(text.slice(at, start), <mark>{text.slice(start, end)}</mark>)
    at = end
  }
  parts.push(text.slice(at))
  return <>{parts}</>
}

export function Badge({ value }: { value: string }) {
  return <span class={`badge ${value}`}>{value}</span>
}

/** An ISO time as "YYYY-MM-DD HH:MM UTC" in a <time> element; a dash when absent. */
export function Time({ iso }: { iso?: string }) {
  if (!iso) return <>–</>
  return <time datetime={iso}>{`${iso.slice(0, 16).replace('T', ' ')} UTC`}</time>
}

/** A scrollable data table with column headers (`scope="col"`, for screen readers). */
export const Table = (props: { head: string[]; children?: Child }) => (
  <div class="table-wrap">
    <table>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  </div>
)
