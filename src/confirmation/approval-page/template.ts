import type { PersonQuestion } from "../person.js";

// The approval page: plain HTML and one stylesheet, no script and nothing from outside, so that it
// works with JavaScript off and under a Content-Security-Policy of `default-src 'none'`. Every
// text in it is escaped: the question holds names Woodpecker sent.

const STYLE = `
:root { color-scheme: light dark; --danger: #b42318; --ink: #1d2433; --muted: #5b6475;
  --line: #d8dde6; --paper: #ffffff; --wash: #f5f6f8; }
@media (prefers-color-scheme: dark) { :root { --ink: #e8ebf1; --muted: #a8b0bf;
  --line: #3a4150; --paper: #1b1f27; --wash: #12151b; --danger: #f97066; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--wash); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px;
  padding: 1.5rem; }
.banner { border-radius: 8px; padding: .6rem .9rem; margin-bottom: 1rem; font-weight: 600; }
.banner.sandbox { background: #e0ecff; color: #1d3f7a; }
.banner.dry-run { background: #fff4d6; color: #6b4b00; }
.source { color: var(--muted); font-size: .875rem; margin: 0 0 .75rem; }
h1 { font-size: 1.45rem; line-height: 1.3; margin: 0 0 1rem; overflow-wrap: anywhere; }
.irreversible { border-left: 4px solid var(--danger); padding: .5rem .9rem; margin: 0 0 1rem;
  color: var(--danger); font-weight: 700; }
.note { border: 1px solid var(--danger); border-radius: 8px; padding: .6rem .9rem;
  margin: 0 0 1rem; }
ul.items { list-style: none; margin: 0 0 1.25rem; padding: 0; border: 1px solid var(--line);
  border-radius: 8px; max-height: 22rem; overflow-y: auto; }
ul.items li { padding: .45rem .8rem; border-top: 1px solid var(--line);
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem;
  overflow-wrap: anywhere; }
ul.items li:first-child { border-top: 0; }
section.target h2 { font-size: 1rem; margin: 0 0 .4rem; overflow-wrap: anywhere; }
section.target ul.items { max-height: 12rem; }
label { display: block; font-weight: 600; margin-bottom: .4rem; }
input[type=text], input[type=password] { width: 100%; font: inherit; padding: .6rem .7rem; border-radius: 8px;
  border: 1px solid var(--line); background: var(--paper); color: var(--ink);
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; }
button { font: inherit; font-weight: 600; border-radius: 8px; padding: .65rem 1.2rem;
  cursor: pointer; border: 1px solid var(--line); background: var(--paper); color: var(--ink); }
button.delete { background: var(--danger); border-color: var(--danger); color: #fff; }
.done { font-size: 1.1rem; }
.account { color: var(--muted); margin: -.5rem 0 1rem; overflow-wrap: anywhere; }
.problem { color: var(--danger); font-weight: 600; margin: 0 0 .4rem; }
footer { color: var(--muted); font-size: .8rem; margin-top: 1rem; text-align: center; }
`;

export function questionPage(
  question: PersonQuestion,
  options: {
    nonce: string;
    styleNonce: string;
    account: string;
    problem?: string;
    /** Where the page is served, in the footer's words. */
    footer?: string | undefined;
  },
): string {
  const items = itemList(question.items);
  const sections = (question.sections ?? [])
    .map(
      (section) =>
        `<section class="target">\n<h2>${escape(section.heading)}</h2>\n${itemList(section.items)}\n</section>`,
    )
    .join("\n");
  return page(
    question.title,
    options.styleNonce,
    `${banners(question)}
<p class="source">An AI agent asked to delete this. Only you can confirm it.</p>
<h1>${escape(question.title)}</h1>
<p class="account">Account: ${escape(options.account)}</p>
<p class="irreversible">This cannot be undone.</p>
${question.note === undefined ? "" : `<p class="note">${escape(question.note)}</p>`}
<p>${escape(question.lead)}</p>
${items}
${sections}
<form method="post">
  <input type="hidden" name="nonce" value="${escape(options.nonce)}">
  <label for="confirmation">${escape(question.instruction)}</label>
  ${options.problem === undefined ? "" : `<p class="problem" id="problem">${escape(options.problem)}</p>`}
  <input type="text" id="confirmation" name="confirmation" autocomplete="off"
    autocapitalize="off" spellcheck="false" autofocus required
    ${options.problem === undefined ? "" : `aria-describedby="problem" `}placeholder="${escape(question.fieldTitle)}">
  <div class="actions">
    <button class="delete" type="submit" name="action" value="delete">Delete for good</button>
    <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
  </div>
</form>`,
    options.footer,
  );
}

/** The page once it is over: what came of the person's answer, in words. */
export function outcomePage(
  question: PersonQuestion,
  outcome: { ok: boolean; text: string },
  styleNonce: string,
  footer?: string,
): string {
  return page(
    question.title,
    styleNonce,
    `${banners(question)}
<h1>${escape(question.title)}</h1>
<p class="done ${outcome.ok ? "ok" : "not-done"}">${escape(outcome.text)}</p>
<p>You can close this tab.</p>`,
    footer,
  );
}

/** A page in this server's look: one stylesheet under `styleNonce`, no script. */
export function page(
  title: string,
  styleNonce: string,
  body: string,
  footer = "approval page on this computer only",
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style nonce="${escape(styleNonce)}">${STYLE}</style>
</head>
<body>
<main>
<div class="card">
${body}
</div>
<footer>woodpecker-mcp-destructive · ${escape(footer)}</footer>
</main>
</body>
</html>
`;
}

/** Every item, in full; none at all is no list. */
function itemList(items: readonly string[]): string {
  if (items.length === 0) return "";
  return `<ul class="items">\n${items.map((item) => `<li>${escape(item)}</li>`).join("\n")}\n</ul>`;
}

function banners(question: PersonQuestion): string {
  return question.banners
    .map(({ kind, text }) => `<p class="banner ${kind.replace("_", "-")}">${escape(text)}</p>`)
    .join("\n");
}

export function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );
}
