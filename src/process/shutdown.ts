import type { AuditTrail } from "../logging/audit.js";
import type { Logger } from "../logging/logger.js";
import { auditOutcome, type CallRecord, type CallsInFlight } from "../mcp/calls-in-flight.js";

/** How long calls in flight may take to finish, and be audited, once the server must stop. */
const DRAIN_MS = 5_000;
/** How long calls cancelled after that have to end as `cancelled`, answered and audited. */
const CANCEL_GRACE_MS = 1_000;
/** How long audit lines still waiting for the audit file's lock may wait at exit. */
const AUDIT_SETTLE_MS = 3_000;

interface Running {
  calls: CallsInFlight;
  logger: Logger;
  audit: AuditTrail;
  mode: { dryRun: boolean; sandbox: boolean };
  /** Stops taking new calls (closes the listener); called at once. */
  stopTaking?: () => void;
  /** Closes what is left once the calls are over: the transport, the sandbox. */
  close: () => Promise<void>;
}

/** Starts a graceful stop: `stop(reason, exitCode)`. */
export type Stop = (reason: string, exitCode: number) => void;

/**
 * Stops the process cleanly on SIGINT, SIGTERM and SIGHUP, and on whatever else the transport
 * calls `stop` for: new calls are refused, calls in flight get a few seconds to finish and be
 * audited; any still running then are cancelled, and end as `cancelled` (saying whether their
 * DELETE was sent), answered and audited like any call. A second signal exits at once, auditing
 * what is still running as interrupted.
 */
export function installShutdown(running: Running): Stop {
  const { calls, logger } = running;
  let stopping = false;

  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    running.stopTaking?.();
    let unfinished = await calls.drain(DRAIN_MS);
    if (unfinished.length > 0) {
      logger.warn({ calls: unfinished.length }, "cancelling the calls still in flight");
      for (const record of unfinished) record.stop.abort();
      unfinished = await calls.drain(CANCEL_GRACE_MS);
    }
    auditInterrupted(running, unfinished);
    await running.audit.settled(AUDIT_SETTLE_MS);
    running.audit.abandon();
    // The SDK sends a call's answer a few microtasks after its handler returns, and closing
    // aborts what it has not sent yet: let the answers of the calls that just finished go out.
    await new Promise((resolve) => setImmediate(resolve));
    await running.close().catch(() => undefined);
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
      running.audit.abandon();
      process.exit(1);
    });
  }
  return (reason, exitCode) => void stop(reason, exitCode);
}

function auditInterrupted({ audit, mode, logger }: Running, records: CallRecord[]): void {
  for (const record of records) {
    if (!record.destructive) continue;
    audit.outcome(
      auditOutcome(record, mode, {
        outcome: "interrupted",
        reason: null,
        http_status: null,
        attempts: record.attempts,
        request_id: null,
        verified_by_read: false,
      }),
    );
  }
  if (records.length > 0) {
    logger.warn({ calls: records.length }, "calls still in flight at exit were abandoned");
  }
}
