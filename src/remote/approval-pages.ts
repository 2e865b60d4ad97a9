import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import * as z from "zod";
import {
  approvalPath,
  type PageHost,
  pageResponder,
} from "../confirmation/approval-page/page-server.js";
import { escape, page } from "../confirmation/approval-page/template.js";
import type { PersonSecrets } from "./person-secret.js";
import type { SignInCookie } from "./sign-in-cookie.js";
import { PAGE_HEADERS, sendText } from "./sign-in-route.js";

interface OpenPage {
  account: string;
  responder: ReturnType<typeof pageResponder>;
}

/**
 * The approval pages of this replica, served on its main listener at /approve/<id>: each opens
 * only in a browser that holds the sign-in cookie of the account it deletes from. Anyone else gets
 * a page to sign in with; a sign-in to another account confirms nothing. A page lives in the
 * process that opened it: another replica answers 404 for it. A replica with a name serves its
 * pages under /approve/<name>/, for a load balancer to send them there.
 */
export class RemoteApprovalPages {
  readonly #pages = new Map<string, OpenPage>();
  readonly #cookie: SignInCookie;
  readonly #secrets: PersonSecrets;
  readonly #accountOf: (apiKey: string | undefined) => string;
  /** Where this replica's pages live: /approve, or /approve/<its name>. */
  readonly #under: string;

  constructor(options: {
    cookie: SignInCookie;
    secrets: PersonSecrets;
    accountOf: (apiKey: string | undefined) => string;
    replica: string | undefined;
  }) {
    this.#cookie = options.cookie;
    this.#secrets = options.secrets;
    this.#accountOf = options.accountOf;
    this.#under = options.replica === undefined ? "/approve" : `/approve/${options.replica}`;
  }

  /** Where a page for `account` is served, at `origin`. */
  host(account: string, origin: string): PageHost {
    return (handlers) => {
      const path = approvalPath(this.#under);
      const responder = pageResponder(handlers);
      this.#pages.set(path, { account, responder });
      return Promise.resolve({
        url: `${origin}${path}`,
        get shown() {
          return responder.shown;
        },
        forgetNonces: () => responder.forgetNonces(),
        close: () => setImmediate(() => this.#pages.delete(path)),
      });
    };
  }

  /** GET or POST /approve/<id>. */
  async answer(request: Request, response: Response, origin: string): Promise<void> {
    const open = this.#pages.get(request.path);
    if (open === undefined) {
      sendText(
        response,
        404,
        "This approval page is not open here: it was answered or expired (or it was opened on another replica of this server).",
      );
      return;
    }
    const signedIn = this.#cookie.accountOf(request);
    if (signedIn !== open.account) {
      if (request.method === "POST") {
        sendText(response, 403, "Only the person signed in to this account can answer this page.");
        return;
      }
      this.#sendSignIn(response, request.path, signedIn === undefined ? undefined : "other");
      return;
    }
    await open.responder.respond(request, response, origin);
  }

  /** POST /approve/<id>/sign-in: the person signs in here, from the link, and is sent back. */
  signIn(request: Request, response: Response, origin: string): void {
    const path = request.path.replace(/\/sign-in$/, "");
    const form = z.object({ secret: z.string() }).safeParse(request.body);
    const sent = request.headers.origin;
    if (!this.#pages.has(path) || !form.success || (sent !== undefined && sent !== origin)) {
      sendText(
        response,
        400,
        "This sign-in is not valid: open the link the application gave you again.",
      );
      return;
    }
    const key = this.#secrets.check(form.data.secret);
    if (key === undefined) {
      this.#sendSignIn(response, path, "refused");
      return;
    }
    this.#cookie.set(response, origin, {
      account: this.#accountOf(key.apiKey),
      client: "approval page",
    });
    response.set("cache-control", "no-store").redirect(303, path);
  }

  #sendSignIn(response: Response, path: string, why: "other" | "refused" | undefined): void {
    const styleNonce = randomBytes(16).toString("base64");
    const problem =
      why === "other"
        ? "You are signed in to another Woodpecker account: nothing you answer here would count. Sign in to the account this deletion is for."
        : why === "refused"
          ? this.#secrets.refusal
          : undefined;
    const label =
      this.#secrets.asks === "token"
        ? "Access token (the one this server's operator gave you)"
        : "Your Woodpecker API key";
    const html = page(
      "Sign in to answer this approval page",
      styleNonce,
      `<p class="source">Approval page</p>
<h1>Sign in to see what would be deleted</h1>
<p>Only the person signed in to the account this deletion is for can confirm or cancel it.</p>
<form method="post" action="${escape(path)}/sign-in">
  <label for="secret">${escape(label)}</label>
  ${problem === undefined ? "" : `<p class="problem">${escape(problem)}</p>`}
  <input type="password" id="secret" name="secret" autocomplete="off" required>
  <div class="actions"><button class="delete" type="submit">Sign in</button></div>
</form>`,
      "sign-in",
    );
    response
      .status(why === "other" ? 403 : 401)
      .set({
        ...PAGE_HEADERS,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; style-src 'nonce-${styleNonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      })
      .send(html);
  }
}
