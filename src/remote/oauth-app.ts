import type { IncomingMessage, ServerResponse } from "node:http";
import { metadataHandler } from "@modelcontextprotocol/sdk/server/auth/handlers/metadata.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import {
  createOAuthMetadata,
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthRouter,
} from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import { rateLimit } from "express-rate-limit";
import type { HttpConfig, OAuthConfig } from "../config/http-policy.js";
import type { Logger } from "../logging/logger.js";
import type { Caller } from "../mcp/http-transport.js";
import { hostAllowed, refuse } from "../mcp/http-transport.js";
import { GrantSchema, Grants } from "./grants.js";
import { OnceOnly } from "./once-only.js";
import { SealedOAuthProvider, type Site } from "./oauth-provider.js";
import { Sealer } from "./seal.js";
import { clientShortId, SealedClients } from "./sealed-clients.js";
import { RemoteApprovalPages } from "./approval-pages.js";
import { ClientSessions } from "./client-sessions.js";
import { PersonSecrets, type SignInWith } from "./person-secret.js";
import { SignInCookie } from "./sign-in-cookie.js";
import { SignInPages } from "./sign-in-route.js";

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The SDK's limits stand; a router per site is made at its first request, which is meant. */
const RATE_LIMIT_CHECKS = { validate: { creationStack: false } };

/** Sign-in answers (right or wrong) one client address may send in 15 minutes. */
const SIGN_INS_PER_WINDOW = 20;

/** How many origins (loopback names and ports a browser used) get a router of their own. */
const MAX_SITES = 16;

/**
 * Remote mode with OAuth: the server is its own authorization server (the SDK's mcpAuthRouter:
 * metadata, registration, /authorize, /token) and resource server (the SDK's requireBearerAuth in
 * front of /mcp), on express, which the SDK builds on. /healthz and /mcp, once the bearer token
 * holds, go to the same handler as the other modes. The resource is the public URL's /mcp, or
 * behind none, the request's own (loopback) origin's.
 */
export function oauthServer(options: {
  http: HttpConfig;
  oauth: OAuthConfig;
  signInWith: SignInWith;
  /** The fingerprint of the account a key (undefined: the server's own) acts on. */
  accountOf: (apiKey: string | undefined) => string;
  logger: Logger;
}) {
  const sealer = new Sealer(options.oauth.secret);
  const clients = new SealedClients(sealer);
  const grants = new Grants(sealer);
  const spent = new OnceOnly();
  const secrets = new PersonSecrets(options.signInWith);
  const cookie = new SignInCookie(sealer);
  const { accountOf } = options;
  const pages = new SignInPages({
    sealer,
    grants,
    clients,
    secrets,
    cookie,
    accountOf,
    logger: options.logger,
    spent,
  });
  const approvals = new RemoteApprovalPages({
    cookie,
    secrets,
    accountOf,
    replica: options.oauth.replica,
  });
  const sessions = new ClientSessions(sealer);
  // Read once per token, which the provider opens once: its grant, and the client's short id.
  const signedIn = new WeakMap<AuthInfo, { apiKey: string | undefined; oauthClient: string }>();
  const signedInAs = (auth: AuthInfo | undefined) => {
    const known = auth === undefined ? undefined : signedIn.get(auth);
    if (known !== undefined) return known;
    const grant = GrantSchema.parse(auth?.extra?.grant);
    const who = { apiKey: grant.apiKey, oauthClient: clientShortId(grant.client) };
    if (auth !== undefined) signedIn.set(auth, who);
    return who;
  };
  const originOf = (request: IncomingMessage) =>
    options.oauth.publicUrl ?? `http://${(request.headers.host ?? "").toLowerCase()}`;
  return {
    /** Who the bearer token of a request (checked by requireBearerAuth) acts for. */
    callerOf(request: IncomingMessage): Caller {
      const { apiKey, oauthClient } = signedInAs(
        (request as IncomingMessage & { auth?: AuthInfo }).auth,
      );
      const origin = originOf(request);
      const session = request.headers["mcp-session-id"];
      return {
        apiKey,
        oauthClient,
        approvalPages: (account) => approvals.host(account, origin),
        showsUrl: sessions.showsUrl(typeof session === "string" ? session : undefined),
        sessionFor: (capabilities) => sessions.issue(capabilities),
      };
    },
    app: (mcp: NodeHandler) =>
      oauthApp({ ...options, mcp, originOf, pages, approvals, clients, grants, spent }),
  };
}

