import type { AuditFile } from "./audit-file.js";
import { writeFully } from "./audit-file.js";
import type { SecretScrubber } from "./secret.js";

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
  /** Remote mode with OAuth: the id of the client the person signed in to. */
  oauth_client?: string;
}

export interface AuditOutcome extends AuditSubject {
  /**
   * The result's status, its error.kind, or `interrupted` for a call still running when the
   * process had to exit.
   */
  outcome: string;
  reason: string | null;
  delete_sent: boolean;
  joined: boolean;
  http_status: number | null;
  attempts: number;
  request_id: string | null;
  /** The DELETE's answer was ambiguous and a read afterwards settled it as accepted. */
  verified_by_read: boolean;
  duration_ms: number;
}

/**
 * The audit trail of the deleting tools: an intent line before every DELETE, so that a process
 * that dies mid-call still leaves a trace, and one outcome line per call. Each line goes to
 * stderr, in the logs' format, whatever LOG_LEVEL says, and with WOODPECKER_AUDIT_FILE also to
 * that file, fsynced, before the server goes on. An intent line that cannot be written (to the
 * file, or to stderr when there is none) throws: the DELETE must then not be sent.
 */
export class AuditTrail {
  readonly #file: AuditFile | undefined;
  readonly #scrubber: SecretScrubber;
  readonly #stderr: (line: string) => void;

  constructor(options: {
    file: AuditFile | undefined;
    scrubber: SecretScrubber;
    /** Where stderr lines go; tests keep them. */
    stderr?: (line: string) => void;
  }) {
    this.#file = options.file;
    this.#scrubber = options.scrubber;
    this.#stderr = options.stderr ?? ((line) => writeFully(2, `${line}\n`));
  }

  /** Throws when the line cannot be written: then no DELETE may be sent. */
  intent(subject: AuditSubject, request: string): void {
    this.#write(this.#entry({ audit: "intent", ...subject, request }, "about to send a DELETE"));
  }

  /**
   * Never throws: the call is over, and its answer must still reach the client. A line the file
   * refuses still goes to stderr.
   */
  outcome(outcome: AuditOutcome): void {
    const entry = this.#entry({ audit: "outcome", ...outcome }, "deleting tool call");
    try {
      this.#write(entry);
    } catch {
      this.#copyToStderr(JSON.stringify(entry));
    }
  }

  #entry(fields: Record<string, unknown>, msg: string): Record<string, unknown> {
    return this.#scrubber.value({
      level: 30,
      time: Date.now(),
      name: "woodpecker-mcp",
      ...fields,
      msg,
    });
  }

  #write(entry: Record<string, unknown>): void {
    if (this.#file === undefined) {
      this.#stderr(JSON.stringify(entry));
      return;
    }
    this.#copyToStderr(this.#file.append(entry));
  }

  /** A copy whose loss changes nothing: the file holds the line, or nothing can. */
  #copyToStderr(line: string): void {
    try {
      this.#stderr(line);
    } catch {
      // stderr is closed too.
    }
  }
}
