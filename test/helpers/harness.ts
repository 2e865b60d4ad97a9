import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type ClientCapabilities,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach } from "vitest";
import { parseCli } from "../../src/config/parse-cli.js";
import { AuditTrail } from "../../src/logging/audit.js";
import { createLogger } from "../../src/logging/logger.js";
import { SecretScrubber } from "../../src/logging/secret.js";
import { CallsInFlight } from "../../src/mcp/calls-in-flight.js";
import { createServer } from "../../src/mcp/server.js";
import { openAccount } from "../../src/process/backend.js";
import { captureLines } from "./capture.js";
import {
  confirmedByAgent,
  type DeletingTool,
  type Outcome,
  outcomeOf,
  type ToolName,
} from "./results.js";
import { startStandIn, TEST_KEY } from "./stand-in.js";

export { TEST_KEY };

export interface HarnessOptions {
  env?: Record<string, string>;
  capabilities?: ClientCapabilities;
  onElicit?: (params: ElicitRequest["params"]) => ElicitResult | Promise<ElicitResult>;
  /** Leave the server without an API key (not_configured). */
  withoutKey?: boolean;
  /** How often a call waiting for a person reports progress. */
  heartbeatMs?: number;
  /** How long the stand-in takes to complete an accepted domain deletion. */
  deletionMs?: number;
  /** Woodpecker's request limits in the stand-in (on by default). */
  limits?: boolean;
}

/**
 * The real server, wired in-process to the SDK's Client through linked in-memory transports, and
 * to the Woodpecker stand-in over real HTTP on 127.0.0.1.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const woodpecker = await startStandIn({
    ...(options.deletionMs === undefined ? {} : { deletionMs: options.deletionMs }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const env = {
    WOODPECKER_API_BASE_URL: woodpecker.baseUrl,
    WOODPECKER_MAX_RETRIES: "0",
    WOODPECKER_APPROVAL: "off",
    ...(options.withoutKey ? {} : { WOODPECKER_API_KEY: TEST_KEY }),
    ...options.env,
  };
  const request = parseCli(env, []);
  if (request.action !== "serve") throw new Error("expected a serve request");
  const { config } = request;
  const logs = captureLines();
  const logger = createLogger({ ...config, logLevel: "debug" }, logs.stream);
  const account =
    config.apiKey === undefined
      ? undefined
      : openAccount(config, logger, config.baseUrl, config.apiKey);
  const calls = new CallsInFlight();
  const scrubber = new SecretScrubber(config.apiKey);
  const server = createServer({
    config,
    account,
    logger,
    audit: new AuditTrail({
      file: undefined,
      scrubber,
      stderr: (line) => logs.stream.write(`${line}\n`),
    }),
    scrubber,
    calls,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  const mcpClient = new Client(
    { name: "test-client", version: "1.0.0" },
    { capabilities: options.capabilities ?? {} },
  );
  const { onElicit } = options;
  if (onElicit) {
    mcpClient.setRequestHandler(ElicitRequestSchema, (elicit) => onElicit(elicit.params));
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await mcpClient.connect(clientTransport);

  return {
    woodpecker,
    client: mcpClient,
    config,
    calls,
    /** The account's Woodpecker client, absent without a key. */
    woodpeckerClient: account?.client,
    logs: logs.lines,
    /** The audit lines written so far, parsed. */
    audit: () => logs.entries().filter((entry) => entry.audit !== undefined),
    /** Calls a tool and re-parses its structuredContent with that tool's output schema. */
    async call<Name extends ToolName>(
      name: Name,
      args: Record<string, unknown> = {},
    ): Promise<Outcome<Name>> {
      return outcomeOf(name, await mcpClient.callTool({ name, arguments: args }));
    },
    /** Confirms as an agent relaying the person's yes: preview, then confirm with its token. */
    confirmed<Name extends DeletingTool>(
      name: Name,
      args: Record<string, unknown>,
    ): Promise<Outcome<Name>> {
      return confirmedByAgent((n: Name, a) => this.call(n, a), name, args);
    },
    async close() {
      await mcpClient.close();
      await server.close();
      await woodpecker.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The options of a client that can show a form and answers every prompt with `answer` (or what
 * `answer` returns for it), keeping each prompt it was shown.
 */
export function formClient(
  answer: ElicitResult | ((params: ElicitRequest["params"]) => ElicitResult),
) {
  const prompts: string[] = [];
  return {
    prompts,
    options: {
      capabilities: { elicitation: {} },
      onElicit: (params: ElicitRequest["params"]) => {
        prompts.push(params.message);
        return typeof answer === "function" ? answer(params) : answer;
      },
    } satisfies HarnessOptions,
  };
}

/**
 * At the top of a test file: `const start = useHarness();`. Each `start` gives a fresh harness,
 * closing the one before; the last is closed after each test.
 */
export function useHarness(): (options?: HarnessOptions) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    await current?.close();
    current = await startHarness(options);
    return current;
  };
}
