import type { Logger } from "./logger.js";

export interface AuditSubject {
  tool: string;
  /** The domain name or credential id; null when the arguments were invalid. */
  target: string | number | null;
  /** A short hash of the account's key, never the key. */
  account: string | null;
  dry_run: boolean;
  sandbox: boolean;
  /** Who said yes: form, url, page or agent; null when nobody did. */
  confirmed_by: string | null;
}

export interface AuditOutcome extends AuditSubject {
  /** The result's status, its error.kind, or `interrupted` for a call cut off at shutdown. */
  outcome: string;
  reason: string | null;
  delete_sent: boolean;
  joined: boolean;
  http_status: number | null;
  attempts: number;
  request_id: string | null;
  duration_ms: number;
}

/**
 * The audit trail of the deleting tools: an intent line before every DELETE, so that a process
 * that dies mid-call still leaves a trace, and one outcome line per call. It writes whatever
 * LOG_LEVEL says: a quieter level must never lose it.
 */
export class AuditTrail {
  readonly #log: Logger;

  constructor(logger: Logger) {
    this.#log = logger.child({}, { level: "info" });
  }

  intent(subject: AuditSubject, request: string): void {
    this.#log.info({ audit: "intent", ...subject, request }, "about to send a DELETE");
  }

  outcome(outcome: AuditOutcome): void {
    this.#log.info({ audit: "outcome", ...outcome }, "deleting tool call");
  }
}
