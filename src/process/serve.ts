import { ConfigError, type Config } from "../config/parse-cli.js";
import { AuditTrail } from "../logging/audit.js";
import { AuditFile, AuditFileError } from "../logging/audit-file.js";
import { createLogger } from "../logging/logger.js";
import { SecretScrubber } from "../logging/secret.js";
import { CallsInFlight } from "../mcp/calls-in-flight.js";
import { createServer } from "../mcp/server.js";
import { StdioTransport } from "../mcp/stdio-transport.js";
import { SERVER_VERSION } from "../package-info.js";
import { connectBackend } from "./backend.js";
import { installShutdown } from "./shutdown.js";

/** Runs the MCP server on stdio until the client goes away or a signal stops it. */
export async function serve(config: Config, warnings: readonly string[]): Promise<void> {
  const logger = createLogger(config);
  // A setting that is ignored is said whatever LOG_LEVEL says: it may be one the user relies on.
  const warn = logger.child({}, { level: "warn" });
  for (const warning of warnings) warn.warn(warning);
  const scrubber = new SecretScrubber(config.apiKey);
  const audit = new AuditTrail({ file: openAuditFile(config), scrubber });
  const backend = await connectBackend(config, logger);
  const calls = new CallsInFlight();
  const server = createServer({
    config,
    account: backend.account,
    logger,
    audit,
    scrubber,
    calls,
  });
  const transport = new StdioTransport(logger);
  installShutdown({ server, transport, calls, backend, logger, audit, config });
  await server.connect(transport);
  if (backend.account === undefined) {
    logger.warn(
      "WOODPECKER_API_KEY is not set: the tools are listed, and every call answers not_configured (try --sandbox)",
    );
  }
  logger.info(
    {
      version: SERVER_VERSION,
      tools: config.tools,
      base_url: backend.baseUrl,
      api_key_configured: config.apiKey !== undefined,
      sandbox: config.sandbox,
      dry_run: config.dryRun,
      read_only: config.readOnly,
      elicitation: config.elicitation,
      confirmation: config.confirmation,
      audit_file: config.auditFile ?? null,
      max_in_flight: config.maxInFlight,
      protected_domains: [...config.protectedDomains],
    },
    config.sandbox
      ? "started in SANDBOX mode: calls go to a built-in simulation, never to Woodpecker"
      : "started",
  );
}

/** The durable audit file, opened before anything can be deleted: one that cannot be, stops us. */
function openAuditFile(config: Config): AuditFile | undefined {
  if (config.auditFile === undefined) return undefined;
  try {
    return AuditFile.open(config.auditFile);
  } catch (error) {
    if (error instanceof AuditFileError) {
      throw new ConfigError(`WOODPECKER_AUDIT_FILE ${error.message}`);
    }
    throw error;
  }
}
