import { ConfigError } from "./config-error.js";
import type { Environment } from "./environment.js";
import { isLoopback } from "./loopback.js";

export interface HttpConfig {
  port: number;
  host: string;
  /** Host names besides loopback ones that a request's Host may name. */
  allowedHosts: ReadonlySet<string>;
  /** Origins besides loopback ones a request may come from. */
  allowedOrigins: ReadonlySet<string>;
  /**
   * Bearer tokens a client must send one of (empty: none asked for); with OAuth and the server's
   * own key, what the person signs in with instead.
   */
  tokens: readonly string[];
  /** How a request shows who it is: see WOODPECKER_HTTP_AUTH. */
  auth: "tokens" | "key" | "oauth";
  /** With OAuth: what seals tokens and cookies, and the public origin behind a proxy. */
  oauth: OAuthConfig | undefined;
}

export interface OAuthConfig {
  secret: Buffer;
  /** The origin clients use (https://mcp.example.com); undefined: each request's own, on loopback. */
  publicUrl: string | undefined;
  /** This replica's name, in its approval pages' addresses for a load balancer to route by. */
  replica: string | undefined;
}

export const DEFAULT_HTTP_PORT = 8080;

/**
 * Remote mode's settings, when the server is to serve over HTTP (`--http` or a port), refusing
 * what would let anyone who reaches the port delete, or what could never confirm a deletion.
 */
export function readHttpPolicy(
  vars: Environment,
  options: { httpFlag: boolean; sandbox: boolean },
): HttpConfig | undefined {
  if (!options.httpFlag && vars.WOODPECKER_HTTP_PORT === undefined) return undefined;
  const holdsKey = vars.WOODPECKER_API_KEY !== undefined || options.sandbox;
  const auth = vars.WOODPECKER_HTTP_AUTH ?? (holdsKey ? "tokens" : "key");
  const http: HttpConfig = {
    port: vars.WOODPECKER_HTTP_PORT ?? DEFAULT_HTTP_PORT,
    host: vars.WOODPECKER_HTTP_HOST,
    allowedHosts: vars.WOODPECKER_HTTP_ALLOWED_HOSTS,
    allowedOrigins: vars.WOODPECKER_HTTP_ALLOWED_ORIGINS,
    tokens: vars.WOODPECKER_HTTP_TOKENS,
    auth,
    oauth: undefined,
  };
  if (
    vars.WOODPECKER_CONFIRMATION === "person" &&
    (auth !== "oauth" || vars.WOODPECKER_APPROVAL === "off")
  ) {
    throw new ConfigError(
      auth === "oauth"
        ? "WOODPECKER_CONFIRMATION=person cannot be met with WOODPECKER_APPROVAL=off in remote mode: the approval page is the only way to ask a person there"
        : "WOODPECKER_CONFIRMATION=person cannot be met in remote mode (--http) without OAuth: it has no form and no approval page to ask a person with, so nothing could ever be deleted",
    );
  }
  const reachedFrom = reachableFromElsewhere(http);
  if (auth === "oauth") {
    return { ...http, oauth: readOAuth(vars, { holdsKey, reachedFrom }) };
  }
  const oauthOnly = (
    ["WOODPECKER_HTTP_SECRET", "WOODPECKER_HTTP_PUBLIC_URL", "WOODPECKER_HTTP_REPLICA"] as const
  ).find((name) => vars[name] !== undefined);
  if (oauthOnly !== undefined) {
    throw new ConfigError(`${oauthOnly} is read only with WOODPECKER_HTTP_AUTH=oauth`);
  }
  if (auth === "tokens" && !holdsKey) {
    throw new ConfigError(
      "WOODPECKER_HTTP_AUTH=tokens needs the server's own WOODPECKER_API_KEY (without one, use key or oauth)",
    );
  }
  if (auth === "key" && holdsKey) {
    throw new ConfigError(
      "WOODPECKER_HTTP_AUTH=key lets each request carry its own key, so the server must hold none: unset WOODPECKER_API_KEY",
    );
  }
  if (holdsKey && http.tokens.length === 0 && reachedFrom !== undefined) {
    throw new ConfigError(
      `WOODPECKER_HTTP_TOKENS must be set to serve ${reachedFrom} with the server's own key: anyone who reached the port could delete (or serve on 127.0.0.1 alone, or let each request carry its own key)`,
    );
  }
  return http;
}

/** OAuth's settings, refusing a deployment nobody could sign in to, or that no secret seals. */
function readOAuth(
  vars: Environment,
  options: { holdsKey: boolean; reachedFrom: string | undefined },
): OAuthConfig {
  const secret = vars.WOODPECKER_HTTP_SECRET;
  if (secret === undefined) {
    throw new ConfigError(
      "WOODPECKER_HTTP_SECRET must be set with WOODPECKER_HTTP_AUTH=oauth: 32+ random bytes in base64 (openssl rand -base64 32), the same on every replica",
    );
  }
  if (options.holdsKey && vars.WOODPECKER_HTTP_TOKENS.length === 0) {
    throw new ConfigError(
      "WOODPECKER_HTTP_TOKENS must be set with WOODPECKER_HTTP_AUTH=oauth and the server's own key: the person signs in with one of them",
    );
  }
  const publicUrl = vars.WOODPECKER_HTTP_PUBLIC_URL;
  if (publicUrl === undefined && options.reachedFrom !== undefined) {
    throw new ConfigError(
      `WOODPECKER_HTTP_PUBLIC_URL must be set with WOODPECKER_HTTP_AUTH=oauth to serve ${options.reachedFrom}: tokens are bound to the public address clients use (https://mcp.example.com)`,
    );
  }
  return { secret, publicUrl, replica: vars.WOODPECKER_HTTP_REPLICA };
}

/**
 * Why requests may come from beyond this computer: a bind address other than loopback, or a Host
 * or Origin allowed besides loopback ones (a reverse proxy on loopback forwarding from elsewhere).
 */
function reachableFromElsewhere(http: HttpConfig): string | undefined {
  if (!isLoopback(http.host)) return `on ${http.host}`;
  if ([...http.allowedHosts].some((name) => !isLoopback(name))) {
    return "with WOODPECKER_HTTP_ALLOWED_HOSTS naming a host beyond loopback";
  }
  if ([...http.allowedOrigins].some((origin) => !isLoopback(new URL(origin).hostname))) {
    return "with WOODPECKER_HTTP_ALLOWED_ORIGINS naming an origin beyond loopback";
  }
  return undefined;
}
