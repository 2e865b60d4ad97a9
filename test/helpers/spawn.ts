import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type ClientCapabilities,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach } from "vitest";
import { jsonLines } from "./capture.js";
import {
  confirmedByAgent,
  type DeletingTool,
  type Outcome,
  outcomeOf,
  type ToolName,
} from "./results.js";
import { type StandIn, startStandIn, TEST_KEY } from "./stand-in.js";
import { waitFor } from "./wait.js";

export const BUILT_SERVER = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

export interface SpawnOptions {
  /** Defaults to this Node running the built server; `args` then follow the server's path. */
  command?: string;
  args?: string[];
  /** The whole environment but PATH: nothing else leaks in from the test's own. */
  env?: Record<string, string> | undefined;
  capabilities?: ClientCapabilities;
  onElicit?: (params: ElicitRequest["params"]) => ElicitResult | Promise<ElicitResult>;
}

/**
 * Spawns a server as an MCP client's config entry would and connects the SDK's Client to it over
 * stdio, keeping its stderr and every message it wrote to stdout.
 */
export async function spawnServer(options: SpawnOptions = {}) {
  const transport = new StdioClientTransport({
    command: options.command ?? process.execPath,
    args:
      options.command === undefined
        ? [BUILT_SERVER, ...(options.args ?? [])]
        : (options.args ?? []),
    // A test never opens the developer's own browser; the approval page tests say when to.
    env: { PATH: process.env.PATH ?? "", WOODPECKER_APPROVAL: "off", ...options.env },
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client(
    { name: "e2e-client", version: "1.0.0" },
    { capabilities: options.capabilities ?? {} },
  );
  const { onElicit } = options;
  if (onElicit)
    client.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request.params));
  await client.connect(transport);
  const stdoutMessages: string[] = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message) => {
    stdoutMessages.push(JSON.stringify(message));
    deliver?.(message);
  };
  return {
    client,
    stderr,
    stdoutMessages,
    pid: transport.pid,
    /** Calls a tool and re-parses its structuredContent with that tool's output schema. */
    async call<Name extends ToolName>(
      name: Name,
      args: Record<string, unknown> = {},
    ): Promise<Outcome<Name> & { raw: unknown }> {
      const raw = await client.callTool({ name, arguments: args });
      return { ...outcomeOf(name, raw), raw };
    },
    /** Confirms as an agent relaying the person's yes: preview, then confirm with its token. */
    confirmed<Name extends DeletingTool>(name: Name, args: Record<string, unknown>) {
      return confirmedByAgent((n: Name, a) => this.call(n, a), name, args);
    },
    /** stderr so far, as parsed JSON lines (pino). */
    logEntries: () => jsonLines(stderr.join("")),
    close: () => client.close(),
  };
}

export type SpawnedServer = Awaited<ReturnType<typeof spawnServer>>;

/** Spawns a server, hands `use` its connected Client, then closes it. */
export async function withServer<T>(
  options: SpawnOptions,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const server = await spawnServer(options);
  try {
    return await use(server.client);
  } finally {
    await server.close();
  }
}

export async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools();
  return tools.map((tool) => tool.name);
}

/**
 * Spawns the built server with no MCP client in front: the test writes raw lines to its stdin
 * and reads its stdout and stderr, for what a well-behaved client never does.
 */
export function spawnRaw(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [BUILT_SERVER, ...args], {
    env: { PATH: process.env.PATH ?? "", WOODPECKER_APPROVAL: "off", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  // Some tests make the server exit while they still write to it; that is not their failure.
  child.stdin.on("error", () => undefined);
  child.stdout.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    child,
    output,
    exited,
    send(message: unknown) {
      child.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
    },
    /** The initialize handshake, declaring these capabilities. */
    initialize(capabilities: unknown = {}) {
      this.send({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities,
          clientInfo: { name: "raw", version: "0" },
        },
      });
      this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    },
    callTool(id: number, name: string, args: Record<string, unknown>) {
      this.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
    },
    /** Waits for the answer to request `id`. */
    async answer(id: number): Promise<RawMessage> {
      await waitFor(() => this.messages().some((message) => message.id === id), {
        what: `the answer to request ${id}`,
      });
      return this.messages().find((message) => message.id === id) as RawMessage;
    },
    /**
     * Plays the agent channel: sends the call as `id`, waits for its confirmation_required
     * answer, then sends the confirm with that answer's token as `id + 1`, without waiting.
     */
    async confirmCall(id: number, name: string, args: Record<string, unknown>): Promise<void> {
      this.callTool(id, name, args);
      const { result } = await this.answer(id);
      const token = (
        result as { structuredContent?: { confirmation?: { preview_token?: string } } }
      )?.structuredContent?.confirmation?.preview_token;
      if (token === undefined) throw new Error(`no preview token in ${JSON.stringify(result)}`);
      const confirm = String(args.domain_name ?? args.credential_id);
      this.callTool(id + 1, name, { ...args, confirm, preview_token: token });
    },
    /** Every JSON-RPC message written to stdout so far. */
    messages: (): RawMessage[] =>
      output.stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line)),
    /** Every log line written to stderr so far. */
    logEntries: () => jsonLines(output.stderr),
  };
}

export type RawServer = ReturnType<typeof spawnRaw>;

/** A JSON-RPC message as a raw test reads it. */
export interface RawMessage {
  id?: number | null;
  result?: unknown;
  error?: { code: number };
  method?: string;
}

/**
 * At the top of an end-to-end test file: a fresh Woodpecker stand-in for each test, and the
 * servers spawned against it, all closed after the test.
 */
export function useWoodpecker() {
  let woodpecker: StandIn | undefined;
  const servers: SpawnedServer[] = [];
  beforeEach(async () => {
    woodpecker = await startStandIn();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await woodpecker?.close();
  });
  const current = (): StandIn => {
    if (woodpecker === undefined) throw new Error("the stand-in starts before each test");
    return woodpecker;
  };
  return {
    get woodpecker(): StandIn {
      return current();
    },
    /** The environment of a server pointed at the stand-in: the test key, no retries. */
    env: (extra: Record<string, string> = {}): Record<string, string> => ({
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_API_BASE_URL: current().baseUrl,
      WOODPECKER_MAX_RETRIES: "0",
      ...extra,
    }),
    /** Spawns a server (closed after the test) and connects a client to it. */
    async spawn(options: SpawnOptions = {}): Promise<SpawnedServer> {
      const server = await spawnServer(options);
      servers.push(server);
      return server;
    },
  };
}

/**
 * The two kinds of client a confirmation rule is tested with: one that shows forms (its person
 * types what `typed` reads off the prompt; every prompt is kept in `prompts`, emptied before each
 * test) and one that does not (the agent relays the person's yes with the preview token).
 */
export function bothClients(typed: (message: string) => string) {
  const prompts: string[] = [];
  beforeEach(() => {
    prompts.length = 0;
  });
  const clients = {
    "a client that shows forms": {
      capabilities: { elicitation: {} },
      onElicit: (params: ElicitRequest["params"]) => {
        prompts.push(params.message);
        return { action: "accept" as const, content: { confirmation: typed(params.message) } };
      },
    },
    "a client that does not": {},
  } satisfies Record<string, Omit<SpawnOptions, "env">>;
  return { prompts, clients };
}
