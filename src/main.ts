import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type Config, ConfigError, parseCli } from "./config/parse-cli.js";
import { HELP_TEXT } from "./config/help.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { SERVER_NAME, SERVER_VERSION } from "./package-info.js";
import { answerUnreadableMessages } from "./mcp/protocol-errors.js";
import { createServer } from "./mcp/server.js";
import { WoodpeckerClient } from "./woodpecker/client.js";

async function main(): Promise<void> {
  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${SERVER_NAME}: ${error.message}`);
    process.exit(2);
  }
  if (request.action === "help") {
    process.stdout.write(HELP_TEXT);
    return;
  }
  if (request.action === "version") {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  await serve(request.config);
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger(config);
  const backend = await connectBackend(config, logger);
  const server = createServer({ config, client: backend.client, logger, secret: config.apiKey });

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    await server.close().catch(() => undefined);
    await backend.close();
    process.exit(0);
  };
  process.stdin.once("end", () => void stop("stdin closed"));
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  const transport = new StdioServerTransport();
  await server.connect(transport);
  answerUnreadableMessages(server, transport, logger);
  if (backend.client === undefined) {
    logger.warn(
      "WOODPECKER_API_KEY is not set: the tools are listed, and every call answers not_configured (try --sandbox)",
    );
  }
  logger.info(
    {
      version: SERVER_VERSION,
      tools: config.enabledTools,
      base_url: backend.baseUrl,
      api_key_configured: config.apiKey !== undefined,
      sandbox: config.sandbox,
      dry_run: config.dryRun,
      elicitation: config.elicitation,
      protected_domains: [...config.protectedDomains],
    },
    config.sandbox
      ? "started in SANDBOX mode: calls go to a built-in simulation, never to Woodpecker"
      : "started",
  );
}

interface Backend {
  client: WoodpeckerClient | undefined;
  baseUrl: string;
  close: () => Promise<void>;
}

async function connectBackend(config: Config, logger: Logger): Promise<Backend> {
  const limits = { timeoutMs: config.timeoutMs, maxRetries: config.maxRetries, logger };
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/start.js");
    const sandbox = await startSandbox();
    return {
      client: new WoodpeckerClient({ ...limits, baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }),
      baseUrl: sandbox.baseUrl,
      close: () => sandbox.close(),
    };
  }
  const client =
    config.apiKey === undefined
      ? undefined
      : new WoodpeckerClient({ ...limits, baseUrl: config.baseUrl, apiKey: config.apiKey });
  return { client, baseUrl: config.baseUrl, close: async () => undefined };
}

main().catch((error: unknown) => {
  const logger: Logger = createLogger({
    apiKey: process.env.WOODPECKER_API_KEY,
    logLevel: "error",
  });
  logger.fatal({ err: error }, "failed to start");
  process.exit(1);
});
