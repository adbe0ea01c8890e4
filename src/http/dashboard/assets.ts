// The dashboard's only static files: one small stylesheet and one small script, served from the
// Worker (no build step) under the strict Content-Security-Policy ('self' only, nothing inline).
// The script is progressive enhancement: every page works without it; with it, the watch editor
// previews as you type.

/** Readable on a phone (one column below 40rem); text contrast at least 7:1 on white (WCAG AAA). */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #45454d; --line: #d6d6de; --accent: #0b4fa8;
  --ok: #0f5d2b; --ok-bg: #dcf3e3; --bad: #8f1111; --bad-bg: #fde4e4; --warn-bg: #fff2c4 }
* { box-sizing: border-box }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: var(--ink); background: #fff }
a { color: var(--accent) }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px }
.skip { position: absolute; left: -999px } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem }
header { border-bottom: 1px solid var(--line); padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center }
header .brand { font-weight: 700; text-decoration: none; color: var(--ink) }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0 }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px }
main { max-width: 64rem; margin: 0 auto; padding: 1rem }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem }
table { border-collapse: collapse; width: 100%; font-size: .95rem }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top }
th { color: var(--muted) }
.table-wrap { overflow-x: auto }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-weight: 600; font-size: .9rem }
.ok { background: var(--ok-bg); color: var(--ok) } .error, .stalled, .dead, .disabled { background: var(--bad-bg); color: var(--bad) }
.pending, .idle, .degraded, .retry { background: var(--warn-bg); color: var(--ink) }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem }
.card strong { display: block; font-size: 1.5rem }
form.stack { display: grid; gap: .75rem; max-width: 40rem }
label { font-weight: 600; display: block }
input[type=text], input[type=url], input[type=password], input[type=email], select, textarea {
  font: inherit; width: 100%; padding: .45rem; border: 1px solid #6b6b75; border-radius: .3rem }
textarea { min-height: 5rem; font-family: ui-monospace, monospace }
button { font: inherit; padding: .4rem .9rem; border-radius: .3rem; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer }
button.secondary { background: #fff; color: var(--accent) }
.inline { display: inline }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 0 }
.message { border-left: 4px solid var(--ok); background: var(--ok-bg); padding: .5rem .75rem }
.message.bad { border-color: var(--bad); background: var(--bad-bg) }
mark { background: #ffe066; color: var(--ink) } mark.err { background: var(--bad); color: #fff }
.query-error code { white-space: pre-wrap }
fieldset { border: 1px solid var(--line); border-radius: .3rem }
@media (max-width: 40rem) { th, td { padding: .3rem } header { padding: .5rem } }
`

/**
 * Live preview: the watch editor's query field posts the form to the preview route (same origin,
 * the session cookie and the form's CSRF token) at most every PREVIEW_DELAY_MS while typing, and
 * shows the answer in the polite live region.
 */
export const SCRIPT = `
(() => {
  const PREVIEW_DELAY_MS = 400
  const form = document.querySelector('form[data-preview]')
  if (!form) return
  const out = document.getElementById('preview')
  let timer, seq = 0
  const run = async () => {
    const mine = ++seq
    const res = await fetch(form.dataset.preview, { method: 'POST', body: new FormData(form),
      headers: { 'x-fragment': '1' }, credentials: 'same-origin' })
    if (mine === seq) out.innerHTML = await res.text()
  }
  form.querySelector('textarea[name=query]').addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(run, PREVIEW_DELAY_MS)
  })
})()
`
