import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Config } from "../config/parse-cli.js";
import type { AuditTrail } from "../logging/audit.js";
import type { Logger } from "../logging/logger.js";
import { auditOutcome, type CallRecord, type CallsInFlight } from "../mcp/calls-in-flight.js";
import type { StdioTransport } from "../mcp/stdio-transport.js";
import type { Backend } from "./backend.js";

/** How long calls in flight may take to finish, and be audited, once the server must stop. */
const DRAIN_MS = 5_000;
/** How long calls cancelled after that have to end as `cancelled`, answered and audited. */
const CANCEL_GRACE_MS = 1_000;

interface Running {
  server: McpServer;
  transport: StdioTransport;
  calls: CallsInFlight;
  backend: Backend;
  logger: Logger;
  audit: AuditTrail;
  config: Config;
}

/**
 * Stops the process cleanly on SIGINT, SIGTERM, SIGHUP, stdin closing, the connection closing,
 * or stdout breaking (a client that closed it): new calls are refused, calls in flight get a few
 * seconds to finish and be audited; any still running then are cancelled, and end as `cancelled`
 * (saying whether their DELETE was sent), answered and audited like any call. A second signal
 * exits at once, auditing what is still running as interrupted.
 */
export function installShutdown(running: Running): void {
  const { server, transport, calls, logger } = running;
  let stopping = false;

  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    let unfinished = await calls.drain(DRAIN_MS);
    if (unfinished.length > 0) {
      logger.warn({ calls: unfinished.length }, "cancelling the calls still in flight");
      for (const record of unfinished) record.stop.abort();
      unfinished = await calls.drain(CANCEL_GRACE_MS);
    }
    auditInterrupted(running, unfinished);
    // The SDK sends a call's answer a few microtasks after its handler returns, and closing
    // aborts what it has not sent yet: let the answers of the calls that just finished go out.
    await new Promise((resolve) => setImmediate(resolve));
    await server.close().catch(() => undefined);
    await running.backend.close();
    process.exit(exitCode);
  };

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (!stopping) {
        void stop(signal, 0);
        return;
      }
      logger.warn({ signal }, "second signal: exiting without waiting for calls in flight");
      auditInterrupted(running, calls.running());
      process.exit(1);
    });
  }
  process.stdin.once("end", () => void stop("stdin closed", 0));
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    logger.warn({ code: error.code }, "stdout is closed: no more answers can be sent");
    void stop("stdout closed", 0);
  });
  server.server.onclose = () =>
    void stop(
      transport.failure ?? "the connection closed",
      transport.failure === undefined ? 0 : 1,
    );
}

function auditInterrupted({ audit, config, logger }: Running, records: CallRecord[]): void {
  for (const record of records) {
    if (!record.destructive) continue;
    audit.outcome(
      auditOutcome(record, config, {
        outcome: "interrupted",
        reason: null,
        http_status: null,
        attempts: 0,
        request_id: null,
        verified_by_read: false,
      }),
    );
  }
  if (records.length > 0) {
    logger.warn({ calls: records.length }, "calls still in flight at exit were abandoned");
  }
}
