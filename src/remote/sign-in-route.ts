import { randomBytes, randomUUID } from "node:crypto";
import type { AuthorizationParams } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { Request, Response } from "express";
import * as z from "zod";
import type { Logger } from "../logging/logger.js";
import { type Grant, type Grants } from "./grants.js";
import type { Site } from "./oauth-provider.js";
import type { OnceOnly } from "./once-only.js";
import type { Sealer } from "./seal.js";
import { clientShortId, type SealedClients } from "./sealed-clients.js";
import type { PersonSecrets } from "./person-secret.js";
import type { SignInCookie } from "./sign-in-cookie.js";
import { isMetadataDocumentUrl } from "./client-metadata-documents.js";
import { signInPage } from "./sign-in-page.js";

/** An authorization request the sign-in page carries, sealed, to its own POST. */
const RequestSchema = z.object({
  /** What makes one sign-in's form good for one code: see answer(). */
  id: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  challenge: z.string(),
  state: z.string().optional(),
  resource: z.string(),
  expiresAt: z.number(),
});
type SignInRequest = z.infer<typeof RequestSchema>;

const REQUEST_LIFETIME_MS = 15 * 60_000;

/**
 * The sign-in page (what /authorize answers) and its form's POST to /sign-in: Deny sends the
 * client `access_denied`; Allow, with a token or key that holds, sends it a code. Every answer to
 * the client's redirect URI carries `iss` (RFC 9207).
 */
export class SignInPages {
  readonly #sealer: Sealer;
  readonly #grants: Grants;
  readonly #clients: SealedClients;
  readonly #secrets: PersonSecrets;
  readonly #cookie: SignInCookie;
  readonly #accountOf: (apiKey: string | undefined) => string;
  readonly #logger: Logger;
  readonly #spent: OnceOnly;

  constructor(options: {
    sealer: Sealer;
    grants: Grants;
    clients: SealedClients;
    secrets: PersonSecrets;
    cookie: SignInCookie;
    /** The fingerprint of the account a key (undefined: the server's own) acts on. */
    accountOf: (apiKey: string | undefined) => string;
    logger: Logger;
    spent: OnceOnly;
  }) {
    this.#sealer = options.sealer;
    this.#grants = options.grants;
    this.#clients = options.clients;
    this.#secrets = options.secrets;
    this.#cookie = options.cookie;
    this.#accountOf = options.accountOf;
    this.#logger = options.logger;
    this.#spent = options.spent;
  }

  show(
    response: Response,
    site: Site,
    client: OAuthClientInformationFull,
    params: AuthorizationParams,
  ): void {
    const request: SignInRequest = {
      id: randomUUID(),
      clientId: client.client_id,
      redirectUri: params.redirectUri,
      challenge: params.codeChallenge,
      ...(params.state === undefined ? {} : { state: params.state }),
      resource: site.resource,
      expiresAt: Date.now() + REQUEST_LIFETIME_MS,
    };
    this.#send(response, 200, client, request, undefined);
  }

  /** POST /sign-in, from the page's own form. */
  async answer(request: Request, response: Response, site: Site): Promise<void> {
    const origin = request.headers.origin;
    const form = z
      .object({ request: z.string(), secret: z.string().optional(), decision: z.string() })
      .safeParse(request.body);
    const signIn = form.success
      ? RequestSchema.safeParse(this.#sealer.open("request", form.data.request)).data
      : undefined;
    const client =
      signIn === undefined
        ? undefined
        : await this.#clients.at(site.origin).getClient(signIn.clientId);
    if (
      (origin !== undefined && origin !== site.origin) ||
      signIn === undefined ||
      signIn.expiresAt <= Date.now() ||
      client === undefined ||
      !form.success
    ) {
      sendText(
        response,
        400,
        "This sign-in has expired or is not valid: start again from the application.",
      );
      return;
    }
    const answer = { site, signIn, oauthClient: clientShortId(client.client_id) };
    if (form.data.decision !== "allow") {
      this.#logger.info({ oauth_client: answer.oauthClient }, "sign-in denied by the person");
      redirectBack(response, answer, { error: "access_denied" });
      return;
    }
    const key = this.#secrets.check(form.data.secret ?? "");
    if (key === undefined) {
      this.#send(response, 401, client, signIn, this.#secrets.refusal);
      return;
    }
    // The same form sent again (the page reloaded, or replayed) gets no second code.
    if (!this.#spent.take(`sign-in ${signIn.id}`, signIn.expiresAt)) {
      sendText(response, 400, "This sign-in was already used: start again from the application.");
      return;
    }
    const grant: Grant = { client: signIn.clientId, resource: signIn.resource, ...key };
    this.#logger.info({ oauth_client: answer.oauthClient }, "signed in: a code was issued");
    this.#cookie.set(response, site.origin, {
      account: this.#accountOf(key.apiKey),
      client: answer.oauthClient,
    });
    redirectBack(response, answer, {
      code: this.#grants.code(grant, signIn.challenge, signIn.redirectUri),
    });
  }

  #send(
    response: Response,
    status: number,
    client: OAuthClientInformationFull,
    request: SignInRequest,
    problem: string | undefined,
  ): void {
    const styleNonce = randomBytes(16).toString("base64");
    const redirect = new URL(request.redirectUri);
    const html = signInPage(
      {
        clientName: client.client_name,
        redirectHost: redirect.host,
        ...(isMetadataDocumentUrl(client.client_id)
          ? { publishedBy: new URL(client.client_id).host }
          : {}),
        asks: this.#secrets.asks,
        request: this.#sealer.seal("request", request),
        ...(problem === undefined ? {} : { problem }),
      },
      styleNonce,
    );
    response
      .status(status)
      .set({
        ...PAGE_HEADERS,
        "content-type": "text/html; charset=utf-8",
        // The form's answer redirects to the client: the browser must let the form go there.
        "content-security-policy": `default-src 'none'; style-src 'nonce-${styleNonce}'; form-action 'self' ${redirect.origin}; frame-ancestors 'none'; base-uri 'none'`,
      })
      .send(html);
  }
}

export const PAGE_HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

export function sendText(response: Response, status: number, text: string): void {
  response
    .status(status)
    .set({
      ...PAGE_HEADERS,
      "content-type": "text/plain; charset=utf-8",
      "content-security-policy": "default-src 'none'",
    })
    .send(text);
}

/** The authorization response, to the client's redirect URI, with `state` and `iss`. */
function redirectBack(
  response: Response,
  answer: { site: Site; signIn: SignInRequest },
  fields: Record<string, string>,
): void {
  const url = new URL(answer.signIn.redirectUri);
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  if (answer.signIn.state !== undefined) url.searchParams.set("state", answer.signIn.state);
  url.searchParams.set("iss", answer.site.issuer);
  response.set("cache-control", "no-store").redirect(302, url.href);
}