function oauthApp(options: {
  http: HttpConfig;
  logger: Logger;
  mcp: NodeHandler;
  originOf: (request: IncomingMessage) => string;
  pages: SignInPages;
  approvals: RemoteApprovalPages;
  clients: SealedClients;
  grants: Grants;
  spent: OnceOnly;
}): NodeHandler {
  const { clients, grants, spent, pages, approvals } = options;
  // What a person types to sign in is guessed at no faster than this, per client address.
  const signInLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: SIGN_INS_PER_WINDOW,
    standardHeaders: true,
    legacyHeaders: false,
  });
  const sites = new Map<string, SiteRoutes>();
  /**
   * The routes of the site at `origin`, made at its first request; undefined: not an origin, or
   * not one an OAuth issuer may have (plain http only on localhost and 127.0.0.1).
   */
  const siteFor = (origin: string) => {
    let routes = sites.get(origin);
    if (routes === undefined) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin || !mayIssue(origin)) {
        return undefined;
      }
      const site = siteAt(origin);
      routes = siteRoutes(site, new SealedOAuthProvider({ clients, grants, spent, site, pages }), {
        pages,
        approvals,
        mcp: options.mcp,
        signInLimit,
      });
      if (sites.size >= MAX_SITES) sites.clear();
      sites.set(origin, routes);
    }
    return routes;
  };
  const app = express();
  app.disable("x-powered-by");
  // The rate limits of the SDK's handlers count per client address: behind a proxy on this
  // computer, the address it forwards.
  app.set("trust proxy", "loopback");
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path === "/healthz") {
      options.mcp(request, response);
      return;
    }
    if (!hostAllowed(request.headers.host, options.http.allowedHosts)) {
      refuse(response, 403, -32000, "Forbidden: this Host is not one this server answers");
      return;
    }
    const routes = siteFor(options.originOf(request));
    if (routes === undefined) {
      refuse(
        response,
        400,
        -32000,
        "Bad request: signing in works at http://127.0.0.1 or http://localhost, or at WOODPECKER_HTTP_PUBLIC_URL; this Host is none of them",
      );
      return;
    }
    routes.router(request, response, next);
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = statusOf(error);
    if (status >= 500)
      options.logger.error({ err: error }, "an OAuth request failed inside this server");
    refuse(response, status, -32000, status >= 500 ? "Internal error" : "Bad request");
  });
  // Tool calls, nearly every request, skip express, which alone costs a quarter of remote mode's
  // throughput: the SDK's bearer check runs on the bare request, and a request it refuses goes
  // through express, whose same check answers it the SDK's way.
  return (request, response) => {
    const toolCall =
      request.url?.split("?")[0] === "/mcp" &&
      hostAllowed(request.headers.host, options.http.allowedHosts);
    let routes: SiteRoutes | undefined;
    try {
      routes = toolCall ? siteFor(options.originOf(request)) : undefined;
    } catch {
      // Whatever failed fails again inside express, which answers it: never a crash out here.
    }
    if (routes === undefined) {
      app(request, response);
      return;
    }
    let accepted = false;
    void Promise.resolve(
      routes.bearer(request as Request, REFUSAL_NOTED, () => {
        accepted = true;
      }),
    ).then(
      () => {
        if (accepted) options.mcp(request, response);
        else app(request, response);
      },
      () => app(request, response),
    );
  };
}

