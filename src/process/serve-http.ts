import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { OAuthConfig } from "../config/http-policy.js";
import type { Config, HttpConfig } from "../config/parse-cli.js";
import type { Logger } from "../logging/logger.js";
import type { Account } from "../tools/define.js";
import { httpHandler, type KeySource } from "../mcp/http-transport.js";
import { createServer, createSharedState } from "../mcp/server.js";
import { AccountsByKey, keyFingerprint, openAccount } from "./backend.js";
import { installShutdown } from "./shutdown.js";
import { logStarted, start } from "./start.js";

/**
 * Runs the MCP server over Streamable HTTP (remote mode) until a signal stops it: stateless, so
 * that replicas behind a load balancer need nothing in common but the key.
 */
export async function serveHttp(
  config: Config & { http: HttpConfig },
  warnings: readonly string[],
  isValidKey: (key: string) => boolean,
): Promise<void> {
  const started = await start(config, warnings);
  const { logger, audit, calls, backend, scrubber, secrets } = started;
  const shared = createSharedState();
  const serverAccount = backend.account;
  const requestAccounts = new AccountsByKey(
    (apiKey, scrubber) => openAccount(config, logger, config.baseUrl, apiKey, scrubber),
    secrets,
  );
  const oauth = config.http.oauth;
  // Express and the SDK's OAuth router load only where OAuth is on.
  const remote =
    oauth === undefined ? undefined : await openOAuth(config.http, oauth, serverAccount, logger);
  const keys: KeySource =
    remote !== undefined
      ? { kind: "grant", callerOf: (request) => remote.callerOf(request) }
      : serverAccount === undefined
        ? { kind: "request", isValidKey }
        : { kind: "server" };
  const base = { config, logger, audit, calls, remote: true };
  let draining = false;
  const mcp = httpHandler({
    http: config.http,
    keys,
    draining: () => draining,
    logger,
    serverFor: ({ apiKey, oauthClient, approvalPages, showsUrl }) => {
      const keyed =
        apiKey === undefined ? { account: serverAccount, scrubber } : requestAccounts.get(apiKey);
      return createServer(
        {
          ...base,
          ...keyed,
          ...(oauthClient === undefined ? {} : { oauthClient }),
          ...(approvalPages === undefined ? {} : { approvalPages }),
          ...(showsUrl === true ? { clientShowsUrl: true } : {}),
        },
        shared,
      );
    },
  });
  if (oauth !== undefined) secrets.add(oauth.secret.toString("base64"));
  const listener = createHttpServer(remote === undefined ? mcp : remote.app(mcp));
  installShutdown({
    calls,
    logger,
    audit,
    mode: config,
    // While calls in flight drain, new requests are still answered (503, and /healthz says
    // draining), so that a load balancer moves on rather than meet a refused connection.
    stopTaking: () => {
      draining = true;
      listener.closeIdleConnections();
    },
    close: async () => {
      listener.close();
      listener.closeAllConnections();
      await backend.close();
    },
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(config.http.port, config.http.host, resolve);
  });
  const { address, port } = listener.address() as AddressInfo;
  logStarted(config, started, {
    transport: "streamable-http",
    listening: `${address.includes(":") ? `[${address}]` : address}:${port}`,
    keys: KEYS_IN_WORDS[keys.kind],
    auth: config.http.auth,
    bearer_tokens: config.http.tokens.length,
    allowed_hosts: [...config.http.allowedHosts],
    allowed_origins: [...config.http.allowedOrigins],
  });
}

const KEYS_IN_WORDS: Record<KeySource["kind"], string> = {
  server: "the server's own",
  request: "each request's X-Woodpecker-Api-Key",
  grant: "the account each sign-in names",
};

/** The OAuth side of remote mode: signing in, tokens, and the approval pages of signed-in people. */
async function openOAuth(
  http: HttpConfig,
  oauth: OAuthConfig,
  serverAccount: Account | undefined,
  logger: Logger,
) {
  const { oauthServer } = await import("../remote/oauth-app.js");
  return oauthServer({
    http,
    oauth,
    signInWith:
      serverAccount === undefined ? { asks: "key" } : { asks: "token", tokens: http.tokens },
    accountOf: (apiKey) =>
      apiKey === undefined ? (serverAccount?.fingerprint ?? "") : keyFingerprint(apiKey),
    logger,
  });
}
