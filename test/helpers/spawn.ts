import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type ClientCapabilities,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { type ToolResult, ToolResultSchema } from "../../src/tools/result.js";

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
    env: { PATH: process.env.PATH ?? "", ...options.env },
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
    /** Calls a tool and re-parses its structuredContent with the output schema. */
    async call(
      name: string,
      args: Record<string, unknown>,
    ): Promise<{ result: ToolResult; raw: unknown }> {
      const raw = await client.callTool({ name, arguments: args });
      const result = ToolResultSchema.parse(raw.structuredContent);
      expect(raw.isError === true).toBe(!result.ok);
      return { result, raw };
    },
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
