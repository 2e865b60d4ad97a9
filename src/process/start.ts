import { type Config, ConfigError } from "../config/parse-cli.js";
import { AuditTrail } from "../logging/audit.js";
import { AuditFile, AuditFileError } from "../logging/audit-file.js";
import { createLogger, type Logger } from "../logging/logger.js";
import { SecretScrubber, SecretSet } from "../logging/secret.js";
import { CallsInFlight } from "../mcp/calls-in-flight.js";
import { SERVER_VERSION } from "../package-info.js";
import { type Backend, connectBackend } from "./backend.js";

/** What every transport starts with: logs, the audit trail, the calls in flight, the backend. */
export interface Started {
  logger: Logger;
  secrets: SecretSet;
  /** Keeps the server's own key out of results. */
  scrubber: SecretScrubber;
  audit: AuditTrail;
  calls: CallsInFlight;
  backend: Backend;
}

export async function start(config: Config, warnings: readonly string[]): Promise<Started> {
  const secrets = new SecretSet([config.apiKey, ...(config.http?.tokens ?? [])]);
  const logger = createLogger(config, undefined, secrets);
  // A setting that is ignored is said whatever LOG_LEVEL says: it may be one the user relies on.
  const warn = logger.child({}, { level: "warn" });
  for (const warning of warnings) warn.warn(warning);
  const scrubber =
    config.apiKey === undefined ? new SecretScrubber(undefined) : secrets.add(config.apiKey);
  const audit = openAuditTrail(config, scrubber);
  const backend = await connectBackend(config, logger, scrubber);
  return { logger, secrets, scrubber, audit, calls: new CallsInFlight(), backend };
}

/** The line that says the server is up, and how it is set. */
export function logStarted(config: Config, started: Started, details: object = {}): void {
  started.logger.info(
    {
      version: SERVER_VERSION,
      tools: config.tools,
      base_url: started.backend.baseUrl,
      api_key_configured: config.apiKey !== undefined,
      sandbox: config.sandbox,
      dry_run: config.dryRun,
      read_only: config.readOnly,
      elicitation: config.elicitation,
      confirmation: config.confirmation,
      approval: config.approval,
      audit_file: config.auditFile ?? null,
      max_in_flight: config.maxInFlight,
      protected_domains: [...config.protectedDomains],
      ...details,
    },
    config.sandbox
      ? "started in SANDBOX mode: calls go to a built-in simulation, never to Woodpecker"
      : "started",
  );
}

/**
 * The audit trail, with its durable file opened (and a torn end mended) before anything can be
 * deleted: a file that cannot be used stops us.
 */
function openAuditTrail(config: Config, scrubber: SecretScrubber): AuditTrail {
  if (config.auditFile === undefined) return new AuditTrail({ file: undefined, scrubber });
  try {
    const audit = new AuditTrail({ file: AuditFile.open(config.auditFile), scrubber });
    audit.mendFile();
    return audit;
  } catch (error) {
    if (error instanceof AuditFileError) {
      throw new ConfigError(`WOODPECKER_AUDIT_FILE ${error.message}`);
    }
    throw error;
  }
}
