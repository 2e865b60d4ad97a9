import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config, HttpConfig } from "../config/parse-cli.js";
import { httpHandler, type KeySource } from "../mcp/http-transport.js";
import { createServer, createSharedState } from "../mcp/server.js";
import { AccountsByKey, openAccount } from "./backend.js";
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
  const keys: KeySource =
    serverAccount === undefined ? { kind: "request", isValidKey } : { kind: "server" };
  const base = { config, logger, audit, calls, remote: true };
  let draining = false;
  const listener = createHttpServer(
    httpHandler({
      http: config.http,
      keys,
      draining: () => draining,
      logger,
      serverFor: (apiKey) => {
        const keyed =
          apiKey === undefined ? { account: serverAccount, scrubber } : requestAccounts.get(apiKey);
        return createServer({ ...base, ...keyed }, shared);
      },
    }),
  );
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
    keys: keys.kind === "server" ? "the server's own" : "each request's X-Woodpecker-Api-Key",
    bearer_tokens: config.http.tokens.length,
    allowed_hosts: [...config.http.allowedHosts],
    allowed_origins: [...config.http.allowedOrigins],
  });
}
