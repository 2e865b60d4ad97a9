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
  /** Bearer tokens a client must send one of; empty: none asked for. */
  tokens: readonly string[];
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
  const http: HttpConfig = {
    port: vars.WOODPECKER_HTTP_PORT ?? DEFAULT_HTTP_PORT,
    host: vars.WOODPECKER_HTTP_HOST,
    allowedHosts: vars.WOODPECKER_HTTP_ALLOWED_HOSTS,
    allowedOrigins: vars.WOODPECKER_HTTP_ALLOWED_ORIGINS,
    tokens: vars.WOODPECKER_HTTP_TOKENS,
  };
  if (vars.WOODPECKER_CONFIRMATION === "person") {
    throw new ConfigError(
      "WOODPECKER_CONFIRMATION=person cannot be met in remote mode (--http): it has no form and no approval page to ask a person with, so nothing could ever be deleted",
    );
  }
  const holdsKey = vars.WOODPECKER_API_KEY !== undefined || options.sandbox;
  const reachedFrom = reachableFromElsewhere(http);
  if (holdsKey && http.tokens.length === 0 && reachedFrom !== undefined) {
    throw new ConfigError(
      `WOODPECKER_HTTP_TOKENS must be set to serve ${reachedFrom} with the server's own key: anyone who reached the port could delete (or serve on 127.0.0.1 alone, or let each request carry its own key)`,
    );
  }
  return http;
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
