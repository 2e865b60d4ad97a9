import { escape, page } from "../confirmation/approval-page/template.js";

/** Who asks to sign in, and with what the person answers. */
export interface SignInQuestion {
  clientName: string | undefined;
  redirectHost: string;
  /** The host that publishes the client's metadata document, when it named itself by one. */
  publishedBy?: string;
  /** `token`: one of the operator's tokens (the server holds the key); `key`: their own key. */
  asks: "token" | "key";
  /** The sealed authorization request the form carries back. */
  request: string;
  problem?: string;
}

// The server's own sign-in page (the authorization endpoint's answer): plain HTML, no script,
// every text escaped (a client names itself), under the same strict policy as the approval page.

export function signInPage(question: SignInQuestion, styleNonce: string): string {
  const client = question.clientName ?? "An application that did not give its name";
  const field =
    question.asks === "token"
      ? {
          label: "Access token (the one this server's operator gave you)",
          hint: "It stays on this page: the application never sees it.",
        }
      : {
          label: "Your Woodpecker API key",
          hint: "The application never sees it: this server keeps it sealed in the sign-in it grants, and acts on your account alone.",
        };
  const problem =
    question.problem === undefined
      ? ""
      : `<p class="problem" id="problem">${escape(question.problem)}</p>`;
  return page(
    "Sign in to woodpecker-mcp-destructive",
    styleNonce,
    `<p class="source">Sign-in requested</p>
<h1>${escape(client)} asks to use your Woodpecker account</h1>
<p class="account">${
      question.publishedBy === undefined
        ? ""
        : `Its name and addresses are published by ${escape(question.publishedBy)}. `
    }It will send you back to ${escape(question.redirectHost)}.</p>
<p>If you allow it, it will be able to list and look at the domains, mailboxes and Microsoft
credentials of that account, and to delete domains (with every mailbox on them) and Microsoft
credentials: each deletion only after a confirmation.</p>
<form method="post" action="/sign-in">
  <input type="hidden" name="request" value="${escape(question.request)}">
  <label for="secret">${escape(field.label)}</label>
  ${problem}
  <input type="password" id="secret" name="secret" autocomplete="off" required
    ${question.problem === undefined ? "" : `aria-describedby="problem" `}>
  <p class="account">${escape(field.hint)}</p>
  <div class="actions">
    <button class="delete" type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
  </div>
</form>`,
    "sign-in",
  );
}
