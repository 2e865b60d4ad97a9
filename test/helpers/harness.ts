import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type ClientCapabilities,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { parseCli } from "../../src/config/parse-cli.js";
import { createLogger } from "../../src/logging/logger.js";
import { type ToolResult, ToolResultSchema } from "../../src/tools/result.js";
import { createServer } from "../../src/mcp/server.js";
import { WoodpeckerClient } from "../../src/woodpecker/client.js";

import { captureLines } from "./capture.js";
import { startStandIn, TEST_KEY } from "./stand-in.js";

export { TEST_KEY };

export interface HarnessOptions {
  env?: Record<string, string>;
  capabilities?: ClientCapabilities;
  onElicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
  /** Leave the server without an API key (not_configured). */
  withoutKey?: boolean;
}

export interface CallOutcome {
  result: ToolResult;
  isError: boolean;
  text: string;
}

/**
 * The real server, wired in-process to the SDK's Client through linked in-memory transports, and
 * to the Woodpecker stand-in over real HTTP on 127.0.0.1.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const woodpecker = await startStandIn();
  const env = {
    WOODPECKER_API_BASE_URL: woodpecker.baseUrl,
    WOODPECKER_MAX_RETRIES: "0",
    ...(options.withoutKey ? {} : { WOODPECKER_API_KEY: TEST_KEY }),
    ...options.env,
  };
  const request = parseCli(env, []);
  if (request.action !== "serve") throw new Error("expected a serve request");
  const config = request.config;
  const logs = captureLines();
  const logger = createLogger({ ...config, logLevel: "debug" }, logs.stream);
  const client =
    config.apiKey === undefined
      ? undefined
      : new WoodpeckerClient({
          baseUrl: config.baseUrl,
          apiKey: config.apiKey,
          timeoutMs: config.timeoutMs,
          maxRetries: config.maxRetries,
          logger,
        });
  const server = createServer({ config, client, logger, secret: config.apiKey });
  const mcpClient = new Client(
    { name: "test-client", version: "1.0.0" },
    { capabilities: options.capabilities ?? {} },
  );
  const { onElicit } = options;
  if (onElicit) {
    mcpClient.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request.params.message));
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await mcpClient.connect(clientTransport);

  return {
    woodpecker,
    client: mcpClient,
    logs: logs.lines,
    config,
    /** Calls a tool and re-parses its structuredContent with the output schema. */
    async call(name: string, args: Record<string, unknown>): Promise<CallOutcome> {
      const response = await mcpClient.callTool({ name, arguments: args });
      const result = ToolResultSchema.parse(response.structuredContent);
      const first = Array.isArray(response.content) ? response.content[0] : undefined;
      return {
        result,
        isError: response.isError === true,
        text: first?.type === "text" ? first.text : "",
      };
    },
    async close() {
      await mcpClient.close();
      await server.close();
      await woodpecker.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
