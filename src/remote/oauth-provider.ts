import {
  InvalidGrantError,
  InvalidTargetError,
  InvalidTokenError,
} from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type {
  OAuthClientInformationFull,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { Response } from "express";
import { type Grants, sameResource } from "./grants.js";
import type { OnceOnly } from "./once-only.js";
import type { SealedClients } from "./sealed-clients.js";
import type { SignInPages } from "./sign-in-route.js";

/** How many opened access tokens a site keeps. */
const OPENED_KEPT = 1024;

/** One public origin of the server: the resource its tokens are bound to, and its issuer. */
export interface Site {
  origin: string;
  /** The MCP endpoint's URL: what `resource` must name. */
  resource: string;
  /** The authorization server's identifier, as its metadata and `iss` say it. */
  issuer: string;
}

/**
 * The SDK's OAuthServerProvider for one site, with no store: clients (unless they publish their
 * own metadata document), codes and tokens are all sealed (see seal.ts); what this replica remembers is only which codes and refresh tokens it
 * has seen used. The SDK's handlers check PKCE, redirect URIs and client authentication; this
 * checks the resource, expiry, binding to the client, and single use.
 */
export class SealedOAuthProvider implements OAuthServerProvider {
  readonly clientsStore: OAuthRegisteredClientsStore;
  readonly #grants: Grants;
  readonly #spent: OnceOnly;
  readonly #site: Site;
  readonly #pages: SignInPages;
  readonly #opened = new Map<string, AuthInfo>();

  constructor(options: {
    clients: SealedClients;
    grants: Grants;
    spent: OnceOnly;
    site: Site;
    pages: SignInPages;
  }) {
    this.clientsStore = options.clients.at(options.site.origin);
    this.#grants = options.grants;
    this.#spent = options.spent;
    this.#site = options.site;
    this.#pages = options.pages;
  }

  /** Shows the sign-in page, for a request that names this server's resource. */
  authorize(
    client: OAuthClientInformationFull,
    params: AuthorizationParams,
    response: Response,
  ): Promise<void> {
    if (params.resource === undefined || !sameResource(params.resource.href, this.#site.resource)) {
      throw new InvalidTargetError(`resource must be ${this.#site.resource}`);
    }
    this.#pages.show(response, this.#site, client, params);
    return Promise.resolve();
  }

  challengeForAuthorizationCode(
    client: OAuthClientInformationFull,
    authorizationCode: string,
  ): Promise<string> {
    return Promise.resolve(this.#openCode(client, authorizationCode).challenge);
  }

  exchangeAuthorizationCode(
    client: OAuthClientInformationFull,
    authorizationCode: string,
    _codeVerifier?: string,
    redirectUri?: string,
    resource?: URL,
  ): Promise<OAuthTokens> {
    const code = this.#openCode(client, authorizationCode);
    if (redirectUri !== undefined && redirectUri !== code.redirectUri) {
      throw new InvalidGrantError("redirect_uri is not the one the code was issued for");
    }
    this.#checkResource(resource, code.grant.resource);
    if (!this.#spent.take(`code ${code.id}`, code.expiresAt)) {
      throw new InvalidGrantError("this authorization code was already used");
    }
    return Promise.resolve(this.#grants.tokens(code.grant));
  }

  exchangeRefreshToken(
    client: OAuthClientInformationFull,
    refreshToken: string,
    _scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    const refresh = this.#grants.openRefresh(refreshToken);
    if (refresh === undefined || refresh.grant.client !== client.client_id) {
      throw new InvalidGrantError("the refresh token is not valid for this client");
    }
    this.#checkResource(resource, refresh.grant.resource);
    if (!this.#spent.take(`refresh ${refresh.id}`, refresh.expiresAt)) {
      throw new InvalidGrantError("this refresh token was already used: sign in again");
    }
    return Promise.resolve(this.#grants.tokens(refresh.grant));
  }

  /** Opens a token once: it cannot change, and the SDK checks its expiry at every use. */
  verifyAccessToken(token: string): Promise<AuthInfo> {
    const known = this.#opened.get(token);
    if (known !== undefined) return Promise.resolve(known);
    const access = this.#grants.openAccess(token);
    if (access === undefined) throw new InvalidTokenError("the access token is not valid");
    const info = {
      token,
      clientId: access.grant.client,
      scopes: [],
      expiresAt: Math.floor(access.expiresAt / 1000),
      resource: new URL(access.grant.resource),
      extra: { grant: access.grant },
    };
    if (this.#opened.size >= OPENED_KEPT) this.#opened.clear();
    this.#opened.set(token, info);
    return Promise.resolve(info);
  }

  #openCode(client: OAuthClientInformationFull, text: string) {
    const code = this.#grants.openCode(text);
    if (code === undefined || code.grant.client !== client.client_id) {
      throw new InvalidGrantError("the authorization code is not valid for this client");
    }
    return code;
  }

  /** A token is only ever for the resource it was granted for, here this site's. */
  #checkResource(asked: URL | undefined, granted: string): void {
    if (asked !== undefined && !sameResource(asked.href, granted)) {
      throw new InvalidTargetError("the grant is for another resource");
    }
    if (!sameResource(granted, this.#site.resource)) {
      throw new InvalidTargetError("the grant is for another resource");
    }
  }
}
