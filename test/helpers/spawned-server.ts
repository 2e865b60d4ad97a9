import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type ClientCapabilities,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { type ToolResult, ToolResultSchema } from "../../src/tools/result.js";

export const BUILT_SERVER = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

export interface SpawnOptions {
  env?: Record<string, string>;
  args?: string[];
  capabilities?: ClientCapabilities;
  onElicit?: () => ElicitResult | Promise<ElicitResult>;
}

/** Spawns the built server and connects the SDK's Client to it over stdio. */
export async function spawnServer(options: SpawnOptions = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BUILT_SERVER, ...(options.args ?? [])],
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
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, () => onElicit());
  await client.connect(transport);
  // Everything the server wrote to stdout, as the client read it.
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
    async call(
      name: string,
      args: Record<string, unknown>,
    ): Promise<{ result: ToolResult; raw: unknown }> {
      const raw = await client.callTool({ name, arguments: args });
      expect(raw.isError === true).toBe(!ToolResultSchema.parse(raw.structuredContent).ok);
      return { result: ToolResultSchema.parse(raw.structuredContent), raw };
    },
    close: () => client.close(),
  };
}

export type SpawnedServer = Awaited<ReturnType<typeof spawnServer>>;
