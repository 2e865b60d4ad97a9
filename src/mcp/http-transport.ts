import type { PageHost } from "../confirmation/approval-page/page-server.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  type ClientCapabilities,
  InitializeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { type HttpConfig, isLoopback } from "../config/parse-cli.js";
import { MAX_KEY_LENGTH } from "../config/values.js";
import { digest, matchesOneOf } from "../constant-time.js";
import type { Logger } from "../logging/logger.js";
import { readRequestBody } from "../read-request-body.js";

/** A request body larger than this is refused unread. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The header a request carries its own Woodpecker key in, when the server holds none. */
const KEY_HEADER = "x-woodpecker-api-key";

/** Where the key of a request's account comes from. */
export type KeySource =
  /** The server's own key (or the sandbox's): a request must not bring one. */
  | { kind: "server" }
  /** Each request carries its own key in X-Woodpecker-Api-Key. */
  | { kind: "request"; isValidKey: (key: string) => boolean }
  /** The caller signed in (OAuth), and its grant says which account: see src/remote/. */
  | { kind: "grant"; callerOf: (request: IncomingMessage) => Caller };

/** Who a request acts for: the key of its account (undefined: the server's), and its client. */
export interface Caller {
  apiKey: string | undefined;
  oauthClient?: string;
  /** Remote mode with OAuth: where this caller's approval pages are served, by account. */
  approvalPages?: (account: string) => PageHost;
  /** Remote mode with OAuth: whether the client declared URL-mode elicitation (its session says). */
  showsUrl?: boolean;
  /** Remote mode with OAuth: the session id an initialize is answered with. */
  sessionFor?: (capabilities: ClientCapabilities | undefined) => string;
}

export interface HttpEndpoint {
  http: HttpConfig;
  keys: KeySource;
  /** A server for one request, acting for `caller`. */
  serverFor: (caller: Caller) => McpServer;
  draining: () => boolean;
  logger: Logger;
}

/**
 * MCP over Streamable HTTP, stateless: for each POST to /mcp, a server and the SDK's transport of
 * its own, with no session, so that any number of replicas can stand behind any load balancer
 * (the preview token, not a session, ties a confirm to its preview). In front of the SDK: the
 * Host and Origin checks (against DNS rebinding and other sites), the bearer token, the key of
 * the account, and a 1 MiB limit on the body. GET /healthz answers load balancers.
 */
export function httpHandler(endpoint: HttpEndpoint) {
  // With OAuth, the tokens are what a person signs in with, never a bearer token.
  const tokens = endpoint.keys.kind === "grant" ? [] : endpoint.http.tokens.map(digest);
  return (request: IncomingMessage, response: ServerResponse): void => {
    void handle(endpoint, tokens, request, response).catch((error: unknown) => {
      endpoint.logger.error({ err: error }, "an HTTP request failed inside this server");
      refuse(response, 500, -32603, "Internal error");
    });
  };
}

async function handle(
  endpoint: HttpEndpoint,
  tokens: readonly Buffer[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
    const draining = endpoint.draining();
    respondJson(response, draining ? 503 : 200, { status: draining ? "draining" : "ok" });
    return;
  }
  if (path !== "/mcp") {
    refuse(response, 404, -32000, "Not found: the MCP endpoint is /mcp");
    return;
  }
  if (!hostAllowed(request.headers.host, endpoint.http.allowedHosts)) {
    refuse(response, 403, -32000, "Forbidden: this Host is not one this server answers");
    return;
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !originAllowed(origin, endpoint.http.allowedOrigins)) {
    refuse(response, 403, -32000, "Forbidden: this Origin is not allowed");
    return;
  }
  if (tokens.length > 0 && !bearerMatches(request.headers.authorization, tokens)) {
    response.setHeader("www-authenticate", 'Bearer realm="woodpecker-mcp"');
    refuse(response, 401, -32000, "Unauthorized: send Authorization: Bearer <token>");
    return;
  }
  if (request.method !== "POST") {
    response.setHeader("allow", "POST");
    refuse(response, 405, -32000, "Method not allowed: this stateless server takes POST only");
    return;
  }
  if (endpoint.draining()) {
    response.setHeader("retry-after", "5");
    refuse(response, 503, -32000, "This replica is shutting down: send the request again");
    return;
  }
  const caller = callerOf(request, endpoint.keys);
  if (caller.problem !== undefined) {
    refuse(response, 400, -32000, caller.problem);
    return;
  }
  const body = await readJsonBody(request);
  if (body.problem !== undefined) {
    refuse(response, body.problem.status, body.problem.code, body.problem.message);
    return;
  }
  if (caller.sessionFor !== undefined && isInitialize(body.json)) {
    const initialize = InitializeRequestSchema.safeParse(body.json);
    if (initialize.success) {
      response.setHeader("mcp-session-id", caller.sessionFor(initialize.data.params.capabilities));
    }
  }
  const server = endpoint.serverFor(caller);
  // No sessionIdGenerator: the SDK's stateless mode.
  const transport = new StreamableHTTPServerTransport({});
  response.once("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body.json);
}

function isInitialize(json: unknown): boolean {
  return (
    typeof json === "object" && json !== null && "method" in json && json.method === "initialize"
  );
}

function callerOf(
  request: IncomingMessage,
  keys: KeySource,
): (Caller & { problem?: undefined }) | { problem: string } {
  const sent = request.headers[KEY_HEADER];
  // A client that meant another account must not silently act on this one.
  if (keys.kind === "server") {
    return sent === undefined
      ? { apiKey: undefined }
      : {
          problem:
            "Bad request: this server holds its own Woodpecker key; do not send X-Woodpecker-Api-Key",
        };
  }
  if (keys.kind === "grant") {
    return sent === undefined
      ? keys.callerOf(request)
      : {
          problem:
            "Bad request: the account is the one you signed in to; do not send X-Woodpecker-Api-Key",
        };
  }
  if (sent === undefined) return { apiKey: undefined };
  if (typeof sent !== "string" || !keys.isValidKey(sent)) {
    return {
      problem: `Bad request: X-Woodpecker-Api-Key must be one Woodpecker API key, printable characters only, at most ${MAX_KEY_LENGTH} of them`,
    };
  }
  return { apiKey: sent };
}

type Body =
  | { json: unknown; problem?: undefined }
  | { problem: { status: number; code: number; message: string } };

async function readJsonBody(request: IncomingMessage): Promise<Body> {
  const tooLarge = {
    problem: { status: 413, code: -32000, message: "Payload too large: the limit is 1 MiB" },
  };
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return tooLarge;
  const body = await readRequestBody(request, MAX_BODY_BYTES);
  if (body === undefined) return tooLarge;
  try {
    return { json: JSON.parse(body.toString("utf8")) };
  } catch {
    return { problem: { status: 400, code: -32700, message: "Parse error" } };
  }
}

/** A loopback name (any port), or one the operator listed. */
export function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, "");
  return isLoopback(name) || allowed.has(name);
}

/** A loopback origin, or one the operator listed. */
function originAllowed(origin: string, allowed: ReadonlySet<string>): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return allowed.has(url.origin) || (/^https?:$/.test(url.protocol) && isLoopback(url.hostname));
}

/** Compares the sent token with every configured one, in constant time for each. */
function bearerMatches(header: string | undefined, tokens: readonly Buffer[]): boolean {
  const sent = /^Bearer +(\S+)$/i.exec(header ?? "")?.[1];
  return sent !== undefined && matchesOneOf(sent, tokens);
}

export function refuse(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  respondJson(response, status, { jsonrpc: "2.0", error: { code, message }, id: null });
}

function respondJson(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
