import { HELP_TEXT } from "./config/help.js";
import { type Config, ConfigError, isValidApiKey, parseCli } from "./config/parse-cli.js";
import { type Link, verifyAuditFile } from "./logging/audit-chain.js";
import { createLogger } from "./logging/logger.js";
import { SERVER_NAME, SERVER_VERSION } from "./package-info.js";
import { serve } from "./process/serve.js";

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
  if (request.action === "verify-audit") {
    process.exitCode = verifyAudit(request.path, request.anchor);
    return;
  }
  const { config, warnings } = request;
  try {
    if (config.http === undefined) await serve(config, warnings);
    else {
      // Loaded only in remote mode: the HTTP transport and what it brings are not small.
      const { serveHttp } = await import("./process/serve-http.js");
      await serveHttp({ ...config, http: config.http }, warnings, isValidApiKey);
    }
  } catch (error) {
    const message = startFailure(error, config);
    if (message === undefined) throw error;
    console.error(`${SERVER_NAME}: ${message}`);
    process.exit(2);
  }
}

/** What stopped the start, in one line, when it is the settings' fault. */
function startFailure(error: unknown, config: Config): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (config.http !== undefined && (code === "EADDRINUSE" || code === "EACCES")) {
    const where = `${config.http.host}:${config.http.port}`;
    return `WOODPECKER_HTTP_PORT: cannot listen on ${where} (${code === "EADDRINUSE" ? "the port is in use" : "permission denied"})`;
  }
  return undefined;
}

/**
 * `--verify-audit FILE [--anchor SEQ:HASH]`: checks the chain of an audit file (and that the
 * anchor's line is in it), and says where it breaks.
 */
function verifyAudit(path: string, anchor: Link | undefined): number {
  try {
    const result = verifyAuditFile(path, anchor);
    if (result.ok) {
      process.stdout.write(`${path}: ${result.lines} lines, the chain is intact\n`);
      return 0;
    }
    process.stdout.write(`${path}: line ${result.line} of ${result.lines} ${result.problem}\n`);
  } catch (error) {
    console.error(
      `${SERVER_NAME}: ${path} cannot be read: ${(error as NodeJS.ErrnoException).code}`,
    );
    return 2;
  }
  return 1;
}

main().catch((error: unknown) => {
  const logger = createLogger({ apiKey: process.env.WOODPECKER_API_KEY, logLevel: "error" });
  logger.fatal({ err: error }, "failed to start");
  process.exit(1);
});