/**
 * What the SDK's bearer check writes a refusal to outside express: nothing is written, the
 * request then goes through express.
 */
const REFUSAL_NOTED = (() => {
  const noted = { set: () => noted, status: () => noted, json: () => noted };
  return noted as unknown as Response;
})();

/** One public origin's OAuth routes, and the bearer check in front of its /mcp. */
interface SiteRoutes {
  router: express.Router;
  bearer: RequestHandler;
}

/**
 * Whether an authorization server may be at `origin`: https, or http on localhost or 127.0.0.1
 * alone (the SDK's rule for an issuer; it throws on any other, such as [::1] or 127.0.0.2).
 */
function mayIssue(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  return protocol === "https:" || hostname === "localhost" || hostname === "127.0.0.1";
}

function siteAt(origin: string): Site {
  return { origin, resource: `${origin}/mcp`, issuer: new URL(origin).href };
}

function siteRoutes(
  site: Site,
  provider: SealedOAuthProvider,
  parts: {
    pages: SignInPages;
    approvals: RemoteApprovalPages;
    mcp: NodeHandler;
    signInLimit: RequestHandler;
  },
): SiteRoutes {
  const router = express.Router();
  const resource = new URL(site.resource);
  const issuerUrl = new URL(site.issuer);
  const bearer = requireBearerAuth({
    verifier: provider,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource),
    expectedResource: resource,
  });
  router.all("/mcp", bearer, (request, response) => parts.mcp(request, response));
  router.use("/authorize", withIssuerOnRedirects(site.issuer));
  // The SDK's metadata, and that a client may name itself by its metadata document's URL.
  router.use(
    "/.well-known/oauth-authorization-server",
    metadataHandler({
      ...createOAuthMetadata({ provider, issuerUrl }),
      client_id_metadata_document_supported: true,
    }),
  );
  router.use(
    mcpAuthRouter({
      provider,
      issuerUrl,
      resourceServerUrl: resource,
      resourceName: "Woodpecker domains and Microsoft credentials (look, and delete after a yes)",
      // The client id is the sealed registration, made by the store.
      clientRegistrationOptions: { clientIdGeneration: false, rateLimit: RATE_LIMIT_CHECKS },
      authorizationOptions: { rateLimit: RATE_LIMIT_CHECKS },
      tokenOptions: { rateLimit: RATE_LIMIT_CHECKS },
    }),
  );
  // Also at the root: for clients that look there first.
  router.use(
    "/.well-known/oauth-protected-resource",
    metadataHandler({ resource: site.resource, authorization_servers: [site.issuer] }),
  );
  router.post(
    "/sign-in",
    parts.signInLimit,
    express.urlencoded({ extended: false, limit: "16kb" }),
    (request, response, next) => {
      parts.pages.answer(request, response, site).catch(next);
    },
  );
  // A page's path names the replica that opened it where replicas have names.
  router.post(
    ["/approve/:id/sign-in", "/approve/:replica/:id/sign-in"],
    parts.signInLimit,
    express.urlencoded({ extended: false, limit: "16kb" }),
    (request, response) => parts.approvals.signIn(request, response, site.origin),
  );
  // The page reads its own form: no body parser before it.
  router.all(["/approve/:id", "/approve/:replica/:id"], (request, response, next) => {
    parts.approvals.answer(request, response, site.origin).catch(next);
  });
  router.use((request, response) => parts.mcp(request, response));
  return { router, bearer };
}

/**
 * The SDK's /authorize sends its error answers to the client's redirect URI without `iss`: every
 * authorization response of this server carries it (RFC 9207).
 */
function withIssuerOnRedirects(issuer: string) {
  return (_request: Request, response: Response, next: NextFunction) => {
    const redirect = response.redirect.bind(response);
    response.redirect = ((status: number, url: string) => {
      const withIssuer = new URL(url);
      withIssuer.searchParams.set("iss", issuer);
      redirect(status, withIssuer.href);
    }) as Response["redirect"];
    next();
  };
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}
