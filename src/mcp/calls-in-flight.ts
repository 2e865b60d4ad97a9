import type { AuditOutcome, AuditTrail } from "../logging/audit.js";
import type { ConfirmedBy } from "../results/schema.js";
import type { Mode, ResultBody } from "./envelope.js";

/** One tool call while it runs: what the audit trail needs if the process must stop mid-call. */
export interface CallRecord {
  tool: string;
  destructive: boolean;
  target: string | number | null;
  /** The fingerprint of the account's key. */
  account: string | null;
  /** Remote mode with OAuth: the id of the client the person signed in to. */
  oauthClient: string | undefined;
  confirmedBy: ConfirmedBy | null;
  /** A DELETE this call relied on went out to Woodpecker (its own, or one it joined). */
  deleteSent: boolean;
  /** How many attempts of that DELETE went out so far. */
  attempts: number;
  /** The call waited for another call's DELETE of the same target instead of sending its own. */
  joined: boolean;
  startedAt: number;
  /** Aborts the call at shutdown, once calls in flight had their time to finish. */
  stop: AbortController;
}

/** What the call ended in, as the audit line reports it. */
export type CallEnd = Pick<
  AuditOutcome,
  "outcome" | "reason" | "http_status" | "attempts" | "request_id" | "verified_by_read"
>;

/** The audit line of a call of a deleting tool, finished or cut off. */
export function auditOutcome(
  record: CallRecord,
  mode: { dryRun: boolean; sandbox: boolean },
  end: CallEnd,
): AuditOutcome {
  return {
    tool: record.tool,
    target: record.target,
    account: record.account,
    ...oauthClientOf(record),
    dry_run: mode.dryRun,
    sandbox: mode.sandbox,
    ...end,
    confirmed_by: record.confirmedBy,
    delete_sent: record.deleteSent,
    joined: record.joined,
    duration_ms: Math.round(performance.now() - record.startedAt),
  };
}

/** Writes the audit line of a finished call of a deleting tool, from its result. */
export function auditCall(audit: AuditTrail, record: CallRecord, mode: Mode, body: ResultBody) {
  audit.outcome(
    auditOutcome(record, mode, {
      // A batch partly accepted says so, not only what failed in it.
      outcome: body.status === "error" ? (body.error?.kind ?? body.status) : body.status,
      reason: body.error?.reason ?? body.confirmation?.reason ?? null,
      http_status: body.http_status ?? null,
      attempts: body.attempts ?? 0,
      request_id: body.error?.request_id ?? null,
      verified_by_read: body.verified_by_read === true,
    }),
  );
}

/**
 * The tool calls in flight. Shutdown stops new calls, then waits a few seconds for these to end
 * and be audited before the process exits.
 */
export class CallsInFlight {
  readonly #calls = new Map<CallRecord, Promise<unknown>>();
  #accepting = true;

  get accepting(): boolean {
    return this.#accepting;
  }

  track<T>(record: CallRecord, work: Promise<T>): Promise<T> {
    const settled = work.finally(() => this.#calls.delete(record));
    this.#calls.set(
      record,
      settled.catch(() => undefined),
    );
    return settled;
  }

  /**
   * Refuses new calls and waits up to `ms` for the running ones. Returns the calls still running
   * when the time is up.
   */
  async drain(ms: number): Promise<CallRecord[]> {
    this.#accepting = false;
    if (this.#calls.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
      });
      await Promise.race([Promise.all(this.#calls.values()), timeUp]);
      clearTimeout(timer);
    }
    return this.running();
  }

  running(): CallRecord[] {
    return [...this.#calls.keys()];
  }
}

/** The audit field naming the OAuth client of a call, where there is one. */
export function oauthClientOf(record: CallRecord): { oauth_client?: string } {
  return record.oauthClient === undefined ? {} : { oauth_client: record.oauthClient };
}
