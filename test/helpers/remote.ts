import { type ChildProcess, spawn } from "node:child_process";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { jsonLines } from "./capture.js";
import {
  confirmedByAgent,
  type DeletingTool,
  type Outcome,
  outcomeOf,
  type ToolName,
} from "./results.js";
import { BUILT_SERVER } from "./spawn.js";
import { waitFor } from "./wait.js";

/** A replica of the built server in remote mode, on a free port of 127.0.0.1. */
export interface Replica {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  logEntries: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [BUILT_SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      WOODPECKER_HTTP_PORT: "0",
      WOODPECKER_APPROVAL: "off",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const logEntries = () => jsonLines(stderr);
  let failed = false;
  void exited.then(() => {
    failed = true;
  });
  await waitFor(() => failed || logEntries().some((entry) => entry.listening !== undefined), {
    what: "the replica to listen",
  });
  const listening = logEntries().find((entry) => entry.listening !== undefined)?.listening;
  if (typeof listening !== "string") throw new Error(`the replica did not start: ${stderr}`);
  return { url: `http://${listening}`, child, stderr: () => stderr, logEntries, exited };
}

/** Stops a replica with SIGTERM and waits for its exit code. */
export async function stopReplica(replica: Replica): Promise<number | null> {
  if (replica.child.exitCode === null) replica.child.kill("SIGTERM");
  return replica.exited;
}

/**
 * The SDK's own client over Streamable HTTP, with a test's headers on every request, signed in
 * through `authProvider` where one is given.
 */
export async function connectHttp(
  baseUrl: string,
  headers: Record<string, string> = {},
  capabilities: ClientCapabilities = {},
  authProvider?: OAuthClientProvider,
) {
  const client = new Client({ name: "remote-test", version: "1.0.0" }, { capabilities });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers },
      ...(authProvider === undefined ? {} : { authProvider }),
    }),
  );
  return {
    client,
    async call<Name extends ToolName>(
      name: Name,
      args: Record<string, unknown> = {},
    ): Promise<Outcome<Name>> {
      return outcomeOf(name, await client.callTool({ name, arguments: args }));
    },
    confirmed<Name extends DeletingTool>(name: Name, args: Record<string, unknown>) {
      return confirmedByAgent((n: Name, a) => this.call(n, a), name, args);
    },
    close: () => client.close(),
  };
}

export type HttpClient = Awaited<ReturnType<typeof connectHttp>>;
