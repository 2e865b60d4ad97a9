import type { Config } from "../config/parse-cli.js";
import { createServer, createSharedState } from "../mcp/server.js";
import { StdioTransport } from "../mcp/stdio-transport.js";
import { installShutdown } from "./shutdown.js";
import { logStarted, start } from "./start.js";

/** Runs the MCP server on stdio until the client goes away or a signal stops it. */
export async function serve(config: Config, warnings: readonly string[]): Promise<void> {
  const started = await start(config, warnings);
  const { logger, audit, calls, backend, scrubber } = started;
  const shared = createSharedState();
  const server = createServer(
    { config, account: backend.account, logger, audit, scrubber, calls },
    shared,
  );
  const transport = new StdioTransport(logger);
  const stop = installShutdown({
    calls,
    logger,
    audit,
    mode: config,
    // An approval page still asking closes; a deletion it already sent is drained like a call.
    stopTaking: () => shared.rooms.close(),
    close: async () => {
      await server.close();
      await backend.close();
    },
  });
  process.stdin.once("end", () => stop("stdin closed", 0));
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    logger.warn({ code: error.code }, "stdout is closed: no more answers can be sent");
    stop("stdout closed", 0);
  });
  server.server.onclose = () =>
    stop(transport.failure ?? "the connection closed", transport.failure === undefined ? 0 : 1);
  await server.connect(transport);
  if (backend.account === undefined) {
    logger.warn(
      "WOODPECKER_API_KEY is not set: the tools are listed, and every call answers not_configured (try --sandbox)",
    );
  }
  logStarted(config, started);
}
